"""The IOM partnership with the funding the strategy states (section 5, section 4.1 and
its footnotes, Annex IV)."""

from __future__ import annotations

import pytest

from funding import seed


@pytest.fixture
def funded(iom):
    seed.load_demo(iom)
    return iom
