"""Edits of the record go through one update service per kind, whose list of fields the
forms and the serializers share: its rules hold on the page, in the API and elsewhere."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from partnership import forms
from partnership import serializers
from partnership import services
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


def _edit_form_data(client) -> dict:
    """The agreement's edit form as the page fills it in."""
    initial = client.get(f"/p/{SLUG}/edit/").context["form"].initial
    return {field: value for field, value in initial.items() if value is not None}


def test_a_negative_annual_amount_is_refused_at_the_field_on_the_page(desk, login, iom):
    client = login(desk)
    response = client.post(f"/p/{SLUG}/edit/", {**_edit_form_data(client), "annual_amount": "-5"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"annual_amount": ["Ensure this value is greater than or equal to 0."]}
    assert "is violated" not in response.content.decode()
    iom.refresh_from_db()
    assert iom.annual_amount == Decimal("25000000.00")


def test_a_negative_annual_amount_is_a_400_at_the_field_in_the_api(desk, api_login, iom):
    response = api_login(desk).patch(
        f"/api/v1/partnerships/{iom.pk}/", {"annual_amount": "-5"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "annual_amount": ["Ensure this value is greater than or equal to 0."]
    }
    iom.refresh_from_db()
    assert iom.annual_amount == Decimal("25000000.00")


def test_the_update_service_refuses_a_negative_annual_amount_at_the_field(desk, iom):
    with pytest.raises(ValidationError) as error:
        services.partnership_update(
            partnership=iom, by=desk, changes={"annual_amount": Decimal(-5)}
        )
    assert error.value.message_dict == {
        "annual_amount": ["Ensure this value is greater than or equal to 0."]
    }


def test_a_signature_of_1700_is_refused_at_the_field_on_the_page_and_in_the_api(
    desk, login, api_login, iom
):
    out_of_range = ["Give a date from 1 January 1945 to 31 December 2100."]
    client = login(desk)
    response = client.post(
        f"/p/{SLUG}/edit/", {**_edit_form_data(client), "signature_date": "1700-01-01"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"signature_date": out_of_range}
    api = api_login(desk).patch(
        f"/api/v1/partnerships/{iom.pk}/",
        {"signature_date": "1700-01-01", "start_date": "1700-01-01"},
        format="json",
    )
    assert (api.status_code, api.json()) == (
        400,
        {"signature_date": out_of_range, "start_date": out_of_range},
    )
    signed, started = iom.signature_date, iom.start_date
    iom.refresh_from_db()
    assert (iom.signature_date, iom.start_date) == (signed, started)


def test_the_page_refuses_a_status_that_moves_back_at_the_field(desk, login, iom):
    """As the service does: the rule reads the stored status, not the form's instance."""
    client = login(desk)
    response = client.post(f"/p/{SLUG}/edit/", {**_edit_form_data(client), "status": "draft"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "status": [
            f"{iom.title} is active: it cannot become draft. A draft becomes active, an "
            "active partnership closed."
        ]
    }
    iom.refresh_from_db()
    assert iom.status == "active"
