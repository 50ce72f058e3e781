"""The role matrix of DESIGN.md for every page and endpoint of the partnership record:
anonymous, non-member, desk officer, mission staff and auditor, each with its status."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnership.models import Document
from partnership.models import GoalUpdate
from partnership.models import OverallGoal
from partnership.models import Risk
from partnership.models import RiskAssessment
from tests import factories

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}"
ROLES = ["anonymous", "outsider", "desk", "geneva", "auditor"]


def by_role(*, anonymous: int, outsider: int, desk: int, geneva: int, auditor: int) -> dict:
    """The status each role gets (outsider: a desk officer of another partnership)."""
    return {
        "anonymous": anonymous,
        "outsider": outsider,
        "desk": desk,
        "geneva": geneva,
        "auditor": auditor,
    }


# 302 for anonymous pages: the login redirect.
READ = by_role(anonymous=302, outsider=404, desk=200, geneva=200, auditor=200)
EDIT_FORM = by_role(anonymous=302, outsider=404, desk=200, geneva=403, auditor=403)
HISTORY = by_role(anonymous=302, outsider=404, desk=200, geneva=403, auditor=200)
WRITE = by_role(anonymous=302, outsider=404, desk=302, geneva=403, auditor=403)


@pytest.fixture
def stored_document(iom):
    return Document.objects.create(
        partnership=iom,
        kind=Document.Kind.AUDIT_REPORT,
        title="Audit report 2018",
        year=2018,
        file=SimpleUploadedFile("audit.pdf", b"%PDF-1.4 audit"),
        original_filename="audit.pdf",
    )


PAGES = [
    ("/", by_role(anonymous=302, outsider=200, desk=200, geneva=200, auditor=200)),
    (f"{P}/", READ),
    (f"{P}/goals/", READ),
    (f"{P}/goals/4/", READ),
    (f"{P}/risks/", READ),
    (f"{P}/risks/2/", READ),
    (f"{P}/documents/", READ),
    (f"{P}/documents/{{doc}}/download/", READ),
    (f"{P}/history/", HISTORY),
    (f"{P}/edit/", EDIT_FORM),
    (f"{P}/goals/4/edit/", EDIT_FORM),
    (f"{P}/risks/2/edit/", EDIT_FORM),
    (f"{P}/priority-areas/1/edit/", EDIT_FORM),
]


@pytest.mark.parametrize(("url", "expected"), PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_page_get(users, login, stored_document, url, expected, role):
    client = login(users.get(role))
    response = client.get(url.format(doc=stored_document.pk))
    response.close()
    assert response.status_code == expected[role], role
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def _goal_update_form(iom):
    return {
        "as_of": "2019-05-01",
        "status": "on_track",
        "narrative": "Reported.",
        "actual_value": "",
    }


def _risk_assessment_form(iom):
    risk = Risk.objects.get(partnership=iom, number=2)
    return {
        "risk": risk.pk,
        "as_of": "2019-05-01",
        "likelihood": 3,
        "impact": 4,
        "residual_likelihood": 2,
        "residual_impact": 3,
        "response": "Discussed.",
    }


def _document_form(iom):
    return {"kind": "mopan", "title": "MOPAN 2019", "year": 2019, "url": "https://mopanonline.org/"}


def _goal_edit_form(iom):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    return {
        "text": goal.text,
        "indicator": goal.indicator,
        "unit": "member states",
        "baseline_value": "5",
        "baseline_year": 2017,
        "baseline_note": goal.baseline_note,
        "target_description": goal.target_description,
        "reason": "Clearer unit",
    }


WRITES = [
    (f"{P}/goals/4/", _goal_update_form, GoalUpdate),
    (f"{P}/risks/", _risk_assessment_form, RiskAssessment),
    (f"{P}/risks/2/", _risk_assessment_form, RiskAssessment),
    (f"{P}/documents/", _document_form, Document),
    (f"{P}/goals/4/edit/", _goal_edit_form, None),
]


@pytest.mark.parametrize(("url", "form", "model"), WRITES)
@pytest.mark.parametrize("role", ROLES)
def test_page_post(users, login, iom, url, form, model, role):
    before = model.objects.count() if model else None
    response = login(users.get(role)).post(url, form(iom))
    assert response.status_code == WRITE[role], role
    if model is not None:
        created = model.objects.count() - before
        assert created == (1 if role == "desk" else 0), role


def _first_id(model, **lookup):
    return model.objects.filter(**lookup).order_by("pk").values_list("pk", flat=True)[0]


@pytest.fixture
def api_objects(iom, desk):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    update = factories.GoalUpdateFactory(goal=goal, author=desk)
    risk = Risk.objects.get(partnership=iom, number=1)
    assessment = factories.RiskAssessmentFactory(risk=risk, author=desk)
    return {
        "partnerships": iom.pk,
        "priority-areas": _first_id(iom.priority_areas.model, partnership=iom),
        "goals": goal.pk,
        "goal-updates": update.pk,
        "risks": risk.pk,
        "risk-assessments": assessment.pk,
        "documents": _first_id(Document, partnership=iom),
    }


API_UPDATES = [
    ("partnerships", {"funding_note": "Changed.", "reason": "test"}),
    ("priority-areas", {"short_title": "Fit for purpose", "reason": "test"}),
    ("goals", {"unit": "member states", "reason": "test"}),
    ("risks", {"title": "Changed title", "reason": "test"}),
    ("documents", {"title": "Changed title"}),
]
API_WRITE_STATUS = by_role(anonymous=401, outsider=404, desk=200, geneva=403, auditor=403)


@pytest.mark.parametrize(("resource", "payload"), API_UPDATES)
@pytest.mark.parametrize("role", ROLES)
def test_api_update(users, api_login, api_objects, resource, payload, role):
    response = api_login(users.get(role)).patch(
        f"/api/v1/{resource}/{api_objects[resource]}/", payload, format="json"
    )
    assert response.status_code == API_WRITE_STATUS[role], role


def _api_create_payloads(iom):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    risk = Risk.objects.get(partnership=iom, number=1)
    return {
        "goal-updates": (
            GoalUpdate,
            {"goal": goal.pk, "as_of": "2019-05-01", "status": "at_risk", "narrative": "Slow."},
        ),
        "risk-assessments": (
            RiskAssessment,
            {
                "risk": risk.pk,
                "as_of": "2019-05-01",
                "likelihood": 2,
                "impact": 5,
                "residual_likelihood": 1,
                "residual_impact": 4,
                "response": "Monitored.",
            },
        ),
        "documents": (
            Document,
            {"partnership": SLUG, "kind": "mopan", "title": "MOPAN", "url": "https://x.org/"},
        ),
    }


# The outsider is a desk officer elsewhere: IOM's goal, risk or slug "does not exist" for them.
API_CREATE_STATUS = by_role(anonymous=401, outsider=400, desk=201, geneva=403, auditor=403)


@pytest.mark.parametrize("resource", ["goal-updates", "risk-assessments", "documents"])
@pytest.mark.parametrize("role", ROLES)
def test_api_create(users, api_login, iom, resource, role):
    model, payload = _api_create_payloads(iom)[resource]
    before = model.objects.count()
    response = api_login(users.get(role)).post(f"/api/v1/{resource}/", payload, format="json")
    assert response.status_code == API_CREATE_STATUS[role], (role, response.content)
    assert model.objects.count() - before == (1 if role == "desk" else 0)


@pytest.mark.parametrize("resource", ["goal-updates", "risk-assessments"])
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_updates_and_assessments_are_append_only_in_the_api(
    desk, api_login, api_objects, resource, method
):
    response = getattr(api_login(desk), method)(
        f"/api/v1/{resource}/{api_objects[resource]}/", {}, format="json"
    )
    assert response.status_code == 405
