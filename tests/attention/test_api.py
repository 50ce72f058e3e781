"""The API of what needs attention: my work as the page lists it, the digest preference,
who was reminded of what; and the responsible member of each kind of object, written by
user name or id and refused at the field when they may not be."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Profile
from attention import selectors
from consultations.models import Consultation
from core.access import Role
from funding.models import BudgetLine
from partnership.models import Membership
from tests import factories
from tests.attention.test_digests import record_digest

SLUG = "denmark-iom-2018-2020"


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- my work ----------------------------------------------------------------------------------


def test_my_work_through_the_api_is_what_the_page_lists(demo, api_login, login):
    rows = _results(api_login(demo.desk).get("/api/v1/my-work/", {"page_size": 500}))
    everything = selectors.my_work(user=demo.desk, cap=None)
    assert [row["id"] for row in rows] == [item.key for item in everything.items]
    point = next(row for row in rows if row["rule"] == "action_point_due")
    assert point == {
        "id": f"action_point_due:{demo.point.pk}",
        "partnership": SLUG,
        "partnership_title": demo.partnership.title,
        "rule": "action_point_due",
        "rule_label": "Action points due",
        "kind": "Action point of the 2019 consultation",
        "object_id": demo.point.pk,
        "title": demo.point.description,
        "summary": "Overdue since 1 February 2020",
        "due": "2020-01-31",
        "overdue": True,
        "url": f"/p/{SLUG}/consultations/2019/#item-{demo.point.agenda_item_id}-actions",
        "assignee": None,
        "assignee_name": None,
    }
    assert {row["rule"] for row in rows} >= {
        "review_due",
        "committed_unpaid",
        "indicative_after_finance_act",
    }


def test_my_work_is_each_persons_own(demo, api_login):
    demo.point.assignee = demo.geneva
    demo.point.save(update_fields=["assignee"])
    (row,) = _results(api_login(demo.geneva).get("/api/v1/my-work/"))
    assert (row["rule"], row["assignee"], row["assignee_name"]) == (
        "action_point_due",
        "geneva",
        "Test geneva",
    )
    assert "action_point_due" not in {
        row["rule"] for row in _results(api_login(demo.desk).get("/api/v1/my-work/"))
    }
    assert _results(api_login(demo.auditor).get("/api/v1/my-work/")) == []


def test_my_work_is_ordered_as_asked(demo, api_login):
    client = api_login(demo.desk)
    by_due = [row["due"] for row in _results(client.get("/api/v1/my-work/", {"ordering": "due"}))]
    assert by_due == sorted(by_due, key=lambda d: d or "9999")
    rules = [row["rule"] for row in _results(client.get("/api/v1/my-work/", {"ordering": "-rule"}))]
    order = [selectors.RULE_ORDER[rule] for rule in rules]
    assert order == sorted(order, reverse=True)


def test_the_digest_preference_is_set_through_the_api(demo, api_login):
    client = api_login(demo.geneva)
    response = client.put(
        "/api/v1/my-work/digest/",
        {"frequency": "weekly", "time": "08:30", "weekday": 4},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"frequency": "weekly", "time": "08:30", "weekday": 4}
    profile = Profile.objects.get(user=demo.geneva)
    assert (profile.digest_frequency, profile.digest_time, profile.digest_weekday) == (
        "weekly",
        dt.time(8, 30),
        4,
    )


def test_a_bad_digest_preference_is_a_400_at_its_field(demo, api_login):
    response = api_login(demo.geneva).put(
        "/api/v1/my-work/digest/",
        {"frequency": "hourly", "time": "08:30", "weekday": 4},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"frequency": ['"hourly" is not a valid choice.']}
    assert not Profile.objects.exists()


# --- who was reminded of what ----------------------------------------------------------------


def test_desk_officers_read_who_was_reminded_of_what(demo, api_login):
    demo.geneva.email = "geneva@example.org"
    demo.geneva.save(update_fields=["email"])
    digest = record_digest(demo.geneva)
    (row,) = _results(api_login(demo.desk).get("/api/v1/reminders/"))
    assert {k: row[k] for k in ("partnership", "user", "user_name", "period", "status")} == {
        "partnership": SLUG,
        "user": "geneva",
        "user_name": "Test geneva",
        "period": digest.period,
        "status": "pending",
    }
    assert (row["rule"], row["summary"], row["new"]) == (
        "action_point_due",
        "Overdue since 1 February 2020",
        True,
    )


def test_mission_staff_may_not_read_who_was_reminded(demo, api_login):
    response = api_login(demo.geneva).get("/api/v1/reminders/")
    assert response.status_code == 403


# --- the responsible member, written by name or id -------------------------------------------


def _patch(client, url: str, data: dict, **headers):
    return client.patch(url, data, format="json", **headers)


def test_an_action_points_responsible_member_is_given_by_user_name_or_id(demo, api_login):
    client = api_login(demo.desk)
    url = f"/api/v1/action-points/{demo.point.pk}/"
    response = _patch(client, url, {"assignee": "geneva"})
    assert (response.status_code, response.json()["assignee"]) == (200, "geneva")
    response = _patch(client, url, {"assignee": demo.desk.pk})
    assert response.json()["assignee"] == "desk"
    demo.point.refresh_from_db()
    assert demo.point.assignee == demo.desk
    assert demo.point.history.latest().history_user == demo.desk
    assert _patch(client, url, {"assignee": None}).json()["assignee"] is None


def test_an_auditor_cannot_be_responsible_for_an_action_point(demo, api_login):
    response = _patch(
        api_login(demo.desk), f"/api/v1/action-points/{demo.point.pk}/", {"assignee": "auditor"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "assignee": [
            "Test auditor is auditor here and cannot act on it: choose a desk officer or "
            "mission staff."
        ]
    }
    demo.point.refresh_from_db()
    assert demo.point.assignee is None


def test_the_roles_that_may_act_are_joined_in_the_readers_language(demo, api_login):
    response = _patch(
        api_login(demo.desk),
        f"/api/v1/action-points/{demo.point.pk}/",
        {"assignee": "auditor"},
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert response.status_code == 400
    assert response.json() == {
        "assignee": [
            "Test auditor er revisor her og kan ikke handle på det: vælg en sagsbehandler "
            "eller repræsentationens medarbejder."
        ]
    }


@pytest.mark.parametrize("who", ["nobody-here", "outsider", 2**40])
def test_someone_outside_ones_partnerships_is_not_found(demo, api_login, outsider, who):
    response = _patch(
        api_login(demo.desk), f"/api/v1/action-points/{demo.point.pk}/", {"assignee": who}
    )
    assert response.status_code == 400
    assert response.json() == {
        "assignee": [f"No member of your partnerships has the user name or id “{who}”."]
    }


def test_a_member_of_another_of_ones_partnerships_is_refused_here(
    demo, api_login, other_partnership
):
    elsewhere = factories.member(other_partnership, Role.DESK_OFFICER, username="elsewhere")
    Membership.objects.create(user=demo.desk, partnership=other_partnership, role=Role.AUDITOR)
    response = _patch(
        api_login(demo.desk), f"/api/v1/action-points/{demo.point.pk}/", {"assignee": "elsewhere"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "assignee": [
            f"{elsewhere.get_full_name()} is not a member of this partnership: choose one of "
            "its members."
        ]
    }


def test_a_reviews_responsible_member_is_a_desk_officer(demo, api_login):
    client = api_login(demo.desk)
    url = f"/api/v1/reviews/{demo.review.pk}/"
    assert _patch(client, url, {"assignee": "desk"}).json()["assignee"] == "desk"
    refused = _patch(client, url, {"assignee": "geneva"})
    assert refused.status_code == 400
    assert refused.json() == {
        "assignee": [
            "Test geneva is mission staff here and cannot act on it: choose a desk officer."
        ]
    }


def test_a_consultation_is_created_and_changed_with_its_organiser(demo, api_login):
    client = api_login(demo.geneva)
    response = client.post(
        "/api/v1/consultations/",
        {"partnership": SLUG, "year": 2020, "organiser": "geneva"},
        format="json",
    )
    assert (response.status_code, response.json()["organiser"]) == (201, "geneva")
    url = f"/api/v1/consultations/{response.json()['id']}/"
    assert _patch(client, url, {"place": "Geneva"}).json()["organiser"] == "geneva"
    assert _patch(client, url, {"organiser": "desk"}).json()["organiser"] == "desk"
    assert Consultation.objects.get(year=2020).organiser == demo.desk


def test_a_budget_line_is_given_its_responsible_desk_officer_with_a_reason(demo, api_login):
    line = demo.lines.get(year=2020, component="core")
    response = api_login(demo.desk).post(
        f"/api/v1/budget-lines/{line.pk}/assign/",
        {"assignee": "desk", "reason": "Follows the 2020 Finance Act"},
        format="json",
    )
    assert (response.status_code, response.json()["assignee"]) == (200, "desk")
    latest = BudgetLine.objects.get(pk=line.pk).history.latest()
    assert (latest.assignee_id, latest.history_change_reason, latest.history_user) == (
        demo.desk.pk,
        "Follows the 2020 Finance Act",
        demo.desk,
    )


def test_a_budget_line_is_not_given_to_mission_staff_nor_assigned_by_them(demo, api_login):
    line = demo.lines.get(year=2020, component="core")
    url = f"/api/v1/budget-lines/{line.pk}/assign/"
    refused = api_login(demo.desk).post(url, {"assignee": "geneva"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["assignee"]
    forbidden = api_login(demo.geneva).post(url, {"assignee": "geneva"}, format="json")
    assert forbidden.status_code == 403
    assert BudgetLine.objects.get(pk=line.pk).assignee is None


def test_a_closed_line_needs_nobody(demo, api_login):
    line = demo.lines.get(year=2018, component="core")
    BudgetLine.objects.filter(pk=line.pk).update(status=BudgetLine.Status.CLOSED)
    response = api_login(demo.desk).post(
        f"/api/v1/budget-lines/{line.pk}/assign/", {"assignee": "desk"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "assignee": ["2018 · Core funds (un-earmarked) is closed: nothing is left to do."]
    }


def test_the_digest_preference_answers_options(demo, api_login):
    response = api_login(demo.geneva).options("/api/v1/my-work/digest/")
    assert response.status_code == 200
    assert set(response.json()["actions"]["PUT"]) == {"frequency", "time", "weekday"}


def test_a_refusal_for_the_role_is_said_in_the_readers_language(demo, api_login):
    line = demo.lines.get(year=2020, component="core")
    forbidden = api_login(demo.geneva).post(
        f"/api/v1/budget-lines/{line.pk}/assign/",
        {"assignee": "geneva"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "detail": "Din rolle i dette partnerskab giver ikke adgang til dette."
    }


def test_someone_not_found_is_said_in_the_readers_language(demo, api_login):
    client = api_login(demo.desk)
    url = f"/api/v1/action-points/{demo.point.pk}/"
    response = _patch(client, url, {"assignee": "nobody-here"}, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 400
    assert response.json() == {
        "assignee": [
            "Intet medlem af dine partnerskaber har brugernavnet eller id'et “nobody-here”."
        ]
    }
    response = _patch(client, url, {"assignee": "x" * 151}, HTTP_ACCEPT_LANGUAGE="da")
    assert response.json() == {"assignee": ["Et brugernavn har højst 150 tegn."]}


def test_a_portfolio_administrator_without_a_role_has_no_work_through_the_api(
    demo, api_login, portfolio_admin
):
    client = api_login(portfolio_admin)
    for query in ({}, {"partnership": SLUG}):
        response = client.get("/api/v1/my-work/", query)
        assert response.status_code == 200
        assert response.json()["results"] == []
