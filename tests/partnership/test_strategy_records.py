"""Desk officers add, edit and retire priority areas, goals (with their indicators) and
risks of a draft or active partnership; a retired goal keeps its history and leaves the
goal tracker's totals."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from attention import selectors as attention_selectors
from partnership import selectors
from partnership import services
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea
from partnership.models import Risk
from portfolio import selectors as portfolio_selectors
from tests import factories

SLUG = "denmark-iom-2018-2020"


def _tracker(page) -> dict[str, int]:
    """The goal list's totals by status, as the page shows them."""
    return {label: count for _, label, count in page.context["status_counts"]}


# --- Adding ----------------------------------------------------------------------------------


def test_a_desk_officer_adds_a_priority_area_a_goal_with_its_indicator_and_a_risk(desk, login, iom):
    client = login(desk)
    response = client.post(
        f"/p/{SLUG}/priority-areas/new/",
        {"title": "Climate and migration", "short_title": "Climate", "description": ""},
    )
    area = iom.priority_areas.get(number=3)
    assert response.status_code == 302
    assert area.title == "Climate and migration"
    response = client.post(
        f"/p/{SLUG}/goals/new/",
        {
            "text": "IOM reports on climate mobility in its annual report",
            "priority_area": area.pk,
            "indicator": "Countries with climate mobility data",
            "unit": "countries",
            "baseline_value": "3",
            "baseline_year": "2018",
            "target_value": "10",
        },
    )
    goal = iom.goals.get(number=10)
    assert response["Location"] == goal.get_absolute_url()
    assert (goal.priority_area, goal.baseline_value, goal.target_value) == (
        area, Decimal(3), Decimal(10),
    )  # fmt: skip
    assert goal.history.get().history_user == desk
    response = client.post(
        f"/p/{SLUG}/risks/new/", {"title": "Climate shocks", "description": "Floods and drought."}
    )
    assert iom.risks.get(number=5).title == "Climate shocks"
    goals = client.get(f"/p/{SLUG}/goals/")
    assert sum(_tracker(goals).values()) == 10


# A citation with nothing in it: the label alone, or an empty <cite>.
EMPTY_CITATION = re.compile(r"<cite( lang=\"\w+\")?>\s*(Source:)?\s*</cite>")


def test_a_record_added_without_a_citation_shows_no_source_label(desk, login, iom):
    client = login(desk)
    client.post(f"/p/{SLUG}/priority-areas/new/", {"title": "Climate", "description": ""})
    client.post(f"/p/{SLUG}/goals/new/", {"text": "IOM reports on climate mobility"})
    client.post(f"/p/{SLUG}/risks/new/", {"title": "Climate shocks", "description": "Floods."})
    assert (iom.priority_areas.count(), iom.goals.count(), iom.risks.count()) == (3, 10, 5)
    for url in (f"/p/{SLUG}/risks/5/", f"/p/{SLUG}/goals/10/"):
        page = client.get(url).content.decode()
        assert "Source:" not in page
        assert not EMPTY_CITATION.search(page)
    for url in (f"/p/{SLUG}/risks/", f"/p/{SLUG}/goals/", f"/p/{SLUG}/"):
        page = client.get(url).content.decode()
        assert "<cite" in page  # the strategy's own records still name theirs
        assert not EMPTY_CITATION.search(page), url


