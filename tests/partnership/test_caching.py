"""Cached pages and lists (core.caching) show every write at once: made through a
page, the API, an import, or by another process; and never one role's page to another."""

from __future__ import annotations

import pytest

from core import caching
from funding import services as funding_services
from partnership.models import GoalUpdate
from partnership.models import Membership
from tests import factories
from tests.queries import count_get

SLUG = "denmark-iom-2018-2020"
DASHBOARD = f"/p/{SLUG}/"


def _goal_update_via_api(client, goal, status):
    response = client.post(
        "/api/v1/goal-updates/",
        {"goal": goal.pk, "as_of": "2025-01-01", "status": status, "narrative": "Cached?"},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_second_visit_is_served_from_the_cache(desk, login, iom):
    client = login(desk)
    first = count_get(client, DASHBOARD)
    again = count_get(client, DASHBOARD)
    # The first read: the page's own and the data version of the page's key (21). Again:
    # session, user, data version: the whole page comes from the cache (core.caching).
    assert (first, again) == (21, 3)


def test_the_dashboard_shows_a_goal_update_made_through_the_api(desk, login, api_login, iom):
    page = login(desk)
    goal = iom.goals.get(number=1)
    assert "Achieved: 0" in page.get(DASHBOARD).content.decode()
    _goal_update_via_api(api_login(desk), goal, "achieved")
    assert "Achieved: 1" in page.get(DASHBOARD).content.decode()


def test_the_dashboard_shows_a_change_made_through_its_edit_page(desk, login, iom):
    client = login(desk)
    assert "Renamed agreement" not in client.get(DASHBOARD).content.decode()
    response = client.post(
        f"/p/{SLUG}/edit/",
        {
            **{
                field: value
                for field, value in client.get(f"/p/{SLUG}/edit/").context["form"].initial.items()
                if value is not None
            },
            "title": "Renamed agreement",
            "reason": "Testing the cache",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert "Renamed agreement" in client.get(DASHBOARD).content.decode()


def test_each_role_gets_its_own_page(desk, auditor, login, iom):
    assert "Edit the agreement" in login(desk).get(DASHBOARD).content.decode()
    assert "Edit the agreement" not in login(auditor).get(DASHBOARD).content.decode()


def test_a_list_shows_a_new_row_at_once(desk, api_login, iom):
    client = api_login(desk)
    before = client.get("/api/v1/goal-updates/").json()["count"]
    created = _goal_update_via_api(client, iom.goals.get(number=2), "on_track")
    after = client.get("/api/v1/goal-updates/").json()
    assert after["count"] == before + 1
    assert created["id"] in [row["id"] for row in after["results"]]


def test_a_list_follows_the_users_memberships(desk, api_login, iom, other_partnership):
    theirs = factories.GoalUpdateFactory(goal=factories.GoalFactory(partnership=other_partnership))
    client = api_login(desk)
    assert theirs.pk not in [
        row["id"] for row in client.get("/api/v1/goal-updates/").json()["results"]
    ]
    Membership.objects.create(
        user=desk, partnership=other_partnership, role=Membership.Role.AUDITOR
    )
    ids = [row["id"] for row in client.get("/api/v1/goal-updates/").json()["results"]]
    assert theirs.pk in ids
    Membership.objects.filter(user=desk, partnership=other_partnership).delete()
    ids = [row["id"] for row in client.get("/api/v1/goal-updates/").json()["results"]]
    assert theirs.pk not in ids


def test_a_list_shows_rows_an_import_adds_in_bulk(desk, api_login, iom):
    client = api_login(desk)
    assert client.get("/api/v1/voluntary-contributions/").json()["count"] == 0
    funding_services.voluntary_contributions_import(
        partnership=iom,
        content=_annex(),
        filename="annex.csv",
        by=desk,
    )
    assert client.get("/api/v1/voluntary-contributions/").json()["count"] > 0


def _annex() -> bytes:
    from django.conf import settings

    return (settings.BASE_DIR / "fixtures" / "annex_iv_voluntary_contributions.csv").read_bytes()


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_process_is_seen(desk, login, iom):
    """Another web worker's write: this process's own counter does not move, the data
    version in the database does, once the write commits."""
    client = login(desk)
    assert "Achieved: 0" in client.get(DASHBOARD).content.decode()
    ours = caching._LocalWrites.last
    version = caching.data_version()
    GoalUpdate.objects.create(
        goal=iom.goals.get(number=3), as_of="2030-01-01", status="achieved", author=desk
    )
    caching._LocalWrites.last = ours  # as if the write had been made elsewhere
    assert caching.data_version() == version + 1
    assert "Achieved: 1" in client.get(DASHBOARD).content.decode()


@pytest.mark.django_db(transaction=True)
def test_many_writes_in_one_transaction_move_the_version_once_after_commit(desk, iom):
    from django.db import transaction

    version = caching.data_version()
    with transaction.atomic():
        for number in (1, 2, 3):
            GoalUpdate.objects.create(
                goal=iom.goals.get(number=number),
                as_of="2030-01-01",
                status="on_track",
                author=desk,
            )
        assert caching.data_version() == version  # not before the commit
    assert caching.data_version() == version + 1
