import pytest

from accounts.models import Profile
from tests import factories


@pytest.fixture
def portfolio_admin(db):
    """A portfolio administrator who holds no role in any partnership."""
    person = factories.UserFactory(
        username="portfolio", first_name="Pia", last_name="Portfolio", email="pia@um.dk"
    )
    Profile.objects.create(user=person, is_portfolio_admin=True)
    return person
