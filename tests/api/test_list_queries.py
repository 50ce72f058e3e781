"""Pinned query counts of every API list, generated from the router: the same with 1 row
and with 100 (in one page), each row carrying the related rows its representation shows.

A new list needs its count pinned here (and its resource a ``many`` in resources.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnership.models import Membership
from tests import factories
from tests.queries import count_get

from .resources import LIST_ROUTES, RULES

# Session, user, memberships, count, page: five is the floor; then one per prefetch.
PINNED: dict[str, int] = {
    "partnership-list": 5,
    "priority-area-list": 5,
    "goal-list": 5,
    "goal-update-list": 6,  # + evidence
    "risk-list": 5,
    "risk-assessment-list": 5,
    "document-list": 5,
    "budget-line-list": 5,
    "disbursement-list": 5,
    "exchange-rate-list": 5,
    "assessed-contribution-list": 5,
    "voluntary-contribution-list": 5,
    # No paging: partnerships, contributions, subtotals (per partnership; one here).
    "voluntary-contribution-reconciliation": 6,
    "allocation-list": 5,
    "staff-position-list": 5,
    "review-list": 6,  # + sources
    "report-version-list": 5,
    "goal-assessment-list": 5,
    "priority-area-assessment-list": 5,
    "finding-list": 5,
    "recommendation-list": 5,
    "consultation-list": 5,
    "agenda-item-list": 5,
    "note-list": 7,  # + goals, risks
    "action-point-list": 7,  # + goals, risks
}


def test_every_list_has_a_pinned_count():
    assert sorted(PINNED) == sorted(route.name for route in LIST_ROUTES)


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_query_count_is_pinned_and_equal_at_1_and_100_rows(db, api_login, route):
    partnership = factories.PartnershipFactory()
    user = factories.member(partnership, Membership.Role.DESK_OFFICER, username="counted")
    client = api_login(user)
    url = reverse(route.name)
    rule = RULES[route.basename]
    rule.many(partnership, 1)
    with_one = count_get(client, url, page_size=500)
    rule.many(partnership, 99)
    response = client.get(url, {"page_size": 500})
    rows = response.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert len(rows) >= 100
    with_hundred = count_get(client, url, page_size=500)
    assert (with_one, with_hundred) == (PINNED.get(route.name), PINNED.get(route.name)), (
        with_one,
        with_hundred,
    )
