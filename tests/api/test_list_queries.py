"""Pinned query counts of every API list, generated from the router: the same with 1 row
and with 100 (in one page), each row carrying the related rows its representation shows.

A new list needs its count pinned here (and its resource a ``many`` in resources.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core import caching
from partnership.models import Membership
from tests import factories
from tests.queries import cost_get
from tests.queries import count_get

from .resources import LIST_ROUTES
from .resources import RULES

# Session, user, data version, count, page: five is the floor (which partnerships the
# reader may see is a subquery of the list's own query); then one per prefetch.
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
    "voluntary-contribution-reconciliation": 5,
    "allocation-list": 5,
    "staff-position-list": 5,
    "review-list": 6,  # + sources
    "report-version-list": 5,
    "dossier-list": 9,  # + each review's versions, the partnership's reviews and theirs
    "goal-assessment-list": 5,
    "priority-area-assessment-list": 5,
    "finding-list": 5,
    "recommendation-list": 5,
    "consultation-list": 5,
    "agenda-item-list": 5,
    "standard-agenda-item-list": 5,
    "note-list": 7,  # + goals, risks
    "action-point-list": 7,  # + goals, risks
    "iati-import-list": 5,
    "iati-transaction-list": 5,
    # Partnerships asked for; the changes' count, keys and rows, the names they refer to.
    "history-list": 9,
    # Partnerships, their members' roles, then one query per kind of object the rules read
    # (reviews, action points, consultations, budget lines, notes, goals, report versions).
    "my-work-list": 13,
    "reminder-list": 6,
    # Partnerships and their count, then their figures: the budget, goals, risks, the next
    # consultation and review, and what is overdue (one query per kind of object its rules
    # read).
    "portfolio-list": 15,
    "membership-list": 6,  # whether the reader is a portfolio administrator: with the roles
}


# Session, user, data version; no query of the list itself.
CACHED = 3


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
    caching.changed()  # many() uses bulk_create, which sends no signal (as funding.annex says)
    with_hundred = count_get(client, url, page_size=500)
    assert (with_one, with_hundred) == (PINNED.get(route.name), PINNED.get(route.name)), (
        with_one,
        with_hundred,
    )
    # The same page again, nothing written since: from the cache (core.caching).
    again = count_get(client, url, page_size=500)
    response = client.get(url, {"page_size": 500})
    rows = response.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert len(rows) >= 100
    # (The reconciliation is computed each time: no page, a handful of rows.)
    assert again == (CACHED if route.action == "list" else with_hundred), again


@pytest.mark.parametrize("name", ["dossier-list", "reminder-list"])
def test_a_list_reads_no_row_for_each_partnership_the_user_holds_a_role_in(db, api_login, name):
    """A desk officer in two partnerships, then in thirty: the dossiers and the reminders
    are those of the partnerships whose history their role reads, asked in the database."""
    first = factories.PartnershipFactory()
    user = factories.member(first, Membership.Role.DESK_OFFICER, username="counted")
    client = api_login(user)

    def join(n):
        for _ in range(n):
            Membership.objects.create(
                user=user, partnership=factories.PartnershipFactory(), role="desk_officer"
            )

    join(1)
    few = cost_get(client, reverse(name))
    join(28)
    many = cost_get(client, reverse(name))
    assert few == many, (few, many)
