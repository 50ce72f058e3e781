"""The role matrix for every consultation page and endpoint: anonymous, non-member, desk
officer, mission staff and auditor. Auditors write nothing; mission staff write
consultations and nothing else; only desk officers clear notes."""

from __future__ import annotations

import datetime as dt

import pytest

from consultations import services
from consultations.models import ActionPoint
from consultations.models import AgendaItem
from consultations.models import Consultation
from consultations.models import Note
from partnership.models import Document
from partnership.models import GoalUpdate
from partnership.models import OverallGoal
from partnership.models import RiskAssessment
from tests.consultations import factories

SLUG = "denmark-iom-2018-2020"
BASE = f"/p/{SLUG}/consultations"
ROLES = ["anonymous", "outsider", "desk", "geneva", "auditor"]

# Status per role. 302 for anonymous pages: the login redirect.
READ = {"anonymous": 302, "outsider": 404, "desk": 200, "geneva": 200, "auditor": 200}
EDIT_FORM = {"anonymous": 302, "outsider": 404, "desk": 200, "geneva": 200, "auditor": 403}
WRITE = {"anonymous": 302, "outsider": 404, "desk": 302, "geneva": 302, "auditor": 403}
CLEAR = {"anonymous": 302, "outsider": 404, "desk": 302, "geneva": 403, "auditor": 403}
CLEAR_FORM = {"anonymous": 302, "outsider": 404, "desk": 200, "geneva": 403, "auditor": 403}


@pytest.fixture
def objects(iom, geneva):
    consultation = factories.held(iom, year=2019, date=dt.date(2019, 11, 19), created_by=geneva)
    item = consultation.agenda_items.get(code="i")
    extra = services.agenda_item_add(consultation=consultation, by=geneva, title="Extra")
    note = services.note_create(agenda_item=item, by=geneva, body="Logged in Geneva.")
    empty = services.note_create(agenda_item=item, by=geneva)
    ready = services.note_create(agenda_item=item, by=geneva, body="Ready.")
    services.note_mark_ready(note=ready, by=geneva, version=1)
    point = factories.ActionPointFactory(consultation=consultation, agenda_item=item)
    return {
        "consultation": consultation,
        "item": item,
        "extra": extra,
        "note": note,
        "empty": empty,
        "ready": ready,
        "point": point,
    }


def _url(template: str, objects: dict) -> str:
    return template.format(**{name: getattr(obj, "pk", obj) for name, obj in objects.items()})


PAGES = [
    (f"{BASE}/", READ),
    (f"{BASE}/2019/", READ),
    (  # a year, not an id
        f"{BASE}/{{consultation}}/",
        {"anonymous": 302, "outsider": 404, "desk": 404, "geneva": 404, "auditor": 404},
    ),
    (f"{BASE}/2019/edit/", EDIT_FORM),
    (f"{BASE}/notes/{{note}}/edit/", EDIT_FORM),
    (f"{BASE}/action-points/{{point}}/edit/", EDIT_FORM),
    (f"{BASE}/action-points/{{point}}/drop/", EDIT_FORM),
    (f"{BASE}/notes/{{ready}}/clear/", CLEAR_FORM),
]


