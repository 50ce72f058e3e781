"""Action points: recorded under an agenda item, linked to goals and risks, carried
forward as matters arising until done or dropped, overdue ones marked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from consultations import selectors
from consultations import services
from consultations.models import ActionPoint
from partnership.models import OverallGoal
from partnership.models import Risk
from tests.consultations import factories

SLUG = "denmark-iom-2018-2020"
BASE = f"/p/{SLUG}/consultations"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def c2018(iom, geneva):
    return factories.held(iom, year=2018, date=dt.date(2018, 11, 20), created_by=geneva)


@pytest.fixture
def c2019(iom, geneva):
    return factories.held(iom, year=2019, date=dt.date(2019, 11, 19), created_by=geneva)


def _point(consultation, **fields):
    fields.setdefault("agenda_item", consultation.agenda_items.get(code="vii"))
    return factories.ActionPointFactory(consultation=consultation, **fields)


def test_mission_staff_record_an_action_point_under_an_item(geneva, login, iom, c2018):
    item = c2018.agenda_items.get(code="vii")
    goal = OverallGoal.objects.get(partnership=iom, number=3)
    risk = Risk.objects.get(partnership=iom, number=1)
    response = login(geneva).post(
        f"{BASE}/items/{item.pk}/action-points/",
        {
            "description": "IOM to share the draft strategic vision with member states.",
            "owner": "IOM",
            "due_date": "2019-03-31",
            "goals": [goal.pk],
            "risks": [risk.pk],
        },
        **HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith(f'<div id="item-{item.pk}-actions"')
    assert "IOM to share the draft strategic vision with member states." in page
    point = ActionPoint.objects.get()
    assert (point.agenda_item, point.owner, point.due_date, point.status, point.created_by) == (
        item,
        "IOM",
        dt.date(2019, 3, 31),
        "open",
        geneva,
    )
    assert (list(point.goals.all()), list(point.risks.all())) == ([goal], [risk])


def test_an_action_point_without_owner_is_refused_at_the_field(geneva, login, c2018):
    item = c2018.agenda_items.get(code="vii")
    response = login(geneva).post(
        f"{BASE}/items/{item.pk}/action-points/",
        {"description": "Something.", "owner": "", "due_date": "2019-13-45"},
        **HTMX,
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "Enter a valid date." in page
    assert not ActionPoint.objects.exists()


def test_done_and_dropped_record_the_day_and_reopening_clears_it(geneva, c2018):
    point = _point(c2018)
    done = services.action_point_update(action_point=point, by=geneva, status="done")
    assert done.closed_on is not None
    again = services.action_point_update(action_point=point, by=geneva, status="done")
    assert again.closed_on == done.closed_on
    reopened = services.action_point_update(action_point=point, by=geneva, status="open")
    assert reopened.closed_on is None


def test_an_item_of_another_consultation_is_refused(geneva, c2018, c2019):
    point = _point(c2018)
    with pytest.raises(ValidationError) as error:
        services.action_point_update(
            action_point=point, by=geneva, agenda_item=c2019.agenda_items.first()
        )
    assert error.value.message_dict == {
        "agenda_item": ["Choose an item of this consultation's agenda."]
    }


# --- Matters arising ------------------------------------------------------------------


def test_open_action_points_come_back_as_matters_arising_in_the_next_consultation(
    desk, login, c2018, c2019
):
    open_point = _point(c2018, description="IOM to present the results framework.")
    _point(c2018, description="Already delivered.", status="done", closed_on=dt.date(2019, 2, 1))
    _point(c2019, description="Agreed this year.")
    page = login(desk).get(f"{BASE}/2019/").content.decode()
    arising = page[page.index('id="arising-heading"') : page.index('id="agenda"')]
    assert "IOM to present the results framework." in arising
    assert "Consultation 2018" in arising
    assert "Already delivered." not in arising
    assert "Agreed this year." not in arising
    assert [p.pk for p in selectors.matters_arising(consultation=c2019)] == [open_point.pk]


def test_a_point_closed_at_or_after_the_meeting_stays_in_its_minutes(geneva, c2018, c2019):
    point = _point(c2018)
    ActionPoint.objects.filter(pk=point.pk).update(status="done", closed_on=dt.date(2019, 11, 19))
    arising = selectors.matters_arising(consultation=c2019)
    assert [(p.pk, p.status) for p in arising] == [(point.pk, "done")]
    ActionPoint.objects.filter(pk=point.pk).update(closed_on=dt.date(2019, 11, 18))
    assert selectors.matters_arising(consultation=c2019) == []


def test_points_stay_open_until_done_across_later_consultations(iom, c2018, c2019):
    point = _point(c2018)
    c2020 = factories.consultation(iom, year=2020)
    assert [p.pk for p in selectors.matters_arising(consultation=c2020)] == [point.pk]
    assert selectors.matters_arising(consultation=c2018) == []


def test_overdue_matters_arising_stand_out(desk, login, c2018, c2019):
    late = _point(c2018, description="Late one.", due_date=dt.date(2019, 6, 30))
    on_time = _point(c2018, description="Due after the meeting.", due_date=dt.date(2020, 1, 31))
    undated = _point(c2018, description="No due date.", due_date=None)
    overdue = {p.pk: p.overdue for p in selectors.matters_arising(consultation=c2019)}
    assert overdue == {late.pk: True, on_time.pk: False, undated.pk: False}
    page = login(desk).get(f"{BASE}/2019/").content.decode()
    assert f'<tr id="ap-{late.pk}" class="overdue">' in page
    row = page[page.index(f'<tr id="ap-{late.pk}"') :]
    assert "Overdue</strong>" in row[: row.index("</tr>")]
    assert f'<tr id="ap-{on_time.pk}">' in page


def test_the_list_page_shows_open_points_of_every_consultation_overdue_marked(
    desk, login, c2018, c2019
):
    late = _point(c2018, description="Late one.", due_date=dt.date(2019, 6, 30))
    _point(c2019, description="Dropped one.", status="dropped", closed_on=dt.date(2019, 12, 1))
    page = login(desk).get(f"{BASE}/").content.decode()
    points = page[page.index('id="open-points-heading"') :]
    assert f'<tr id="ap-{late.pk}" class="overdue">' in points
    assert "Dropped one." not in points


def test_closing_a_matter_arising_in_place_answers_its_row(geneva, login, c2018, c2019):
    point = _point(c2018, due_date=dt.date(2019, 6, 30))
    response = login(geneva).post(
        f"{BASE}/action-points/{point.pk}/status/",
        {"status": "done", "show_origin": "1", "next": f"{BASE}/2019/"},
        **HTMX,
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.startswith(f'<tr id="ap-{point.pk}">')  # no longer marked overdue
    assert "Consultation 2018" in row
    assert ">Done</span>" in row
    point.refresh_from_db()
    assert point.status == "done"


def test_without_javascript_a_status_change_returns_to_the_page(geneva, login, c2018):
    point = _point(c2018)
    response = login(geneva).post(
        f"{BASE}/action-points/{point.pk}/status/", {"status": "done", "next": f"{BASE}/"}
    )
    assert response["Location"] == f"{BASE}/"
    elsewhere = login(geneva).post(
        f"{BASE}/action-points/{point.pk}/status/",
        {"status": "open", "next": "https://evil.example/"},
    )
    assert elsewhere["Location"] == f"{BASE}/2018/"


def test_dropping_a_point_needs_a_reason_kept_with_its_history(geneva, c2018):
    point = _point(c2018)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as error:
            services.action_point_update(
                action_point=point, by=geneva, status="dropped", reason=reason
            )
        assert error.value.message_dict == {"reason": [services.DROP_REASON_REQUIRED]}
    point.refresh_from_db()
    assert (point.status, point.closed_on) == ("open", None)
    dropped = services.action_point_update(
        action_point=point, by=geneva, status="dropped", reason="Overtaken by the new strategy."
    )
    assert dropped.status == "dropped"
    assert dropped.closed_on is not None
    entry = point.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        geneva,
        "Overtaken by the new strategy.",
    )
    with pytest.raises(ValidationError):
        services.action_point_create(
            consultation=c2018, by=geneva, description="x", owner="IOM", status="dropped"
        )


def test_choosing_dropped_on_the_page_asks_for_confirmation_and_a_reason(
    geneva, login, c2018, c2019
):
    point = _point(c2018, due_date=dt.date(2019, 6, 30))
    client = login(geneva)
    back = f"{BASE}/2019/"
    assert f'id="ap-{point.pk}"' in client.get(back).content.decode()  # a matter arising
    # Without JavaScript: to the confirmation page, keeping where to come back to.
    chosen = client.post(
        f"{BASE}/action-points/{point.pk}/status/", {"status": "dropped", "next": back}
    )
    drop = f"{BASE}/action-points/{point.pk}/drop/?next=%2Fp%2F{SLUG}%2Fconsultations%2F2019%2F"
    assert chosen["Location"] == drop
    # With htmx: the browser is sent there.
    swapped = client.post(
        f"{BASE}/action-points/{point.pk}/status/", {"status": "dropped", "next": back}, **HTMX
    )
    assert swapped["HX-Redirect"] == drop
    point.refresh_from_db()
    assert point.status == "open"

    page = client.get(drop)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Drop the action point" in html
    assert "no longer comes back as a matter arising" in html
    assert f'href="{back}"' in html  # the way back

    missing = client.post(drop, {"reason": ""})
    assert missing.status_code == 400
    assert "Give a reason" in missing.content.decode()
    point.refresh_from_db()
    assert point.status == "open"

    done = client.post(drop, {"reason": "Overtaken by the new strategy."})
    assert done["Location"] == back
    point.refresh_from_db()
    assert point.status == "dropped"
    assert point.history.first().history_change_reason == "Overtaken by the new strategy."


def test_the_edit_form_drops_nothing_and_links_to_the_confirmation(geneva, login, c2018):
    point = _point(c2018)
    client = login(geneva)
    html = client.get(f"{BASE}/action-points/{point.pk}/edit/").content.decode()
    assert 'value="dropped"' not in html
    assert f'href="{BASE}/action-points/{point.pk}/drop/"' in html
    response = client.post(
        f"{BASE}/action-points/{point.pk}/edit/",
        {"description": "x", "owner": "IOM", "status": "dropped"},
    )
    assert response.status_code == 400
    point.refresh_from_db()
    assert point.status == "open"


def test_the_api_drops_a_point_only_with_a_reason(geneva, api_login, c2018):
    point = _point(c2018)
    url = f"/api/v1/action-points/{point.pk}/"
    missing = api_login(geneva).patch(url, {"status": "dropped"}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"reason": [services.DROP_REASON_REQUIRED]}
    point.refresh_from_db()
    assert point.status == "open"
    dropped = api_login(geneva).patch(
        url, {"status": "dropped", "reason": "Overtaken."}, format="json"
    )
    assert (dropped.status_code, dropped.json()["status"]) == (200, "dropped")
    assert "reason" not in dropped.json()
    assert point.history.first().history_change_reason == "Overtaken."


def test_editing_an_action_point_changes_it_and_its_links(geneva, login, iom, c2018):
    point = _point(c2018)
    goal = OverallGoal.objects.get(partnership=iom, number=5)
    item = c2018.agenda_items.get(code="vi")
    response = login(geneva).post(
        f"{BASE}/action-points/{point.pk}/edit/",
        {
            "description": "Reworded.",
            "owner": "Danish Mission, Geneva",
            "due_date": "2019-09-30",
            "status": "open",
            "agenda_item": item.pk,
            "goals": [goal.pk],
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.description, point.owner, point.agenda_item, list(point.goals.all())) == (
        "Reworded.",
        "Danish Mission, Geneva",
        item,
        [goal],
    )


# --- Goals and risks show what is linked to them -----------------------------------------


def test_a_goals_page_shows_the_action_points_and_notes_linked_to_it(
    desk, geneva, login, iom, c2018
):
    goal = OverallGoal.objects.get(partnership=iom, number=7)
    point = _point(c2018, description="IOM to brief on its SEA policy.")
    point.goals.add(goal)
    note = services.note_create(
        agenda_item=c2018.agenda_items.get(code="corruption-misconduct"),
        by=geneva,
        body="IOM described its **zero-tolerance** policy.",
        goals=[goal],
    )
    _point(c2018, description="Not linked.")
    page = login(desk).get(f"/p/{SLUG}/goals/7/").content.decode()
    linked = page[page.index('id="consultation-links-heading"') :]
    assert "IOM to brief on its SEA policy." in linked
    assert "Not linked." not in linked
    assert "<strong>zero-tolerance</strong>" in linked
    assert f"{BASE}/2018/#note-{note.pk}" in linked
    other = login(desk).get(f"/p/{SLUG}/goals/1/").content.decode()
    assert "No action point or note of the annual consultations is linked to this goal" in other


def test_a_risks_page_shows_the_action_points_and_notes_linked_to_it(
    desk, geneva, login, iom, c2018
):
    risk = Risk.objects.get(partnership=iom, number=4)
    point = _point(c2018, description="IOM to report cases of misuse of funds.")
    point.risks.add(risk)
    page = login(desk).get(f"/p/{SLUG}/risks/4/").content.decode()
    assert "Action points linked to this risk" in page
    assert "IOM to report cases of misuse of funds." in page


# --- The API --------------------------------------------------------------------------


def test_the_api_records_and_closes_an_action_point(geneva, api_login, iom, c2018):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    client = api_login(geneva)
    created = client.post(
        "/api/v1/action-points/",
        {
            "consultation": c2018.pk,
            "agenda_item": c2018.agenda_items.get(code="ii").pk,
            "description": "IOM to set out its plans for the 2019 contribution.",
            "owner": "IOM",
            "due_date": "2019-02-28",
            "goals": [goal.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["goals"], body["closed_on"]) == ("open", [goal.pk], None)
    closed = client.patch(f"/api/v1/action-points/{body['id']}/", {"status": "done"}, format="json")
    assert (closed.status_code, closed.json()["status"]) == (200, "done")
    assert closed.json()["closed_on"] is not None
    assert closed.json()["goals"] == [goal.pk]


def test_the_api_filters_overdue_points(desk, api_login, c2018):
    late = _point(c2018, due_date=dt.date(2019, 1, 31))
    _point(c2018, due_date=dt.date(2100, 1, 1))
    rows = api_login(desk).get("/api/v1/action-points/", {"overdue": "true"}).json()["results"]
    assert [(r["id"], r["overdue"]) for r in rows] == [(late.pk, True)]


def test_the_report_selector_lists_points_in_consultation_and_agenda_order(iom, c2018, c2019):
    later_item = _point(c2018, agenda_item=c2018.agenda_items.get(code="ix"))
    earlier_item = _point(c2018, agenda_item=c2018.agenda_items.get(code="ii"))
    next_year = _point(c2019, due_date=dt.date(2020, 6, 30))
    points = selectors.action_points_for_report(partnership=iom, as_of=dt.date(2019, 12, 2))
    assert [p.pk for p in points] == [earlier_item.pk, later_item.pk, next_year.pk]
    assert [p.overdue for p in points] == [True, True, False]


def test_the_linked_cards_name_the_goal_or_risk_in_danish(desk, login, iom, c2018):
    """The cards' captions are whole Danish sentences: no English "goal"/"risk" inside."""
    risk = Risk.objects.get(partnership=iom, number=4)
    _point(c2018, description="IOM to report cases of misuse of funds.").risks.add(risk)
    client = login(desk)
    risk_page = client.get(f"/p/{SLUG}/risks/4/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    goal_page = client.get(f"/p/{SLUG}/goals/1/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Opfølgningspunkter knyttet til denne risiko" in risk_page
    assert (
        "Intet opfølgningspunkt eller notat fra de årlige konsultationer er endnu knyttet "
        "til dette mål." in goal_page
    )
    assert "denne risk" not in risk_page
    assert "dette goal" not in goal_page


def test_the_page_draws_an_items_action_point_form_only_when_asked_for(
    geneva, auditor, login, c2018
):
    item = c2018.agenda_items.get(code="vii")
    url = f"{BASE}/items/{item.pk}/action-points/"
    client = login(geneva)
    page = client.get(f"{BASE}/2018/").content.decode()
    # Opening "Add an action point" loads the form; without JavaScript, a link leads to it.
    assert f'hx-get="{url}"' in page
    assert f'<a href="{url}"' in page
    assert f'id="ap-{item.pk}-description"' not in page
    fragment = client.get(url, **HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode().lstrip()
    assert html.startswith(f'<form method="post" action="{url}"')
    assert f'id="ap-{item.pk}-description"' in html
    assert f'hx-target="#item-{item.pk}-actions"' in html
    whole = client.get(url)
    assert whole.status_code == 200
    assert "<h1>" in whole.content.decode()
    assert f'<form method="post" action="{url}"' in whole.content.decode()
    assert login(auditor).get(url).status_code == 403


def test_a_refused_action_point_comes_back_open_with_its_errors(geneva, login, c2018):
    """The item's form on the consultation page (htmx): its part of the page comes back,
    the form open with its errors."""
    item = c2018.agenda_items.get(code="vii")
    response = login(geneva).post(
        f"{BASE}/items/{item.pk}/action-points/",
        {"description": "Something.", "owner": ""},
        **HTMX,
    )
    assert response.status_code == 400
    actions = response.content.decode()
    assert actions.lstrip().startswith(f'<div id="item-{item.pk}-actions"')
    assert actions.index('<details class="no-print" open>') < actions.index(
        "This field is required."
    )
    assert f'id="ap-{item.pk}-owner"' in actions


def test_an_action_point_refused_on_its_own_page_shows_that_page_again(geneva, login, c2018):
    """Without htmx (its own page, or the item's form when JavaScript is off) the refusal
    is that page again with the message at the field, not the whole consultation."""
    item = c2018.agenda_items.get(code="vii")
    response = login(geneva).post(
        f"{BASE}/items/{item.pk}/action-points/",
        {"description": "IOM to share the draft strategic vision.", "owner": ""},
    )
    assert response.status_code == 400
    assert response.templates[0].name == "consultations/action_point_create.html"
    assert response.context["form"].errors == {"owner": ["This field is required."]}
    page = response.content.decode()
    assert "<title>Add an action point · Consultation 2018" in page
    owner = re.search(r'<input [^>]*name="owner"[^>]*>', page)
    assert owner is not None
    assert 'aria-invalid="true"' in owner.group()
    assert f'id="ap-{item.pk}-owner_error"><li>This field is required.</li>' in page
    assert "IOM to share the draft strategic vision." in page  # what was typed is kept
    assert not ActionPoint.objects.exists()


def test_notes_and_action_points_read_in_each_readers_language_one_after_the_other(
    geneva, login, c2018
):
    """Their fixed words are translated once a language (consultation_words): a Danish
    reader and then an English one each read their own."""
    item = c2018.agenda_items.get(code="vii")
    _point(c2018, agenda_item=item)
    services.note_create(agenda_item=item, by=geneva, body="Logged.")
    client = login(geneva)
    danish = client.get(f"{BASE}/2018/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    english = client.get(f"{BASE}/2018/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-label="Det aftalte"' in danish
    assert 'data-label="What was agreed"' in english
    assert ">Redigér<" in danish
    assert ">Edit<" in english
    assert 'data-label="Det aftalte"' not in english


def test_the_new_action_points_form_asks_what_was_agreed_first(geneva, login, c2018):
    # Tab goes through the form in the order it is read: what was agreed, by whom, when,
    # then the goals and risks it serves — not the pickers first.
    item = c2018.agenda_items.get(code="vii")
    html = login(geneva).get(f"{BASE}/items/{item.pk}/action-points/", **HTMX).content.decode()
    names = ["description", "owner", "assignee", "due_date", "goals", "risks"]
    positions = [html.index(f'name="{name}"') for name in names]
    assert positions == sorted(positions)


def test_the_danish_drop_page_says_what_will_happen_in_the_infinitive(geneva, login, c2018):
    point = _point(c2018)
    page = login(geneva).get(f"{BASE}/action-points/{point.pk}/drop/", HTTP_ACCEPT_LANGUAGE="da")
    text = page.content.decode()
    # "Dette vil:" (this will) takes a verb in the infinitive, not the imperative.
    assert "<strong>Dette vil:</strong>" in text
    assert "<li>Markere opfølgningspunktet, der blev aftalt på konsultationen i 2018" in text
    assert "<li>Bevare det i registreringerne som udgået" in text
    assert "<li>Markér" not in text


# --- Dates within 1945-2100 ---------------------------------------------------------------

OUT_OF_RANGE = "Give a date from 1 January 1945 to 31 December 2100."


@pytest.mark.parametrize("day", ["1700-01-01", "2101-01-01"])
def test_a_due_date_outside_1945_2100_is_refused_at_the_field(geneva, login, api_login, c2018, day):
    item = c2018.agenda_items.get(code="vii")
    data = {"description": "IOM to report.", "owner": "IOM", "due_date": day}
    page = login(geneva).post(f"{BASE}/items/{item.pk}/action-points/", data, **HTMX)
    assert page.status_code == 400
    assert OUT_OF_RANGE in page.content.decode()
    client = api_login(geneva)
    api = client.post(
        "/api/v1/action-points/",
        {**data, "consultation": c2018.pk, "agenda_item": item.pk},
        format="json",
    )
    assert (api.status_code, api.json()) == (400, {"due_date": [OUT_OF_RANGE]})
    assert not ActionPoint.objects.exists()
    point = _point(c2018, due_date=dt.date(2019, 3, 31))
    edit = login(geneva).post(
        f"{BASE}/action-points/{point.pk}/edit/",
        {
            "description": point.description,
            "owner": point.owner,
            "due_date": day,
            "status": "open",
            "agenda_item": point.agenda_item_id,
        },
    )
    assert edit.status_code == 400
    assert OUT_OF_RANGE in edit.content.decode()
    patched = client.patch(f"/api/v1/action-points/{point.pk}/", {"due_date": day}, format="json")
    assert (patched.status_code, patched.json()) == (400, {"due_date": [OUT_OF_RANGE]})
    point.refresh_from_db()
    assert point.due_date == dt.date(2019, 3, 31)


def test_a_due_date_years_ahead_stays_allowed(geneva, api_login, c2018):
    point = _point(c2018, due_date=dt.date(2019, 3, 31))
    patched = api_login(geneva).patch(
        f"/api/v1/action-points/{point.pk}/", {"due_date": "2099-12-31"}, format="json"
    )
    assert (patched.status_code, patched.json()["due_date"]) == (200, "2099-12-31")


# --- Due on or after the consultation that agreed it --------------------------------------

DUE_BEFORE = (
    "Give the consultation's date, 20 November 2018, or a later one: 1 January 2018 is "
    "before the consultation that agreed this point."
)


def test_a_due_date_before_the_consultation_is_refused_at_the_field_on_the_page(
    geneva, login, c2018
):
    item = c2018.agenda_items.get(code="vii")
    data = {"description": "IOM to share the draft.", "owner": "IOM", "due_date": "2018-01-01"}
    url = f"{BASE}/items/{item.pk}/action-points/"
    response = login(geneva).post(url, data, **HTMX)
    assert response.status_code == 400
    assert f'id="ap-{item.pk}-due_date_error"><li>{DUE_BEFORE}</li>' in (
        response.content.decode().replace("&#x27;", "'")
    )
    page = login(geneva).post(url, data, HTTP_ACCEPT_LANGUAGE="da")
    assert page.status_code == 400
    assert page.context["form"].errors == {
        "due_date": [
            "Angiv konsultationens dato, 20. november 2018, eller en senere dato: "
            "1. januar 2018 ligger før konsultationen, hvor opfølgningspunktet blev aftalt."
        ]
    }
    assert not ActionPoint.objects.exists()
    on_the_day = login(geneva).post(url, {**data, "due_date": "2018-11-20"}, **HTMX)
    assert on_the_day.status_code == 200
    assert ActionPoint.objects.get().due_date == dt.date(2018, 11, 20)


def test_a_due_date_before_the_consultation_is_refused_on_the_edit_page(geneva, login, c2018):
    point = _point(c2018, due_date=dt.date(2019, 6, 30))
    response = login(geneva).post(
        f"{BASE}/action-points/{point.pk}/edit/",
        {"description": point.description, "owner": point.owner, "due_date": "2018-01-01",
         "status": "open", "agenda_item": point.agenda_item.pk},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors == {"due_date": [DUE_BEFORE]}
    point.refresh_from_db()
    assert point.due_date == dt.date(2019, 6, 30)


def test_a_due_date_before_the_consultation_is_a_400_at_the_field_in_the_api(
    geneva, api_login, c2018
):
    client = api_login(geneva)
    body = {"consultation": c2018.pk, "description": "IOM to share the draft.", "owner": "IOM",
            "due_date": "2018-01-01"}  # fmt: skip
    refused = client.post("/api/v1/action-points/", body, format="json")
    assert (refused.status_code, refused.json()) == (400, {"due_date": [DUE_BEFORE]})
    assert not ActionPoint.objects.exists()
    point = _point(c2018, due_date=dt.date(2019, 6, 30))
    patched = client.patch(
        f"/api/v1/action-points/{point.pk}/", {"due_date": "2018-01-01"}, format="json"
    )
    assert (patched.status_code, patched.json()) == (400, {"due_date": [DUE_BEFORE]})
    point.refresh_from_db()
    assert point.due_date == dt.date(2019, 6, 30)


def test_a_point_recorded_due_before_its_consultation_still_closes(geneva, c2018):
    """Recorded before the rule: marking it done does not ask for a new due date."""
    point = _point(c2018, due_date=dt.date(2018, 1, 1))
    done = services.action_point_update(action_point=point, by=geneva, status="done")
    assert (done.status, done.due_date) == ("done", dt.date(2018, 1, 1))


def test_in_danish_an_open_point_is_open_and_its_owner_and_follower_are_told_apart(
    geneva, desk, login, c2018
):
    """ "Åben" is the status ("Åbn" the verb), and the organisation that carries a point out
    and the member who follows it up have labels of their own: in the form, the table and
    the history."""
    point = _point(c2018)
    services.action_point_update(action_point=point, by=geneva, owner="UNHCR", assignee=geneva)
    client = login(geneva)
    da = {"accept-language": "da"}
    page = client.get(f"{BASE}/2018/", headers=da).content.decode()
    assert '<option value="open" selected>Åben</option>' in page
    assert "Åbn<" not in page
    assert 'data-label="Ansvarlig organisation"' in page
    assert "Følges op af " in page
    form = client.get(f"{BASE}/action-points/{point.pk}/edit/", headers=da).content.decode()
    assert '<label for="id_owner">Ansvarlig organisation:' in form
    assert '<label for="id_assignee">Følges op af:' in form
    history = login(desk).get(f"/p/{SLUG}/history/", headers=da).content.decode()
    assert "Ansvarlig organisation" in history
    assert "Følges op af" in history


# --- A consultation's date and the points it agreed -----------------------------------------

POINTS_DUE_BEFORE = (
    "2 action points agreed at this consultation are due before this date, the earliest on "
    "25 November 2018: give 25 November 2018 or an earlier date, or change the points' due "
    "dates first."
)
POINT_DUE_BEFORE = (
    "1 action point agreed at this consultation is due on 25 November 2018, before this "
    "date: give 25 November 2018 or an earlier date, or change the point's due date first."
)


@pytest.fixture
def due_in_2018(c2018):
    """Points due five days and a month after the consultation of 20 November 2018, and
    one due the next year."""
    return [
        _point(c2018, due_date=due)
        for due in (dt.date(2018, 11, 25), dt.date(2018, 12, 20), dt.date(2019, 3, 31))
    ]


def _edit_date(client, date: str, **headers):
    form = {"date": date, "place": "Geneva", "status": "held"}
    return client.post(f"{BASE}/2018/edit/", form, **headers)


def test_moving_a_consultation_past_its_points_due_dates_is_refused_at_the_date_on_the_page(
    geneva, login, c2018, due_in_2018
):
    client = login(geneva)
    refused = _edit_date(client, "2018-12-21")
    assert refused.status_code == 400
    assert refused.context["form"].errors == {"date": [POINTS_DUE_BEFORE]}
    one = _edit_date(client, "2018-12-01")
    assert one.context["form"].errors == {"date": [POINT_DUE_BEFORE]}
    in_danish = _edit_date(client, "2018-12-01", HTTP_ACCEPT_LANGUAGE="da")
    assert (in_danish.status_code, in_danish.context["form"].errors) == (
        400,
        {
            "date": [
                "1 opfølgningspunkt aftalt på denne konsultation har frist den "
                "25. november 2018, før denne dato: angiv 25. november 2018 eller en "
                "tidligere dato, eller ret først punktets frist."
            ]
        },
    )
    plural_in_danish = _edit_date(client, "2018-12-21", HTTP_ACCEPT_LANGUAGE="da")
    assert plural_in_danish.context["form"].errors == {
        "date": [
            "2 opfølgningspunkter aftalt på denne konsultation har frist før denne dato, den "
            "tidligste den 25. november 2018: angiv 25. november 2018 eller en tidligere "
            "dato, eller ret først punkternes frister."
        ]
    }
    c2018.refresh_from_db()
    assert (c2018.date, c2018.place) == (dt.date(2018, 11, 20), "")
    on_the_earliest = _edit_date(client, "2018-11-25")
    assert on_the_earliest.status_code == 302
    c2018.refresh_from_db()
    assert (c2018.date, c2018.place) == (dt.date(2018, 11, 25), "Geneva")


def test_moving_a_consultation_past_its_points_due_dates_is_a_400_at_the_date_in_the_api(
    geneva, api_login, c2018, due_in_2018
):
    client = api_login(geneva)
    url = f"/api/v1/consultations/{c2018.pk}/"
    refused = client.patch(url, {"date": "2018-12-21", "place": "Geneva"}, format="json")
    assert (refused.status_code, refused.json()) == (400, {"date": [POINTS_DUE_BEFORE]})
    one = client.patch(url, {"date": "2018-12-01"}, format="json")
    assert (one.status_code, one.json()) == (400, {"date": [POINT_DUE_BEFORE]})
    c2018.refresh_from_db()
    assert (c2018.date, c2018.place) == (dt.date(2018, 11, 20), "")
    earlier = client.patch(url, {"date": "2018-11-02"}, format="json")
    assert (earlier.status_code, earlier.json()["date"]) == (200, "2018-11-02")


def test_giving_a_planned_consultation_its_date_after_its_points_due_dates_is_refused(geneva, iom):
    planned = factories.consultation(iom, year=2018, created_by=geneva)
    _point(planned, due_date=dt.date(2018, 11, 25))
    with pytest.raises(ValidationError) as refused:
        services.consultation_update(
            consultation=planned, by=geneva, date=dt.date(2018, 11, 26), place="",
            participants="", status="planned",
        )  # fmt: skip
    assert refused.value.message_dict == {"date": [POINT_DUE_BEFORE]}
    planned.refresh_from_db()
    assert planned.date is None


def test_a_consultation_whose_date_stays_keeps_a_point_recorded_due_before_it(desk, login, c2018):
    """Recorded before the rule: the consultation's other changes do not ask for its date."""
    _point(c2018, due_date=dt.date(2018, 1, 1))
    response = _edit_date(login(desk), "2018-11-20")
    assert response.status_code == 302
    c2018.refresh_from_db()
    assert c2018.place == "Geneva"


def test_a_date_in_another_year_is_refused_for_its_year_before_the_points_due_dates(
    geneva, login, c2018, due_in_2018
):
    """A date of 2019 is after every point's due date, but the first thing wrong with it
    is its year: that is what the person is told."""
    refused = _edit_date(login(geneva), "2019-04-01")
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "date": ["Give a date in 2018, the consultation's year."]
    }
    c2018.refresh_from_db()
    assert c2018.date == dt.date(2018, 11, 20)
