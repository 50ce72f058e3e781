"""The goal tracker: updates through the page and the API, the current status, bad input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.formats import date_format

from core.models import AppendOnlyError
from partnership import services
from partnership.models import Document
from partnership.models import GoalStatus
from partnership.models import GoalUpdate
from partnership.models import OverallGoal
from tests import factories

SLUG = "denmark-iom-2018-2020"


@pytest.fixture
def core_funding_goal(iom):
    return OverallGoal.objects.get(partnership=iom, number=4)


def test_desk_officer_adds_an_update_that_shows_in_the_timeline(desk, login, core_funding_goal):
    client = login(desk)
    response = client.post(
        f"/p/{SLUG}/goals/4/",
        {
            "as_of": "2019-06-30",
            "status": "on_track",
            "narrative": "Two more member states now give un-earmarked funding.",
            "actual_value": "7",
            "evidence_url": "https://www.iom.int/annual-report",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The update was added to the goal&#x27;s timeline." in page
    assert "Two more member states now give un-earmarked funding." in page
    assert "30 June 2019" in page
    update = GoalUpdate.objects.get(goal=core_funding_goal)
    assert (update.status, update.actual_value, update.author) == ("on_track", Decimal("7"), desk)


def test_current_status_is_the_latest_updates(desk, core_funding_goal):
    for as_of, status in [
        (dt.date(2019, 3, 1), GoalStatus.AT_RISK),
        (dt.date(2019, 9, 1), GoalStatus.ACHIEVED),
        (dt.date(2019, 6, 1), GoalStatus.OFF_TRACK),  # entered late, about an earlier date
    ]:
        factories.GoalUpdateFactory(goal=core_funding_goal, as_of=as_of, status=status)
    goal = OverallGoal.objects.with_current_status().get(pk=core_funding_goal.pk)
    assert goal.current_status == GoalStatus.ACHIEVED
    assert goal.current_as_of == dt.date(2019, 9, 1)


def test_goal_without_updates_is_not_started(iom):
    goal = OverallGoal.objects.with_current_status().get(partnership=iom, number=1)
    assert goal.current_status == GoalStatus.NOT_STARTED


def test_goal_updates_are_append_only(core_funding_goal):
    update = factories.GoalUpdateFactory(goal=core_funding_goal)
    update.narrative = "rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()


def test_an_unknown_status_is_refused_at_the_field_and_nothing_saved(desk, login, iom):
    response = login(desk).post(
        f"/p/{SLUG}/goals/4/", {"as_of": "2019-06-30", "status": "finished", "narrative": "x"}
    )
    assert response.status_code == 400
    assert "Select a valid choice. finished is not one of the available choices." in (
        response.content.decode()
    )
    assert not GoalUpdate.objects.exists()


def test_api_refuses_an_unknown_status_with_the_fields_error(desk, api_login, core_funding_goal):
    response = api_login(desk).post(
        "/api/v1/goal-updates/",
        {"goal": core_funding_goal.pk, "as_of": "2019-06-30", "status": "done", "narrative": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"status": ['"done" is not a valid choice.']}
    assert not GoalUpdate.objects.exists()


def test_a_value_for_a_goal_without_indicator_is_refused(desk, api_login, iom):
    goal = OverallGoal.objects.get(partnership=iom, number=1)
    response = api_login(desk).post(
        "/api/v1/goal-updates/",
        {
            "goal": goal.pk,
            "as_of": "2019-06-30",
            "status": "on_track",
            "narrative": "Under way.",
            "actual_value": "3",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "actual_value" in response.json()
    assert not GoalUpdate.objects.exists()


def test_evidence_must_belong_to_the_same_partnership(desk, core_funding_goal, other_partnership):
    foreign = factories.DocumentFactory(partnership=other_partnership)
    with pytest.raises(services.ValidationError) as error:
        services.goal_update_create(
            goal=core_funding_goal,
            by=desk,
            as_of=dt.date(2019, 1, 1),
            status=GoalStatus.ON_TRACK,
            narrative="x",
            evidence=[foreign],
        )
    assert "evidence" in error.value.message_dict
    assert not GoalUpdate.objects.exists()


def test_api_lists_goals_with_their_current_status(desk, api_login, core_funding_goal):
    factories.GoalUpdateFactory(goal=core_funding_goal, status=GoalStatus.AT_RISK)
    response = api_login(desk).get("/api/v1/goals/", {"partnership": SLUG})
    rows = {row["number"]: row for row in response.json()["results"]}
    assert len(rows) == 9
    assert rows[4]["current_status"] == "at_risk"
    assert rows[1]["current_status"] == "not_started"
    assert rows[4]["text"] == "More member states will provide core funding for IOM"
    filtered = api_login(desk).get("/api/v1/goals/", {"current_status": "at_risk"}).json()
    assert [row["number"] for row in filtered["results"]] == [4]


def test_the_api_gives_a_goals_baseline_with_where_the_strategy_states_it(
    desk, api_login, core_funding_goal
):
    client = api_login(desk)
    row = client.get(f"/api/v1/goals/{core_funding_goal.pk}/").json()
    assert (row["baseline_value"], row["baseline_year"], row["baseline_citation"]) == (
        "5.00",
        2017,
        "Footnote 25",
    )
    # It comes with the strategy file, as the goal's citation does: an edit leaves it.
    edited = client.patch(
        f"/api/v1/goals/{core_funding_goal.pk}/",
        {"baseline_citation": "Forged", "reason": "test"},
        format="json",
    )
    assert edited.status_code == 200
    core_funding_goal.refresh_from_db()
    assert core_funding_goal.baseline_citation == "Footnote 25"


def test_the_api_gives_the_partnerships_strategy_date_as_the_strategy_is_dated(
    desk, api_login, iom
):
    rows = api_login(desk).get("/api/v1/partnerships/").json()["results"]
    (row,) = [row for row in rows if row["slug"] == SLUG]
    # Named as a new partnership gives it: a "_date" in this API is an ISO date.
    assert (row["strategy_title"], row["strategy_issued"]) == (iom.strategy_title, "December 2018")


def test_read_only_roles_see_no_edit_controls(geneva, auditor, login, iom):
    for user in (geneva, auditor):
        page = login(user).get(f"/p/{SLUG}/goals/4/").content.decode()
        assert "Add an update" not in page
        assert "Edit goal" not in page
    page = login(geneva).get(f"/p/{SLUG}/").content.decode()
    assert "Edit the agreement" not in page


@pytest.mark.parametrize("slug", ["nul\x00slug", "two words", "ø"])
def test_a_malformed_partnership_filter_is_a_400_at_the_parameter(desk, api_login, slug):
    response = api_login(desk).get("/api/v1/goals/", {"partnership": slug})
    assert response.status_code == 400
    assert list(response.json()) == ["partnership"]


def _tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def test_an_update_as_of_a_day_still_to_come_is_refused_at_the_field_on_the_page(
    desk, login, core_funding_goal
):
    tomorrow = _tomorrow()
    documents = Document.objects.count()
    response = login(desk).post(
        f"/p/{SLUG}/goals/4/",
        {
            "as_of": tomorrow.isoformat(),
            "status": "not_started",
            "narrative": "Planned.",
            "new_document_file": SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n%%EOF"),
            "new_document_title": "Plan",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "as_of": [f"Give today's date or an earlier one: {date_format(tomorrow)} is still to come."]
    }
    assert not GoalUpdate.objects.exists()
    assert Document.objects.count() == documents


def test_an_update_as_of_a_day_still_to_come_is_a_400_at_the_field_in_the_api(
    desk, api_login, core_funding_goal
):
    client = api_login(desk)
    body = {"goal": core_funding_goal.pk, "status": "on_track", "narrative": "Under way."}
    tomorrow = _tomorrow()
    response = client.post(
        "/api/v1/goal-updates/", {**body, "as_of": tomorrow.isoformat()}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "as_of": [
                f"Give today's date or an earlier one: {date_format(tomorrow)} is still to come."
            ]
        },
    )
    assert not GoalUpdate.objects.exists()
    today = timezone.localdate().isoformat()
    assert (
        client.post("/api/v1/goal-updates/", {**body, "as_of": today}, format="json").status_code
        == 201
    )


BEFORE_START = (
    "Give the partnership's start date, 1 January 2018, or a later one: "
    "1 January 2010 is before the partnership began."
)


def test_an_update_dated_before_the_partnership_began_is_refused_at_the_field_on_the_page(
    desk, login, core_funding_goal
):
    client = login(desk)
    body = {"as_of": "2010-01-01", "status": "not_started", "narrative": "Old news."}
    response = client.post(f"/p/{SLUG}/goals/4/", body)
    assert response.status_code == 400
    assert response.context["form"].errors == {"as_of": [BEFORE_START]}
    assert not GoalUpdate.objects.exists()
    danish = client.post(f"/p/{SLUG}/goals/4/", body, HTTP_ACCEPT_LANGUAGE="da")
    assert danish.context["form"].errors == {
        "as_of": [
            "Angiv partnerskabets startdato, 1. januar 2018, eller en senere dato: "
            "1. januar 2010 ligger før partnerskabets start."
        ]
    }
    assert not GoalUpdate.objects.exists()
    # The partnership's first day is a day of it.
    response = client.post(f"/p/{SLUG}/goals/4/", {**body, "as_of": "2018-01-01"})
    assert response.status_code == 302
    assert GoalUpdate.objects.get().as_of == dt.date(2018, 1, 1)


def test_an_update_dated_before_the_partnership_began_is_a_400_at_the_field_in_the_api(
    desk, api_login, core_funding_goal
):
    response = api_login(desk).post(
        "/api/v1/goal-updates/",
        {
            "goal": core_funding_goal.pk,
            "as_of": "2010-01-01",
            "status": "on_track",
            "narrative": "Under way.",
        },
        format="json",
    )
    assert (response.status_code, response.json()) == (400, {"as_of": [BEFORE_START]})
    assert not GoalUpdate.objects.exists()
