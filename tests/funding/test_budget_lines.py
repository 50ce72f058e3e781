"""Section 5's budget lines and their lifecycle."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding import selectors, services
from funding.models import BudgetLine, BudgetLineTransition, Component

MILLION = Decimal(1_000_000)
# Section 5: "Core funds (un-earmarked) 15 / Priority area 1 4 / Priority area 2 4 /
# Personnel component ... 2 / Total 25" for each of 2018, 2019*, 2020*.
SECTION_5 = {
    Component.CORE: 15,
    Component.PRIORITY_AREA_1: 4,
    Component.PRIORITY_AREA_2: 4,
    Component.SECONDMENTS: 2,
}


def test_the_twelve_lines_of_section_5(funded):
    lines = list(BudgetLine.objects.filter(partnership=funded))
    assert len(lines) == 12
    for line in lines:
        assert line.amount == SECTION_5[line.component] * MILLION
        assert line.currency == "DKK"
        assert line.citation.startswith("Section 5")
    assert sorted({line.year for line in lines}) == [2018, 2019, 2020]


def test_each_year_adds_up_to_the_agreements_25_million(funded):
    budget = selectors.budget_by_year_and_component(partnership=funded)
    assert [y.year for y in budget.years] == [2018, 2019, 2020]
    for year in budget.years:
        assert year.planned == 25 * MILLION == funded.annual_amount
        assert year.adds_up
    assert budget.planned == 75 * MILLION


def test_2018_is_committed_under_the_finance_act_and_later_years_are_indicative(funded):
    statuses = {
        (line.year, line.status, line.finance_act_reference)
        for line in BudgetLine.objects.filter(partnership=funded)
    }
    assert statuses == {
        (2018, "committed", "Finance Act for 2018"),
        (2019, "indicative", ""),
        (2020, "indicative", ""),
    }
    line_2018 = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    assert "Section 4.1" in line_2018.citation
    assert "Finance Bill for 2018" in line_2018.citation


def test_budget_selector_reports_committed_only_for_approved_lines(funded):
    budget = selectors.budget_by_year_and_component(partnership=funded)
    assert [y.committed for y in budget.years] == [25 * MILLION, 0, 0]
    assert [y.disbursed for y in budget.years] == [0, 0, 0]


def test_commit_needs_a_finance_act_and_records_who_and_when(funded, desk):
    line = BudgetLine.objects.get(partnership=funded, year=2019, component=Component.CORE)
    with pytest.raises(ValidationError) as error:
        services.budget_line_commit(budget_line=line, finance_act_reference="  ", by=desk)
    assert "finance_act_reference" in error.value.message_dict
    line.refresh_from_db()
    assert line.status == "indicative"

    services.budget_line_commit(
        budget_line=line, finance_act_reference="Finance Act for 2019", by=desk
    )
    line.refresh_from_db()
    assert (line.status, line.finance_act_reference) == ("committed", "Finance Act for 2019")
    step = BudgetLineTransition.objects.get(budget_line=line)
    assert (step.from_status, step.to_status, step.by) == ("indicative", "committed", desk)
    assert step.at is not None


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("indicative", "committed", True),
        ("indicative", "closed", False),
        ("committed", "closed", True),
        ("committed", "committed", False),
        ("closed", "committed", False),
        ("closed", "closed", False),
    ],
)
def test_only_the_lifecycle_transitions_are_allowed(funded, desk, start, target, allowed):
    line = BudgetLine.objects.get(partnership=funded, year=2020, component=Component.SECONDMENTS)
    if start != "indicative":
        services.budget_line_commit(budget_line=line, finance_act_reference="FL 2020", by=desk)
    if start == "closed":
        services.budget_line_close(budget_line=line, by=desk)
    before = BudgetLineTransition.objects.count()
    act = (
        (lambda: services.budget_line_commit(
            budget_line=line, finance_act_reference="FL 2020", by=desk
        ))
        if target == "committed"
        else (lambda: services.budget_line_close(budget_line=line, by=desk))
    )  # fmt: skip
    if allowed:
        act()
        line.refresh_from_db()
        assert line.status == target
        assert BudgetLineTransition.objects.count() == before + 1
    else:
        with pytest.raises(ValidationError) as error:
            act()
        assert "status" in error.value.message_dict
        line.refresh_from_db()
        assert line.status == start
        assert BudgetLineTransition.objects.count() == before


def test_a_committed_line_needs_its_finance_act_in_the_database(funded):
    from django.db import IntegrityError, transaction

    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(finance_act_reference="")


def test_funding_page_shows_the_difference_when_components_do_not_add_up(funded, desk, login):
    line = BudgetLine.objects.get(partnership=funded, year=2019, component=Component.CORE)
    services.budget_line_update_amount(budget_line=line, amount=Decimal("14000000"), reason="x")
    page = login(desk).get(f"/p/{funded.slug}/funding/").content.decode()
    assert "Differs by −1,000,000" in page
    assert page.count("Adds up") == 2


def test_desk_officer_commits_and_closes_on_the_line_page(funded, desk, login):
    client = login(desk)
    line = BudgetLine.objects.get(
        partnership=funded, year=2019, component=Component.PRIORITY_AREA_1
    )
    url = f"/p/{funded.slug}/funding/lines/{line.pk}/"
    client.post(f"{url}commit/", {"finance_act_reference": "Finance Act for 2019"})
    client.post(f"{url}close/", {"note": "All paid"})
    line.refresh_from_db()
    assert line.status == "closed"
    page = client.get(url).content.decode()
    assert "Finance Act for 2019" in page
    assert "All paid" in page
    assert "desk" in page


def test_the_amount_of_a_committed_line_is_fixed(funded):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    with pytest.raises(ValidationError) as error:
        services.budget_line_update_amount(budget_line=line, amount=Decimal(1))
    assert "amount" in error.value.message_dict
