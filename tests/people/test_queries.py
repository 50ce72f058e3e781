"""Pinned query counts of the people's pages: they do not grow with the members."""

import pytest

from partnership.models import Membership
from tests import factories
from tests.queries import count_get

SLUG = "denmark-iom-2018-2020"


def _add_members(partnership, n):
    for _ in range(n):
        Membership.objects.create(
            user=factories.UserFactory(), partnership=partnership, role="auditor"
        )


# Session, user, the partnership, the user's role in it (with the portfolio flag,
# core.access), the members.
# With the data version of the page's key (core.caching.cached_page).
PINNED = {f"/p/{SLUG}/members/": 6}


@pytest.mark.parametrize(("url", "pinned"), PINNED.items())
def test_query_count_is_pinned_and_equal_with_1_and_50_members(desk, login, iom, url, pinned):
    client = login(desk)
    _add_members(iom, 1)
    with_one = count_get(client, url)
    _add_members(iom, 49)
    with_fifty = count_get(client, url)
    assert (with_one, with_fifty) == (pinned, pinned)


def test_a_repeated_read_comes_from_the_page_cache(desk, login, iom):
    client = login(desk)
    count_get(client, f"/p/{SLUG}/members/")
    # The session, the user and the data version: the page comes whole from the cache.
    assert count_get(client, f"/p/{SLUG}/members/") == 3