@pytest.mark.parametrize(("url", "expected"), PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_page_get(users, login, objects, url, expected, role):
    response = login(users.get(role)).get(_url(url, objects))
    assert response.status_code == expected[role], role
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ROLES)
def test_note_fragment_get(users, login, objects, role):
    response = login(users.get(role)).get(
        f"{BASE}/notes/{objects['note'].pk}/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == READ[role], role


def _changed(objects) -> dict:
    """What each write below changes, read back from the database."""
    consultation = Consultation.objects.get(pk=objects["consultation"].pk)
    return {
        "consultations": Consultation.objects.count(),
        "place": consultation.place,
        "items": AgendaItem.objects.filter(consultation=consultation).count(),
        "first": AgendaItem.objects.get(pk=objects["extra"].pk).order
        if AgendaItem.objects.filter(pk=objects["extra"].pk).exists()
        else None,
        "notes": Note.objects.count(),
        "note": Note.objects.get(pk=objects["note"].pk).body,
        "note_status": Note.objects.get(pk=objects["note"].pk).status,
        "ready_status": Note.objects.get(pk=objects["ready"].pk).status,
        "points": ActionPoint.objects.count(),
        "point": ActionPoint.objects.get(pk=objects["point"].pk).status,
        "owner": ActionPoint.objects.get(pk=objects["point"].pk).owner,
    }


WRITES = [
    (f"{BASE}/", lambda o: {"year": 2020}, WRITE),
    (
        f"{BASE}/2019/edit/",
        lambda o: {"date": "2019-11-19", "place": "Geneva", "status": "held"},
        WRITE,
    ),
    (f"{BASE}/2019/items/", lambda o: {"title": "Budget reform"}, WRITE),
    (f"{BASE}/items/{{extra}}/move/", lambda o: {"position": "1"}, WRITE),
    (f"{BASE}/items/{{extra}}/remove/", lambda o: {}, WRITE),
    (f"{BASE}/items/{{item}}/notes/", lambda o: {}, WRITE),
    (f"{BASE}/notes/{{note}}/", lambda o: {"body": "Changed.", "version": 1}, WRITE),
    (f"{BASE}/notes/{{note}}/ready/", lambda o: {"version": 1}, WRITE),
    (f"{BASE}/notes/{{empty}}/discard/", lambda o: {"version": 1}, WRITE),
    (f"{BASE}/notes/{{ready}}/clear/", lambda o: {"version": 2, "reason": "Agreed."}, CLEAR),
    (
        f"{BASE}/items/{{item}}/action-points/",
        lambda o: {"description": "Agreed.", "owner": "IOM"},
        WRITE,
    ),
    (
        f"{BASE}/action-points/{{point}}/edit/",
        lambda o: {"description": "Agreed.", "owner": "The Mission", "status": "open"},
        WRITE,
    ),
    (f"{BASE}/action-points/{{point}}/status/", lambda o: {"status": "done"}, WRITE),
    (f"{BASE}/action-points/{{point}}/drop/", lambda o: {"reason": "Overtaken."}, WRITE),
]


@pytest.mark.parametrize(("url", "form", "expected"), WRITES)
@pytest.mark.parametrize("role", ROLES)
def test_page_post(users, login, objects, url, form, expected, role):
    before = _changed(objects)
    response = login(users.get(role)).post(_url(url, objects), form(objects))
    assert response.status_code == expected[role], (role, response.content[:300])
    allowed = expected[role] == 302 and role != "anonymous"
    assert (_changed(objects) != before) == allowed, role


RESOURCES = {
    "consultations": "consultation",
    "agenda-items": "item",
    "notes": "note",
    "action-points": "point",
}


# The outsider is a desk officer elsewhere: IOM's objects "do not exist" for them.
API_CREATE = {"anonymous": 401, "outsider": 400, "desk": 201, "geneva": 201, "auditor": 403}


def _creates(objects, iom):
    return {
        "consultations": (Consultation, {"partnership": SLUG, "year": 2020}),
        "agenda-items": (
            AgendaItem,
            {"consultation": objects["consultation"].pk, "title": "Budget reform"},
        ),
        "notes": (Note, {"agenda_item": objects["item"].pk, "body": "Logged."}),
        "action-points": (
            ActionPoint,
            {
                "consultation": objects["consultation"].pk,
                "description": "Agreed.",
                "owner": "IOM",
                "goals": [OverallGoal.objects.get(partnership=iom, number=1).pk],
            },
        ),
    }


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role", ROLES)
def test_api_create(users, api_login, objects, iom, resource, role):
    model, payload = _creates(objects, iom)[resource]
    before = model.objects.count()
    response = api_login(users.get(role)).post(f"/api/v1/{resource}/", payload, format="json")
    assert response.status_code == API_CREATE[role], (role, response.content)
    assert model.objects.count() - before == (1 if role in {"desk", "geneva"} else 0)


API_UPDATE = {"anonymous": 401, "outsider": 404, "desk": 200, "geneva": 200, "auditor": 403}
UPDATES = {
    "consultations": ("consultation", {"place": "Geneva"}),
    "agenda-items": ("extra", {"order": 1}),
    "notes": ("note", {"body": "Changed.", "version": 1}),
    "action-points": ("point", {"status": "dropped", "reason": "Overtaken."}),
}


@pytest.mark.parametrize("resource", UPDATES)
@pytest.mark.parametrize("role", ROLES)
def test_api_update(users, api_login, objects, resource, role):
    before = _changed(objects)
    name, payload = UPDATES[resource]
    response = api_login(users.get(role)).patch(
        f"/api/v1/{resource}/{objects[name].pk}/", payload, format="json"
    )
    assert response.status_code == API_UPDATE[role], (role, response.content)
    assert (_changed(objects) != before) == (role in {"desk", "geneva"})


@pytest.mark.parametrize(
    ("action", "name", "version", "expected"),
    [
        (
            "mark-ready",
            "note",
            1,
            {"anonymous": 401, "outsider": 404, "desk": 200, "geneva": 200, "auditor": 403},
        ),
        (
            "clear",
            "ready",
            2,
            {"anonymous": 401, "outsider": 404, "desk": 200, "geneva": 403, "auditor": 403},
        ),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_api_note_steps(users, api_login, objects, action, name, version, expected, role):
    response = api_login(users.get(role)).post(
        f"/api/v1/notes/{objects[name].pk}/{action}/",
        {"version": version, "reason": "Agreed."},
        format="json",
    )
    assert response.status_code == expected[role], (role, response.content)


@pytest.mark.parametrize("role", ROLES)
def test_api_remove_extra_item(users, api_login, objects, role):
    response = api_login(users.get(role)).delete(f"/api/v1/agenda-items/{objects['extra'].pk}/")
    assert (
        response.status_code
        == {"anonymous": 401, "outsider": 404, "desk": 204, "geneva": 204, "auditor": 403}[role]
    ), role
    assert AgendaItem.objects.filter(pk=objects["extra"].pk).exists() == (
        role not in {"desk", "geneva"}
    )


def test_only_a_desk_officer_moves_a_consultation_to_notes_cleared(
    desk, geneva, login, api_login, objects
):
    Note.objects.exclude(status="cleared").delete()  # nothing left to clear
    form = {"date": "2019-11-19", "status": "notes_cleared"}
    refused = login(geneva).post(f"{BASE}/2019/edit/", form)
    assert refused.status_code == 400
    assert "Select a valid choice." in refused.content.decode()
    api = api_login(geneva).patch(
        f"/api/v1/consultations/{objects['consultation'].pk}/",
        {"status": "notes_cleared"},
        format="json",
    )
    assert api.status_code == 403
    assert login(desk).post(f"{BASE}/2019/edit/", form).status_code == 302
    assert Consultation.objects.get().status == "notes_cleared"


def test_only_a_desk_officer_moves_a_consultation_out_of_notes_cleared(
    desk, geneva, login, api_login, objects
):
    Note.objects.exclude(status="cleared").delete()
    consultation = objects["consultation"]
    Consultation.objects.filter(pk=consultation.pk).update(status="notes_cleared")
    api = api_login(geneva).patch(
        f"/api/v1/consultations/{consultation.pk}/", {"status": "held"}, format="json"
    )
    assert api.status_code == 403
    form = {"date": "2019-11-19", "place": "Geneva", "status": "held"}
    assert login(geneva).post(f"{BASE}/2019/edit/", form).status_code == 302
    assert (Consultation.objects.get().place, Consultation.objects.get().status) == (
        "Geneva",
        "notes_cleared",
    )
    assert login(desk).post(f"{BASE}/2019/edit/", form).status_code == 302
    assert Consultation.objects.get().status == "held"


def test_notes_cleared_needs_every_note_cleared(desk, login, api_login, objects):
    client = login(desk)
    form = {"date": "2019-11-19", "status": "notes_cleared"}
    response = client.post(f"{BASE}/2019/edit/", form)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "status": ["2 notes are not cleared yet: clear them first."]
    }
    in_danish = client.post(f"{BASE}/2019/edit/", form, HTTP_ACCEPT_LANGUAGE="da")
    assert in_danish.context["form"].errors == {
        "status": ["2 notater er endnu ikke godkendt: godkend dem først."]
    }
    services.note_clear(note=objects["ready"], by=desk, version=2, reason="Agreed.")
    one = client.post(f"{BASE}/2019/edit/", form)
    assert one.context["form"].errors == {"status": ["1 note is not cleared yet: clear it first."]}
    one_in_danish = client.post(f"{BASE}/2019/edit/", form, HTTP_ACCEPT_LANGUAGE="da")
    assert one_in_danish.context["form"].errors == {
        "status": ["1 notat er endnu ikke godkendt: godkend det først."]
    }
    api = api_login(desk).patch(
        f"/api/v1/consultations/{objects['consultation'].pk}/",
        {"status": "notes_cleared"},
        format="json",
    )
    assert (api.status_code, api.json()) == (
        400,
        {"status": ["1 note is not cleared yet: clear it first."]},
    )
    assert Consultation.objects.get().status == "held"


def test_a_held_consultation_needs_its_date(geneva, login, iom):
    factories.consultation(iom, year=2019)
    response = login(geneva).post(f"{BASE}/2019/edit/", {"status": "held", "place": "Geneva"})
    assert response.status_code == 400
    assert "Give the date the consultation was held." in response.content.decode()
    assert Consultation.objects.get().status == "planned"
    assert Consultation.objects.get().place == ""


def test_mission_staff_touch_nothing_outside_consultations(geneva, login, api_login, iom):
    client, api = login(geneva), api_login(geneva)
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    for url, form in [
        (f"/p/{SLUG}/goals/4/", {"as_of": "2019-05-01", "status": "on_track", "narrative": "x"}),
        (f"/p/{SLUG}/documents/", {"kind": "mopan", "title": "M", "url": "https://x.org/"}),
        (f"/p/{SLUG}/goals/4/edit/", {"text": "changed"}),
        (f"/p/{SLUG}/edit/", {"title": "changed"}),
    ]:
        assert client.post(url, form).status_code == 403, url
    assert api.patch(f"/api/v1/goals/{goal.pk}/", {"unit": "x"}, format="json").status_code == 403
    assert (
        api.post(
            "/api/v1/goal-updates/",
            {"goal": goal.pk, "as_of": "2019-05-01", "status": "on_track", "narrative": "x"},
            format="json",
        ).status_code
        == 403
    )
    assert not GoalUpdate.objects.exists()
    assert not RiskAssessment.objects.exists()
    assert not Document.objects.filter(title="M").exists()
    goal.refresh_from_db()
    assert goal.unit != "x"
