from __future__ import annotations

import pytest

from reviews import seed
from reviews.models import Review


@pytest.fixture
def review(iom) -> Review:
    """The mid-term review of the IOM strategy, as the demo data loads it."""
    return seed.load_demo(iom)