def test_a_goal_whose_baseline_names_no_indicator_is_refused_at_the_field(desk, login, iom):
    response = login(desk).post(
        f"/p/{SLUG}/goals/new/", {"text": "A goal", "baseline_value": "3", "baseline_year": "2018"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["indicator"] == [
        "Name the indicator the baseline measures."
    ]
    assert iom.goals.count() == 9


@pytest.mark.parametrize("year", ["1700", "2101"])
def test_a_baseline_year_out_of_range_is_refused_at_the_field_on_the_page_and_in_the_api(
    desk, login, api_login, iom, year
):
    goal = {"text": "A goal", "indicator": "Offices", "baseline_value": "3", "baseline_year": year}
    response = login(desk).post(f"/p/{SLUG}/goals/new/", goal)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["baseline_year"]
    answer = api_login(desk).post("/api/v1/goals/", {"partnership": SLUG, **goal}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["baseline_year"]
    assert iom.goals.count() == 9


def test_only_desk_officers_add_and_retire(geneva, auditor, outsider, login, iom):
    for user in (geneva, auditor):
        client = login(user)
        assert client.get(f"/p/{SLUG}/goals/new/").status_code == 403
        assert client.post(f"/p/{SLUG}/risks/new/", {"title": "x"}).status_code == 403
        assert client.get(f"/p/{SLUG}/goals/4/retire/").status_code == 403
    assert login(outsider).get(f"/p/{SLUG}/goals/new/").status_code == 404
    assert iom.risks.count() == 4


def test_a_closed_partnerships_strategy_is_kept_as_it_ended(desk, login, iom):
    Partnership.objects.filter(pk=iom.pk).update(status=Partnership.Status.CLOSED)
    response = login(desk).post(f"/p/{SLUG}/risks/new/", {"title": "x", "description": "y"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        f"{iom.title} is closed: its strategy is kept as it ended."
    ]
    with pytest.raises(ValidationError, match="is closed"):
        services.goal_retire(goal=iom.goals.get(number=1), by=desk, reason="Done")
    assert "Add a risk" not in login(desk).get(f"/p/{SLUG}/risks/").content.decode()


# --- Retiring --------------------------------------------------------------------------------


def test_a_retired_goal_keeps_its_history_and_leaves_the_trackers_totals(desk, login, iom):
    goal = iom.goals.get(number=8)
    factories.GoalUpdateFactory(goal=goal, author=desk, status="at_risk")
    client = login(desk)
    before = _tracker(client.get(f"/p/{SLUG}/goals/"))
    assert before["At risk"] == 1

    confirm = client.get(f"/p/{SLUG}/goals/8/retire/")
    assert "take it out of the goal tracker and its totals" in confirm.content.decode()
    refused = client.post(f"/p/{SLUG}/goals/8/retire/", {"reason": ""})
    assert refused.status_code == 400
    response = client.post(
        f"/p/{SLUG}/goals/8/retire/", {"reason": "Merged into goal 5 at the mid-term review"}
    )
    assert response.status_code == 302

    goals = client.get(f"/p/{SLUG}/goals/")
    after = _tracker(goals)
    assert after["At risk"] == 0
    assert sum(after.values()) == sum(before.values()) - 1
    assert [g.number for g in goals.context["retired"]] == [8]
    dashboard = {label: n for _, label, n in client.get(f"/p/{SLUG}/").context["status_counts"]}
    assert sum(dashboard.values()) == 8

    page = client.get(f"/p/{SLUG}/goals/8/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Retired on" in text
    assert "Add an update" not in text
    assert len(page.context["updates"]) == 1  # its timeline stays
    retired = goal.history.first()
    assert retired.history_change_reason == "Merged into goal 5 at the mid-term review"
    assert retired.history_user == desk

    with pytest.raises(ValidationError, match="Goal 8 was retired"):
        services.goal_update_create(
            goal=OverallGoal.objects.get(pk=goal.pk),
            by=desk,
            as_of=goal.updates.get().as_of,
            status="on_track",
            narrative="x",
        )
    with pytest.raises(ValidationError, match="Goal 8 was retired"):
        services.goal_update(goal=OverallGoal.objects.get(pk=goal.pk), by=desk, changes={})
    # Not a goal to remind anyone of, nor one a renewal carries over.
    items = attention_selectors.attention_items(partnership_ids=[iom.pk])
    assert not [i for i in items if i.rule.startswith("goal") and i.object_id == goal.pk]
    strategy = portfolio_selectors.strategy_of(partnership=iom)
    assert [e.values["number"] for e in strategy.goals] == [1, 2, 3, 4, 5, 6, 7, 9]


def test_a_retired_risk_leaves_the_list_and_the_heat_map_and_is_assessed_no_more(desk, login, iom):
    risk = iom.risks.get(number=3)
    factories.RiskAssessmentFactory(risk=risk, author=desk)
    client = login(desk)
    client.post(f"/p/{SLUG}/risks/3/retire/", {"reason": "Outside the partnership's scope"})
    page = client.get(f"/p/{SLUG}/risks/")
    assert [r.number for r in page.context["risks"]] == [1, 2, 4]
    assert [r.number for r in page.context["retired"]] == [3]
    assert not any(cell.risks for row in page.context["heat_map"] for cell in row)
    detail = client.get(f"/p/{SLUG}/risks/3/")
    assert detail.status_code == 200
    assert len(detail.context["risk"].assessments.all()) == 1
    refused = client.post(
        f"/p/{SLUG}/risks/",
        {"risk": risk.pk, "as_of": "2019-05-01", "likelihood": 2, "impact": 2,
         "residual_likelihood": 1, "residual_impact": 1, "response": "x"},
    )  # fmt: skip
    assert refused.status_code == 400  # no longer offered
    with pytest.raises(ValidationError, match="Risk 3 was retired"):
        services.risk_assessment_create(
            risk=Risk.objects.get(pk=risk.pk), by=desk, as_of=risk.assessments.get().as_of,
            likelihood=1, impact=1, residual_likelihood=1, residual_impact=1, response="x",
        )  # fmt: skip


@pytest.mark.parametrize(
    ("language", "name", "retired", "consultations"),
    [
        ("en", "Risk 4", "Risk 3", "Risk 4 in the annual consultations"),
        ("da", "Risiko 4", "Risiko 3", "Risiko 4 i de årlige konsultationer"),
    ],
)
def test_a_risk_has_one_name_on_every_page(
    desk, login, iom, language, name, retired, consultations
):
    """ "Risk 4", as its page's title, the report and the records linked to it name it."""
    client = login(desk)
    client.post(f"/p/{SLUG}/risks/3/retire/", {"reason": "Outside the partnership's scope"})
    pages = {
        url: client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for url in (
            f"/p/{SLUG}/risks/",
            f"/p/{SLUG}/risks/4/",
            f"/p/{SLUG}/consultations/risks/4/linked/",
        )
    }
    for url, html in pages.items():
        assert not re.search(r"Risk no\.|Risiko nr\.", html), url
    risks, risk, linked = pages.values()
    assert f">{name}: " in risks
    assert f">{retired}: " in risks
    assert f"› {name}" in risk
    assert f">{name}</a>" in linked
    assert f"<h1>{consultations}</h1>" in linked


def test_a_retired_priority_area_is_offered_no_more_but_its_goals_keep_it(desk, login, iom):
    area = iom.priority_areas.get(number=2)
    goal = iom.goals.get(number=6)
    services.goal_update(goal=goal, by=desk, changes={"priority_area": area})
    client = login(desk)
    client.post(f"/p/{SLUG}/priority-areas/2/retire/", {"reason": "Folded into area 1"})
    assert [a.number for a in client.get(f"/p/{SLUG}/").context["priority_areas"]] == [1]
    offered = client.get(f"/p/{SLUG}/goals/6/edit/").context["form"].fields["priority_area"]
    assert {a.number for a in offered.queryset} == {1, 2}  # its own area stays
    other = client.get(f"/p/{SLUG}/goals/5/edit/").context["form"].fields["priority_area"]
    assert {a.number for a in other.queryset} == {1}
    saved = client.post(
        f"/p/{SLUG}/goals/6/edit/", {"text": goal.text, "priority_area": area.pk, "reason": ""}
    )
    assert saved.status_code == 302
    goal.refresh_from_db()
    assert goal.priority_area == area
    assert PriorityArea.objects.get(pk=area.pk).retired_on is not None


def test_selectors_read_what_the_strategy_now_holds(desk, iom):
    services.goal_retire(goal=iom.goals.get(number=1), by=desk, reason="Done")
    assert [g.number for g in selectors.goals_with_status(partnership=iom)][:2] == [2, 3]
    assert [g.number for g in selectors.retired_goals(partnership=iom)] == [1]
    retired = selectors.goal_with_status(goal=iom.goals.get(number=1))
    assert retired.current_status == "not_started"
    with pytest.raises(ValidationError, match="Goal 1 was retired on"):
        services.goal_retire(goal=iom.goals.get(number=1), by=desk, reason="Again")


# --- Through the API ---------------------------------------------------------------------------


def test_the_api_adds_and_retires_goals_for_desk_officers(desk, geneva, api_login, iom):
    payload = {
        "partnership": SLUG,
        "text": "IOM publishes its results framework",
        "indicator": "Indicators with a baseline",
        "unit": "indicators",
        "baseline_value": "0",
        "baseline_year": 2019,
    }
    assert api_login(geneva).post("/api/v1/goals/", payload, format="json").status_code == 403
    client = api_login(desk)
    created = client.post("/api/v1/goals/", payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["number"], body["current_status"], body["retired_on"]) == (10, "not_started", None)
    goal_id = body["id"]
    refused = client.post(f"/api/v1/goals/{goal_id}/retire/", {}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()
    retired = client.post(
        f"/api/v1/goals/{goal_id}/retire/", {"reason": "Added by mistake"}, format="json"
    )
    assert retired.status_code == 200
    assert retired.json()["retired_on"] is not None
    current = client.get("/api/v1/goals/", {"partnership": SLUG, "retired": "false"}).json()
    assert current["count"] == 9
    only_retired = client.get("/api/v1/goals/", {"partnership": SLUG, "retired": "true"}).json()
    assert [g["number"] for g in only_retired["results"]] == [10]


def test_the_api_adds_a_priority_area_and_a_risk(desk, api_login, iom):
    client = api_login(desk)
    area = client.post(
        "/api/v1/priority-areas/", {"partnership": SLUG, "title": "Climate"}, format="json"
    )
    assert (area.status_code, area.json()["number"]) == (201, 3)
    risk = client.post(
        "/api/v1/risks/",
        {"partnership": SLUG, "title": "Climate shocks", "description": "Floods."},
        format="json",
    )
    assert (risk.status_code, risk.json()["number"]) == (201, 5)
    closed = factories.PartnershipFactory(status=Partnership.Status.CLOSED)
    user = factories.member(closed, "desk_officer", username="closed-desk")
    refused = api_login(user).post(
        "/api/v1/risks/",
        {"partnership": closed.slug, "title": "x", "description": "y"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": [f"{closed.title} is closed: its strategy is kept as it ended."]
    }


@pytest.mark.parametrize(
    ("path", "retire", "back", "name"),
    [
        ("goals/8", lambda iom, by: services.goal_retire(goal=iom.goals.get(number=8), by=by,
         reason="Merged"), "goals/8/", "Goal 8"),
        ("risks/3", lambda iom, by: services.risk_retire(risk=iom.risks.get(number=3), by=by,
         reason="Outside scope"), "risks/3/", "Risk 3"),
        ("priority-areas/2", lambda iom, by: services.priority_area_retire(
            priority_area=iom.priority_areas.get(number=2), by=by, reason="Folded"), "",
         "Priority area 2"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("page", ["retire", "edit"])
def test_the_pages_of_a_retired_record_say_when_it_was_retired_and_offer_no_form(
    desk, login, iom, path, retire, back, name, page
):
    record = retire(iom, desk)
    client = login(desk)
    said = f"{name} was retired on {date_format(record.retired_on)}."
    shown = client.get(f"/p/{SLUG}/{path}/{page}/", follow=True)
    assert shown.redirect_chain == [(f"/p/{SLUG}/{back}", 302)]
    assert said in shown.content.decode()
    assert 'name="reason"' not in shown.content.decode()  # no form to retire or edit it
    versions = type(record).history.count()
    again = client.post(f"/p/{SLUG}/{path}/{page}/", {"reason": "Again", "title": "x"}, follow=True)
    assert again.redirect_chain == [(f"/p/{SLUG}/{back}", 302)]
    assert said in again.content.decode()
    assert type(record).history.count() == versions


@pytest.mark.parametrize(
    ("path", "back"), [("goals/8", "goals/8/"), ("risks/3", "risks/3/"), ("priority-areas/2", "")]
)
@pytest.mark.parametrize("page", ["retire", "edit"])
def test_the_pages_of_a_closed_partnership_s_record_say_it_is_closed_and_offer_no_form(
    desk, login, iom, path, back, page
):
    Partnership.objects.filter(pk=iom.pk).update(status=Partnership.Status.CLOSED)
    client = login(desk)
    said = f"{iom.title} is closed: its strategy is kept as it ended."
    shown = client.get(f"/p/{SLUG}/{path}/{page}/", follow=True)
    assert shown.redirect_chain == [(f"/p/{SLUG}/{back}", 302)]
    assert said in shown.content.decode()
    assert 'name="reason"' not in shown.content.decode()
    again = client.post(f"/p/{SLUG}/{path}/{page}/", {"reason": "Again", "title": "x"}, follow=True)
    assert again.redirect_chain == [(f"/p/{SLUG}/{back}", 302)]
    assert said in again.content.decode()
    assert not OverallGoal.objects.filter(partnership=iom, retired_on__isnull=False).exists()
    assert not Risk.objects.filter(partnership=iom, retired_on__isnull=False).exists()
