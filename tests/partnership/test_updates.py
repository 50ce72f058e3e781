"""Edits of the record go through one update service per kind, whose list of fields the
forms and the serializers share: its rules hold on the page, in the API and elsewhere."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from partnership import forms, serializers, services
from partnership.models import OverallGoal
from tests import factories

SLUG = "denmark-iom-2018-2020"


@pytest.mark.parametrize(
    ("form", "serializer", "fields"),
    [
        (forms.PartnershipForm, serializers.PartnershipSerializer, services.PARTNERSHIP_FIELDS),
        (forms.PriorityAreaForm, serializers.PriorityAreaSerializer, services.PRIORITY_AREA_FIELDS),
        (forms.GoalForm, serializers.GoalSerializer, services.GOAL_FIELDS),
        (forms.RiskForm, serializers.RiskSerializer, services.RISK_FIELDS),
    ],
)
def test_the_page_and_the_api_edit_the_fields_the_service_edits(form, serializer, fields):
    writable = {
        name
        for name, field in serializer().fields.items()
        if not field.read_only and name != "reason"
    }
    assert set(form.base_fields) - {"reason"} == set(fields) == writable


def test_an_update_service_refuses_a_field_it_does_not_edit(desk, iom):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    with pytest.raises(TypeError, match="Not editable here: citation, number"):
        services.goal_update(goal=goal, by=desk, changes={"number": 10, "citation": "x"})
    goal.refresh_from_db()
    assert goal.number == 4


def test_an_update_made_outside_a_request_keeps_who_made_it_and_why(desk, iom):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    services.goal_update(goal=goal, by=desk, changes={"unit": "states"}, reason="Clearer unit")
    latest = goal.history.latest()
    assert (latest.unit, latest.history_user, latest.history_change_reason) == (
        "states",
        desk,
        "Clearer unit",
    )


def test_a_goal_cannot_move_to_a_priority_area_of_another_partnership(
    desk, api_login, iom, other_partnership
):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    before = goal.priority_area_id
    foreign = factories.PriorityAreaFactory(partnership=other_partnership)
    with pytest.raises(ValidationError) as error:
        services.goal_update(goal=goal, by=desk, changes={"priority_area": foreign})
    assert error.value.message_dict == {
        "priority_area": ["Choose a priority area of the goal's partnership."]
    }
    response = api_login(desk).patch(
        f"/api/v1/goals/{goal.pk}/", {"priority_area": foreign.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "priority_area": ["Choose a priority area of the goal's partnership."]
    }
    goal.refresh_from_db()
    assert goal.priority_area_id == before
