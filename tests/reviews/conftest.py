from __future__ import annotations

import pytest

from consultations import seed as consultation_seed
from funding import seed as funding_seed
from reviews import seed
from reviews.models import Review


@pytest.fixture
def review(iom) -> Review:
    """The mid-term review of the IOM strategy, as the demo data loads it."""
    return seed.load_demo(iom)


@pytest.fixture
def demo_review(iom) -> Review:
    """The mid-term review with everything ``make demo`` loads beside it: the budget of
    section 5, the assessed contribution, Annex IV and the 2019 consultation's agenda."""
    funding_seed.load_demo(iom)
    consultation_seed.load_demo(iom)
    return seed.load_demo(iom)
