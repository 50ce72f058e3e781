"""Fixtures of the IATI tests: the IOM partnership with its funding (funding.seed), the
payments of ``planted.py`` recorded, and IOM's file with its planted differences imported."""

from __future__ import annotations

import pytest

from funding import seed as funding_seed
from tests.iati.planted import import_bytes
from tests.iati.planted import planted_file
from tests.iati.planted import record_payments


@pytest.fixture
def funded(iom):
    funding_seed.load_demo(iom)
    return iom


@pytest.fixture
def paid(funded, desk):
    """The demo's 2019 lines committed, the USD rates recorded and the payments made."""
    record_payments(funded, desk)
    return funded


@pytest.fixture
def planted(paid, desk):
    """The payments and IOM's file with the planted differences, imported."""
    import_bytes(paid, planted_file(), by=desk)
    return paid
