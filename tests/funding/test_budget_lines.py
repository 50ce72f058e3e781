"""Section 5's budget lines and their lifecycle."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.html import strip_tags

from funding import selectors
from funding import services
from funding.models import BudgetLine
from funding.models import BudgetLineTransition
from funding.models import Component

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
        (2018, "committed", "Finance Bill for 2018"),
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


def _commit_year(partnership, user, year=2019, reference="Finance Act for 2019", reason="Adopted"):
    return services.budget_year_commit(
        partnership=partnership,
        year=year,
        finance_act_reference=reference,
        reason=reason,
        by=user,
    )


def test_committing_a_year_needs_a_finance_act_and_a_reason_and_records_who_and_when(funded, desk):
    with pytest.raises(ValidationError) as error:
        _commit_year(funded, desk, reference="  ", reason=" ")
    assert set(error.value.message_dict) == {"finance_act_reference", "reason"}
    with pytest.raises(ValidationError) as error:
        _commit_year(funded, desk, reason="x" * 101)
    assert "within 100 characters (it has 101)" in error.value.message_dict["reason"][0]
    assert not BudgetLine.objects.filter(year=2019).exclude(status="indicative").exists()

    lines = _commit_year(funded, desk, reason="Finance Act adopted 20 December 2018")
    assert [line.component for line in lines] == sorted(SECTION_5)
    for line in BudgetLine.objects.filter(partnership=funded, year=2019):
        assert (line.status, line.finance_act_reference) == ("committed", "Finance Act for 2019")
        assert line.history.first().history_change_reason == "Finance Act adopted 20 December 2018"
        step = BudgetLineTransition.objects.get(budget_line=line)
        assert (step.from_status, step.to_status, step.by) == ("indicative", "committed", desk)
        assert step.note == "Finance Act adopted 20 December 2018"
    assert not BudgetLine.objects.filter(year=2020).exclude(status="indicative").exists()


def test_a_year_with_nothing_left_to_commit_is_refused(funded, desk):
    with pytest.raises(ValidationError) as error:
        _commit_year(funded, desk, year=2018, reference="Finance Bill for 2018")
    assert error.value.message_dict["year"] == [
        "No line of 2018 awaits approval: its lines are committed already."
    ]
    with pytest.raises(ValidationError) as error:
        _commit_year(funded, desk, year=2021)
    assert error.value.message_dict["year"] == ["The agreement runs 2018–2020."]


def test_committing_a_year_is_all_or_nothing(funded, desk):
    # The third line (in section 5's order) cannot be committed: none of them is.
    BudgetLine.objects.filter(
        partnership=funded, year=2019, component=Component.PRIORITY_AREA_2
    ).update(currency="USD")
    with pytest.raises(ValidationError) as error:
        _commit_year(funded, desk)
    assert error.value.message_dict == {"currency": ["Budget lines are in DKK."]}
    assert set(
        BudgetLine.objects.filter(partnership=funded, year=2019).values_list("status", flat=True)
    ) == {"indicative"}
    assert not BudgetLineTransition.objects.exists()


@pytest.mark.parametrize(
    ("start", "allowed"), [("indicative", False), ("committed", True), ("closed", False)]
)
def test_only_a_committed_line_can_be_closed(funded, desk, start, allowed):
    line = BudgetLine.objects.get(partnership=funded, year=2020, component=Component.SECONDMENTS)
    if start != "indicative":
        _commit_year(funded, desk, year=2020, reference="FL 2020")
    if start == "closed":
        services.budget_line_close(budget_line=line, by=desk, reason="Paid in full")
    before = BudgetLineTransition.objects.count()
    if allowed:
        services.budget_line_close(budget_line=line, by=desk, reason="Paid in full")
        line.refresh_from_db()
        assert line.status == "closed"
        assert BudgetLineTransition.objects.count() == before + 1
    else:
        with pytest.raises(ValidationError) as error:
            services.budget_line_close(budget_line=line, by=desk, reason="Paid in full")
        assert "status" in error.value.message_dict
        line.refresh_from_db()
        assert line.status == start
        assert BudgetLineTransition.objects.count() == before


def test_closing_needs_a_reason(funded, desk):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    with pytest.raises(ValidationError) as error:
        services.budget_line_close(budget_line=line, by=desk, reason="")
    assert error.value.message_dict["reason"] == [
        "Give a reason: it is kept with the change history."
    ]
    line.refresh_from_db()
    assert line.status == "committed"


def test_a_committed_line_needs_its_finance_act_in_the_database(funded):
    from django.db import IntegrityError
    from django.db import transaction

    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(finance_act_reference="")


def test_funding_page_shows_the_difference_when_components_do_not_add_up(funded, desk, login):
    line = BudgetLine.objects.get(partnership=funded, year=2019, component=Component.CORE)
    BudgetLine.objects.filter(pk=line.pk).update(amount=Decimal("14000000"))
    page = login(desk).get(f"/p/{funded.slug}/funding/").content.decode()
    assert "Differs by −1,000,000" in page
    assert page.count("Adds up") == 2


def test_the_year_commit_page_says_what_it_will_commit_and_commits_all_with_the_reason(
    funded, desk, login
):
    client = login(desk)
    url = f"/p/{funded.slug}/funding/years/2019/commit/"
    page = client.get(url).content.decode()
    assert "Commit the budget lines of 2019" in page
    for label, amount in (
        ("2019 · Core funds (un-earmarked)", "DKK 15,000,000.00"),
        ("2019 · Priority area 1 (thematically earmarked)", "DKK 4,000,000.00"),
        ("2019 · Priority area 2 (thematically earmarked)", "DKK 4,000,000.00"),
        (
            "2019 · Personnel component, i.e. secondments, not including JPO's",
            "DKK 2,000,000.00",
        ),
    ):
        assert f"Commit {escape(label)}: {amount}." in page
    assert "In all DKK 25,000,000.00" in page
    assert "Commit the 4 lines of 2019" in page

    refused = client.post(url, {"finance_act_reference": "Finance Act for 2019", "reason": ""})
    assert refused.status_code == 400
    assert "Give a reason: it is kept with the change history." in refused.content.decode()
    assert set(BudgetLine.objects.filter(year=2019).values_list("status", flat=True)) == {
        "indicative"
    }

    done = client.post(
        url, {"finance_act_reference": "Finance Act for 2019", "reason": "Act adopted 20 Dec"}
    )
    assert done.status_code == 302
    assert set(BudgetLine.objects.filter(year=2019).values_list("status", flat=True)) == {
        "committed"
    }
    line = BudgetLine.objects.get(year=2019, component=Component.PRIORITY_AREA_1)
    detail = client.get(line.get_absolute_url()).content.decode()
    assert "Act adopted 20 Dec" in detail  # the step taken and the line's history
    # The line page offers no commit form of its own: a year is committed as a whole.
    indicative = BudgetLine.objects.get(year=2020, component=Component.CORE)
    page = client.get(indicative.get_absolute_url()).content.decode()
    assert 'name="finance_act_reference"' not in page
    assert f"/p/{funded.slug}/funding/years/2020/commit/" in page
    overview = client.get(f"/p/{funded.slug}/funding/").content.decode()
    assert "Commit 2020…" in overview
    assert "Commit 2019…" not in overview


@pytest.mark.parametrize(("year", "status"), [(2018, "Committed"), (2020, "Indicative")])
def test_a_line_page_says_its_status_once(funded, desk, login, year, status):
    line = BudgetLine.objects.get(partnership=funded, year=year, component=Component.CORE)
    page = login(desk).get(line.get_absolute_url()).content.decode()
    shown = re.search(r"<dt>Status</dt><dd>(.*?)</dd>", page, re.DOTALL)
    assert shown is not None
    assert strip_tags(shown[1]).split() == [status]


def test_the_close_page_says_what_is_unpaid_and_closes_with_the_reason(funded, desk, login):
    client = login(desk)
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    url = f"{line.get_absolute_url()}close/"
    page = client.get(url).content.decode()
    assert "DKK 2,000,000.00 of this line is unpaid" in page
    assert "A closed line cannot be reopened." in page
    assert client.post(url, {"reason": ""}).status_code == 400
    line.refresh_from_db()
    assert line.status == "committed"
    assert client.post(url, {"reason": "No secondment in 2018"}).status_code == 302
    line.refresh_from_db()
    assert line.status == "closed"
    assert line.history.first().history_change_reason == "No secondment in 2018"
    assert "No secondment in 2018" in client.get(line.get_absolute_url()).content.decode()


def test_commit_and_close_through_the_api(funded, desk, geneva, api_login):
    client = api_login(desk)
    missing = client.post(
        "/api/v1/budget-lines/commit-year/",
        {"partnership": funded.slug, "year": 2019, "finance_act_reference": "FL 2019"},
        format="json",
    )
    assert missing.status_code == 400
    assert missing.json() == {"reason": ["Give a reason: it is kept with the change history."]}
    body = {
        "partnership": funded.slug,
        "year": 2019,
        "finance_act_reference": "FL 2019",
        "reason": "Act adopted",
    }
    assert (
        api_login(geneva).post("/api/v1/budget-lines/commit-year/", body, format="json").status_code
        == 403
    )
    done = client.post("/api/v1/budget-lines/commit-year/", body, format="json")
    assert done.status_code == 200
    assert [(r["year"], r["status"], r["finance_act_reference"]) for r in done.json()] == [
        (2019, "committed", "FL 2019")
    ] * 4
    again = client.post("/api/v1/budget-lines/commit-year/", body, format="json")
    assert again.status_code == 400
    assert "year" in again.json()

    line = BudgetLine.objects.get(partnership=funded, year=2019, component=Component.CORE)
    close = f"/api/v1/budget-lines/{line.pk}/close/"
    assert client.post(close, {}, format="json").json() == {
        "reason": ["Give a reason: it is kept with the change history."]
    }
    closed = client.post(close, {"reason": "Paid in full"}, format="json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert line.history.first().history_change_reason == "Paid in full"


def test_a_lines_label_is_its_year_and_component_in_the_readers_language():
    """Each row of the allocations and staff tables shows a line's label: the component's
    name alone is translated (not every component's, as get_component_display would)."""
    from django.utils import translation

    line = BudgetLine(year=2019, component=Component.SECONDMENTS)
    assert line.label == "2019 · Personnel component, i.e. secondments, not including JPO's"
    with translation.override("da"):
        assert line.label == "2019 · Personalekomponent, dvs. udstationeringer, ekskl. JPO'er"
    assert BudgetLine(year=2019, component="retired").label == "2019 · retired"


def test_the_secondments_line_is_named_as_the_strategys_budget_table_names_it(funded):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.SECONDMENTS)
    # Section 5, the table's fourth row.
    assert line.get_component_display() == (
        "Personnel component, i.e. secondments, not including JPO's"
    )
