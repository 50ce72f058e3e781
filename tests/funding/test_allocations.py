"""Earmarked allocations and the DAC list in force for the year."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding import dac, services
from funding.models import Allocation, BudgetLine, Component


def test_the_shipped_dac_list_has_every_country_with_its_income_group():
    with dac.LIST_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(dac.recipients()) == 143
    assert Counter(r["income_group"] for r in rows) == {
        "Least Developed Countries": 47,
        "Other Low Income Countries": 2,
        "Lower Middle Income Countries and Territories": 37,
        "Upper Middle Income Countries and Territories": 57,
    }
    assert dac.recipient("ET").income_group == "Least Developed Countries"


def test_the_cook_islands_are_on_the_list_for_2018_and_2019_but_not_2020():
    assert dac.eligible("CK", 2018)
    assert dac.eligible("CK", 2019)
    assert not dac.eligible("CK", 2020)
    assert "1 January 2020" in dac.recipient("CK").graduation_source


@pytest.fixture
def pa2(funded, desk):
    lines = BudgetLine.objects.filter(partnership=funded, component=Component.PRIORITY_AREA_2)
    for line in lines.exclude(year=2018):
        services.budget_line_commit(budget_line=line, finance_act_reference="FL", by=desk)
    return {line.year: line for line in lines}


def _allocate(line, country, amount="100000"):
    return services.allocation_create(
        budget_line=line, country=country, amount=Decimal(amount), description="Border management"
    )


def test_an_allocation_to_a_country_on_the_list_is_accepted(pa2):
    allocation = _allocate(pa2[2018], "et")
    assert _allocate(pa2[2018], "XK").country == "XK"  # Kosovo, on the list by its user code
    assert allocation.country == "ET"
    assert _allocate(pa2[2019], "CK").country == "CK"


def test_an_allocation_to_a_country_off_the_list_is_refused_naming_country_list_and_year(pa2):
    with pytest.raises(ValidationError) as error:
        _allocate(pa2[2018], "DK")
    assert error.value.message_dict["country"] == [
        "Denmark (DK) is not on the DAC List of ODA Recipients 2018–2020 in force for 2018: "
        "earmarked money may only go to countries on it."
    ]
    with pytest.raises(ValidationError) as error:
        _allocate(pa2[2018], "QQ")
    assert error.value.message_dict["country"] == ["QQ is not an ISO 3166 alpha-2 country code."]
    with pytest.raises(ValidationError) as error:
        _allocate(pa2[2020], "CK")
    assert error.value.message_dict["country"] == [
        "Cook Islands (CK) is not on the DAC List of ODA Recipients 2018–2020 in force for "
        "2020: it graduated with effect from 1 January 2020."
    ]
    assert not Allocation.objects.exists()


def test_allocations_only_from_earmarked_lines_and_within_their_amount(funded, pa2):
    core = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    with pytest.raises(ValidationError) as error:
        _allocate(core, "ET")
    assert "budget_line" in error.value.message_dict
    _allocate(pa2[2018], "ET", "3000000")
    with pytest.raises(ValidationError) as error:
        _allocate(pa2[2018], "BD", "1000000.01")
    assert "DKK 1,000,000.00 is not yet allocated" in error.value.message_dict["amount"][0]


def test_allocation_page_shows_the_refusal_at_the_country_field(pa2, desk, login):
    response = login(desk).post(
        f"/p/{pa2[2020].partnership.slug}/funding/allocations/",
        {"budget_line": pa2[2020].pk, "country": "CK", "amount": "1000", "description": "x"},
    )
    assert response.status_code == 400
    assert "Cook Islands (CK) is not on the DAC List" in response.content.decode()
    assert not Allocation.objects.exists()
