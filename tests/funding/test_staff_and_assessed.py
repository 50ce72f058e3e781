"""The staff register and the assessed contribution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding import services
from funding.models import AssessedContribution, BudgetLine, Component, StaffPosition


def _position(partnership, **fields):
    defaults = {
        "kind": "regular",
        "position": "Migration policy officer",
        "duty_station": "Geneva",
        "start_date": dt.date(2018, 9, 1),
    }
    return services.staff_position_create(partnership=partnership, **{**defaults, **fields})


def test_a_secondment_counts_against_its_secondments_line(funded):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    _position(funded, kind="secondment", budget_line=line, cost=Decimal("1500000"))
    with pytest.raises(ValidationError) as error:
        _position(funded, kind="secondment", budget_line=line, cost=Decimal("500000.01"))
    assert "DKK 500,000.00 is left" in error.value.message_dict["cost"][0]
    with pytest.raises(ValidationError) as error:
        _position(funded, kind="secondment", cost=Decimal(1))
    assert "budget_line" in error.value.message_dict


def test_jpos_are_outside_the_budget(funded):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    with pytest.raises(ValidationError) as error:
        _position(funded, kind="jpo", budget_line=line)
    assert "JPOs are outside the budget" in error.value.message_dict["budget_line"][0]
    jpo = _position(funded, kind="jpo", position="JPO, migration and development")
    assert jpo.budget_line is None
    assert StaffPosition.objects.count() == 1


def test_staff_page_shows_jpos_apart(funded, desk, auditor, login):
    _position(funded, kind="jpo", position="JPO in Addis Ababa", duty_station="Addis Ababa")
    page = login(auditor).get(f"/p/{funded.slug}/funding/staff/").content.decode()
    assert "outside the budget" in page
    assert "JPO in Addis Ababa" in page


def test_the_expected_assessed_contribution_is_computed_from_the_scale_and_budget(funded):
    c2018 = AssessedContribution.objects.get(partnership=funded, year=2018)
    # Footnote 15: CHF 50,690,324; footnote 24: 0,6293 % -> 318,994.21 ("approx. 319.000").
    assert c2018.administrative_budget == Decimal("50690324")
    assert c2018.scale_percent == Decimal("0.6293")
    assert c2018.expected_amount == Decimal("318994.21")
    assert c2018.stated_amount == Decimal("319000")
    assert c2018.paying_ministry == "Ministry of Immigration and Integration"
    assert "footnote 15" in c2018.citation
    c2017 = AssessedContribution.objects.get(partnership=funded, year=2017)
    assert c2017.administrative_budget is None
    assert c2017.expected_amount is None  # the 2017 budget is not stated: nothing is guessed


def test_invoiced_and_paid_are_recorded_with_history(funded, desk, login):
    response = login(desk).post(
        f"/p/{funded.slug}/funding/assessed-contributions/2018/edit/",
        {"invoiced": "318994.21", "paid": "318994.21", "reason": "Invoice C/2018/DK"},
    )
    assert response.status_code == 302
    c2018 = AssessedContribution.objects.get(partnership=funded, year=2018)
    assert c2018.paid == Decimal("318994.21")
    assert c2018.history.first().history_change_reason == "Invoice C/2018/DK"
    refused = login(desk).post(
        f"/p/{funded.slug}/funding/assessed-contributions/2018/edit/", {"invoiced": "-1"}
    )
    assert refused.status_code == 400
