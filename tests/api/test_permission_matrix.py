"""The permission matrix of DESIGN.md, generated from the API router: every route × method ×
(anonymous, non-member, desk officer, mission staff, auditor).

Every registered resource needs a rule below; a new endpoint without one fails the suite.
Requests carry an empty body: a role that may write gets past the permission check (and is
then told what is missing, 400, or changes nothing, 200); a role that may not gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import models
from django.urls import reverse

from config.api_urls import router
from consultations import services as consultation_services
from funding import seed as funding_seed
from funding.models import Component
from partnership.access import Capability
from partnership.models import OverallGoal, Risk
from reviews.models import Finding, GoalAssessment, PriorityAreaAssessment, Recommendation
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.funding import factories as funding_factories
from tests.reviews import factories as review_factories

ROLES = ["anonymous", "outsider", "desk", "geneva", "auditor"]

# DESIGN.md's table: which roles hold each capability.
HOLDERS: dict[Capability, set[str]] = {
    Capability.VIEW: {"desk", "geneva", "auditor"},
    Capability.EDIT_RECORD: {"desk"},
    Capability.EDIT_FUNDING: {"desk"},
    Capability.EDIT_CONSULTATIONS: {"desk", "geneva"},
    Capability.EDIT_REVIEWS: {"desk"},
    Capability.CLEAR_NOTES: {"desk"},
    Capability.DOWNLOAD: {"desk", "geneva", "auditor"},
    Capability.VIEW_HISTORY: {"desk", "auditor"},
}


@dataclass(frozen=True)
class Rule:
    """What the DESIGN.md table says of a resource, and how to make one of its objects."""

    write: Capability
    make: Callable[[object], models.Model]
    actions: dict[str, Capability] | None = None  # extra actions: their own capability


def _goal(iom):
    return OverallGoal.objects.get(partnership=iom, number=4)


def _risk(iom):
    return Risk.objects.get(partnership=iom, number=1)


def _line(iom, component=None):
    return funding_factories.BudgetLineFactory(
        partnership=iom, year=2018, component=component or Component.CORE
    )


def _consultation(iom):
    return consultation_factories.consultation(iom, year=2019)


def _extra_item(iom):
    return consultation_services.agenda_item_add(
        consultation=_consultation(iom),
        user=_author(),
        title="Evaluation of the UN Network on Migration",
    )


def _review(iom):
    return review_factories.ReviewFactory(partnership=iom)


def _author():
    return factories.UserFactory()


def _funded(iom):
    funding_seed.load_demo(iom)
    return iom


RULES: dict[str, Rule] = {
    "partnership": Rule(Capability.EDIT_RECORD, lambda iom: iom),
    "priority-area": Rule(Capability.EDIT_RECORD, lambda iom: iom.priority_areas.first()),
    "goal": Rule(Capability.EDIT_RECORD, _goal),
    "goal-update": Rule(
        Capability.EDIT_RECORD, lambda iom: factories.GoalUpdateFactory(goal=_goal(iom))
    ),
    "risk": Rule(Capability.EDIT_RECORD, _risk),
    "risk-assessment": Rule(
        Capability.EDIT_RECORD, lambda iom: factories.RiskAssessmentFactory(risk=_risk(iom))
    ),
    "document": Rule(Capability.EDIT_RECORD, lambda iom: iom.documents.first()),
    "budget-line": Rule(Capability.EDIT_FUNDING, _line),
    "disbursement": Rule(
        Capability.EDIT_FUNDING,
        lambda iom: funding_factories.DisbursementFactory(budget_line=_line(iom)),
    ),
    "exchange-rate": Rule(
        Capability.EDIT_FUNDING, lambda iom: funding_factories.ExchangeRateFactory(partnership=iom)
    ),
    "assessed-contribution": Rule(
        Capability.EDIT_FUNDING, lambda iom: _funded(iom).assessed_contributions.first()
    ),
    "voluntary-contribution": Rule(
        Capability.EDIT_FUNDING, lambda iom: _funded(iom).voluntary_contributions.first()
    ),
    "allocation": Rule(
        Capability.EDIT_FUNDING,
        lambda iom: funding_factories.AllocationFactory(
            budget_line=_line(iom, component=Component.PRIORITY_AREA_2)
        ),
    ),
    "review": Rule(Capability.EDIT_REVIEWS, _review),
    "report-version": Rule(
        Capability.EDIT_REVIEWS, lambda iom: review_factories.done_version(_review(iom))
    ),
    "goal-assessment": Rule(
        Capability.EDIT_REVIEWS,
        lambda iom: GoalAssessment.objects.create(
            review=_review(iom),
            goal=_goal(iom),
            rating="too_early",
            narrative="-",
            author=_author(),
        ),
    ),
    "priority-area-assessment": Rule(
        Capability.EDIT_REVIEWS,
        lambda iom: PriorityAreaAssessment.objects.create(
            review=_review(iom),
            priority_area=iom.priority_areas.first(),
            rating="too_early",
            narrative="-",
            author=_author(),
        ),
    ),
    "finding": Rule(
        Capability.EDIT_REVIEWS,
        lambda iom: Finding.objects.create(review=_review(iom), number=1, text="-"),
    ),
    "recommendation": Rule(
        Capability.EDIT_REVIEWS,
        lambda iom: Recommendation.objects.create(review=_review(iom), number=1, text="-"),
    ),
    "consultation": Rule(Capability.EDIT_CONSULTATIONS, _consultation),
    "agenda-item": Rule(Capability.EDIT_CONSULTATIONS, _extra_item),
    "note": Rule(
        Capability.EDIT_CONSULTATIONS,
        lambda iom: consultation_factories.NoteFactory(agenda_item=_extra_item(iom)),
        actions={"clear": Capability.CLEAR_NOTES},
    ),
    "action-point": Rule(
        Capability.EDIT_CONSULTATIONS,
        lambda iom: consultation_factories.ActionPointFactory(consultation=_consultation(iom)),
    ),
    "staff-position": Rule(
        Capability.EDIT_FUNDING, lambda iom: funding_factories.StaffPositionFactory(partnership=iom)
    ),
}

_ACTION_METHODS = {
    "list": "get",
    "retrieve": "get",
    "create": "post",
    "update": "put",
    "partial_update": "patch",
    "destroy": "delete",
}
_DETAIL_ACTIONS = {"retrieve", "update", "partial_update", "destroy"}


def _routes():
    """(basename, action, method, detail, url name) for every route the router serves."""
    for prefix, viewset, basename in router.registry:
        del prefix
        for action, method in _ACTION_METHODS.items():
            if hasattr(viewset, action) and method in viewset.http_method_names:
                name = f"{basename}-{'detail' if action in _DETAIL_ACTIONS else 'list'}"
                yield basename, action, method, action in _DETAIL_ACTIONS, name
        for extra in viewset.get_extra_actions():
            for method in extra.mapping:
                yield basename, extra.__name__, method, extra.detail, f"{basename}-{extra.url_name}"


ROUTES = sorted(set(_routes()))


def test_every_resource_has_a_rule():
    missing = {basename for _, _, basename in router.registry} - set(RULES)
    assert not missing, f"add the DESIGN.md rule of {sorted(missing)} to RULES"


def _expected(  # noqa: PLR0911 - one answer per row of the table
    role: str, rule: Rule, action: str, method: str, detail: bool
) -> set[int]:
    if role == "anonymous":
        return {401}
    safe = method == "get"
    capability = (rule.actions or {}).get(action) or (Capability.VIEW if safe else rule.write)
    if role == "outsider":
        if detail:
            return {404}
        if safe:
            return {200}
        # A desk officer elsewhere may write somewhere; this partnership's objects "do not
        # exist" for them, so an empty body is simply invalid.
        return {400}
    if role not in HOLDERS[capability]:
        return {403}
    if safe:
        return {200}
    if method == "delete":
        return {204}
    return {200, 201, 202, 400}


@pytest.mark.parametrize(("basename", "action", "method", "detail", "name"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(users, api_login, iom, basename, action, method, detail, name, role):
    rule = RULES[basename]
    obj = rule.make(iom)
    url = reverse(name, kwargs={"pk": obj.pk}) if detail else reverse(name)
    client = api_login(users.get(role))
    response = getattr(client, method)(url, {}, format="json")
    response.close()  # a download streams its file
    assert response.status_code in _expected(role, rule, action, method, detail), (
        role,
        method,
        url,
        response.status_code,
        response.content[:300],
    )
