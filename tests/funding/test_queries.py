"""Pinned query counts: they do not grow with the number of payments, rates, allocations,
staff positions or imported contributions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding import selectors
from funding.models import BudgetLine
from funding.models import Component
from funding.models import ContributionImport
from funding.models import StatedSubtotal
from funding.models import VoluntaryContribution
from tests.funding.factories import AllocationFactory
from tests.funding.factories import BudgetLineFactory
from tests.funding.factories import DisbursementFactory
from tests.funding.factories import ExchangeRateFactory
from tests.funding.factories import StaffPositionFactory
from tests.queries import cost_get
from tests.queries import count_get
from tests.queries import data_queries

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}/funding"


def _fill(partnership, user, n: int) -> None:
    """n more of every kind of row the pages list."""
    lines = {
        line.component: line
        for line in BudgetLine.objects.filter(partnership=partnership, year=2018)
    }
    record, _ = ContributionImport.objects.get_or_create(
        partnership=partnership, sha256="f" * 64, defaults={"filename": "extra.csv"}
    )
    start = VoluntaryContribution.objects.filter(project_code__startswith="XX").count()
    for i in range(start, start + n):
        DisbursementFactory(budget_line=lines[Component.CORE], created_by=user, amount=Decimal(1))
        ExchangeRateFactory(partnership=partnership, date=dt.date(2017, 1, 1) + dt.timedelta(i))
        AllocationFactory(budget_line=lines[Component.PRIORITY_AREA_1], country="ET")
        StaffPositionFactory(partnership=partnership)
        StaffPositionFactory(partnership=partnership, kind="jpo")
        VoluntaryContribution.objects.create(
            partnership=partnership, source_import=record, source_table="all_projects",
            source_row=i, project_code=f"XX{i:04d}", title="Extra", region=f"Region {i}",
            country=f"Country {i}", donor_unit=f"Unit {i}", year=2013 + i % 5,
            amount=Decimal(-5 if i % 2 else 7),
        )  # fmt: skip
        StatedSubtotal.objects.create(
            partnership=partnership, source_import=record, source_table="all_projects",
            source_row=i, level="region", name=f"Region {i}", region=f"Region {i}",
            amount=Decimal(7),
        )  # fmt: skip


PINNED = {
    # Each page: the data version of its key (core.caching.cached_page), one more than
    # before pages were cached.
    # the dashboard: its funding summary (the first years, the totals), the first reviews
    # due, the data version, what needs attention (one query per rule)
    "/p/denmark-iom-2018-2020/": 21,
    f"{P}/": 6,  # a page of its years, and the totals of all of them
    f"{P}/lines/{{line}}/": 10,  # a page of its payments: their count, then the page
    f"{P}/exchange-rates/": 6,
    f"{P}/assessed-contributions/": 6,
    # the filters' options in one query; the projects' count and their page
    f"{P}/voluntary-contributions/": 13,
    f"{P}/voluntary-contributions/?region=Region+0": 13,
    # the donor breakdown (which units each group holds), the comparisons of each kind,
    # their count and their page: the detail rows are summed in the database
    f"{P}/voluntary-contributions/reconciliation/": 8,
    # the allocations' count and their page; the earmarked lines' count and their page of
    # years; the picker's lines, of one year (the countries suggested are those of the
    # list in force for that year: no query)
    f"{P}/allocations/": 9,
    f"{P}/allocations/{{allocation}}/edit/": 5,
    f"{P}/years/2020/commit/": 5,
    f"{P}/lines/{{line}}/close/": 5,
    f"{P}/lines/{{line}}/rate/?currency=USD&value_date=2018-06-01&amount=10": 5,
    f"{P}/exchange-rates/{{rate}}/edit/": 5,  # with the payments that used the rate
    f"{P}/staff/{{position}}/edit/": 5,
    f"{P}/assessed-contributions/new/": 5,
    # each kind's positions: their count and their page (read for a kind with none too);
    # the secondments lines' count and their page; the form's line, of one year
    f"{P}/staff/": 13,
    f"{P}/export/disbursements.csv": 4,
    f"{P}/export/staff-positions.xlsx": 4,
    "/api/v1/budget-lines/": 5,
    "/api/v1/disbursements/": 5,
    "/api/v1/exchange-rates/": 5,
    "/api/v1/assessed-contributions/": 5,
    "/api/v1/voluntary-contributions/": 5,
    "/api/v1/voluntary-contributions/reconciliation/": 5,
    "/api/v1/allocations/": 5,
    "/api/v1/staff-positions/": 5,
}


@pytest.mark.parametrize("url", sorted(PINNED))
def test_query_count_is_pinned_and_does_not_grow(funded, desk, login, api_login, url):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    client = api_login(desk) if url.startswith("/api/") else login(desk)
    target = url.format(
        line=line.pk,
        allocation=AllocationFactory(
            budget_line=line.partnership.budget_lines.get(
                year=2018, component=Component.PRIORITY_AREA_1
            )
        ).pk,
        rate=ExchangeRateFactory(partnership=funded, date=dt.date(2016, 1, 1)).pk,
        position=StaffPositionFactory(partnership=funded).pk,
    )
    _fill(funded, desk, 1)
    few = count_get(client, target)
    _fill(funded, desk, 4)
    many = count_get(client, target)
    assert few == many == PINNED[url], (few, many)


@pytest.mark.parametrize("url", [f"{P}/", f"{P}/allocations/", f"{P}/staff/"])
def test_a_repeated_read_comes_from_the_page_cache(funded, desk, login, url):
    client = login(desk)
    count_get(client, url)
    # The session, the user and the data version: the page comes whole from the cache.
    assert count_get(client, url) == 3


def test_the_review_reports_budget_selector_is_one_query(funded, desk):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    DisbursementFactory(budget_line=line, created_by=desk, amount=Decimal(100))
    with CaptureQueriesContext(connection) as captured:
        budget = selectors.budget_by_year_and_component(partnership=funded)
        rows = [(c.year, c.component, c.planned, c.committed, c.disbursed)
                for y in budget.years for c in y.cells]  # fmt: skip
    assert len(data_queries(captured)) == 1
    assert len(rows) == 12
    assert (2018, "core", Decimal(15_000_000), Decimal(15_000_000), Decimal(100)) in rows
    assert (2019, "core", Decimal(15_000_000), Decimal(0), Decimal(0)) in rows


def _more(partnership, user, n: int, start: int) -> None:
    """n more of what the paged lists hold, within what a page's other lists show: a year
    of budget lines, payments on one line, rates, allocations to one country, contributions
    of one region, country and donor unit (a project each, every other a refund), imports."""
    line = BudgetLine.objects.get(partnership=partnership, year=2018, component=Component.CORE)
    pa1 = BudgetLine.objects.get(
        partnership=partnership, year=2018, component=Component.PRIORITY_AREA_1
    )
    for i in range(start, start + n):
        year = partnership.end_date.year + 1
        partnership.end_date = partnership.end_date.replace(year=year)
        partnership.save(update_fields=["end_date"])
        BudgetLineFactory(partnership=partnership, year=year, component=Component.CORE)
        DisbursementFactory(budget_line=line, created_by=user, amount=Decimal(1))
        ExchangeRateFactory(partnership=partnership, date=dt.date(2010, 1, 1) + dt.timedelta(i))
        AllocationFactory(budget_line=pa1, country="ET")
        for kind in ("regular", "secondment", "jpo"):
            StaffPositionFactory(partnership=partnership, kind=kind)
        record = ContributionImport.objects.create(
            partnership=partnership, sha256=f"{i:064d}", filename=f"more-{i}.csv"
        )
        VoluntaryContribution.objects.create(
            partnership=partnership, source_import=record, source_table="all_projects",
            source_row=i, project_code=f"ZZ{i:04d}", title="More", region="Region Z",
            country="Country Z", donor_unit="Unit Z", year=2013,
            amount=Decimal(-5 if i % 2 else 7),
        )  # fmt: skip
        StatedSubtotal.objects.create(
            partnership=partnership, source_import=record, source_table="all_projects",
            source_row=i, level="project", name=f"ZZ{i:04d}", project_code=f"ZZ{i:04d}",
            country="Country Z", donor_unit="Unit Z", amount=Decimal(7 if i % 3 else 9),
        )  # fmt: skip


PAGED = [
    f"{P}/",
    f"{P}/lines/{{line}}/",
    f"{P}/exchange-rates/",
    f"{P}/allocations/",
    f"{P}/voluntary-contributions/",
    f"{P}/voluntary-contributions/?region=Region+Z",
    f"{P}/voluntary-contributions/?page=2",
    f"{P}/voluntary-contributions/reconciliation/",
    f"{P}/voluntary-contributions/reconciliation/?show=all&page=2",
    f"{P}/staff/",
    f"{P}/staff/?secondment-page=2&regular-page=3",
]


@pytest.mark.parametrize("url", PAGED)
def test_a_paged_page_reads_the_same_rows_with_a_page_and_with_ten_times_as_much(
    funded, desk, login, monkeypatch, url
):
    """Pages of two: the first filling has more than a page's rows of every list, the
    second ten times as many; the page reads the same rows (and makes the same queries)
    with both."""
    from funding import selectors as funding_selectors
    from funding import views

    for size in (
        "YEARS_PER_PAGE", "PAYMENTS_PER_PAGE", "RATES_PER_PAGE", "ALLOCATIONS_PER_PAGE",
        "PROJECTS_PER_PAGE", "IMPORTS_SHOWN", "FINDINGS_PER_PAGE", "POSITIONS_PER_PAGE",
    ):  # fmt: skip
        monkeypatch.setattr(views, size, 2)
    monkeypatch.setattr(funding_selectors, "REFUNDS_LISTED", 2)
    client = login(desk)
    target = url.format(
        line=BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE).pk
    )
    _more(funded, desk, 10, 0)  # years to 2030: this year's page of years is a full one
    few = cost_get(client, target)
    _more(funded, desk, 90, 10)
    many = cost_get(client, target)
    assert few == many, (few, many)


@pytest.mark.parametrize(
    "url",
    [
        f"{P}/allocations/",
        f"{P}/allocations/?lines-page=2",
        f"{P}/allocations/?year=2019",
        f"{P}/allocations/{{allocation}}/edit/",
        f"{P}/staff/",
        f"{P}/staff/?lines-page=2",
        f"{P}/staff/?year=2020",
        f"{P}/staff/{{position}}/edit/",
    ],
)
def test_the_lines_tables_and_pickers_read_the_same_rows_with_ten_times_the_years(
    funded, desk, login, monkeypatch, url
):
    """The earmarked lines' allocations and the secondments lines' costs, a page of years
    at a time (two years a page here), and the forms' budget-line pickers, which offer the
    lines of one year: an agreement of six years, then of sixty, reads the same rows."""
    from funding import views

    monkeypatch.setattr(views, "YEARS_PER_PAGE", 2)
    pa1 = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.PRIORITY_AREA_1)
    target = url.format(
        allocation=AllocationFactory(budget_line=pa1).pk,
        position=StaffPositionFactory(partnership=funded).pk,
    )

    def add_years(n):
        for _ in range(n):
            year = funded.end_date.year + 1
            funded.end_date = funded.end_date.replace(year=year)
            funded.save(update_fields=["end_date"])
            for component in (
                Component.PRIORITY_AREA_1, Component.PRIORITY_AREA_2, Component.SECONDMENTS,
            ):  # fmt: skip
                BudgetLineFactory(partnership=funded, year=year, component=component)

    client = login(desk)
    add_years(3)
    few = cost_get(client, target)
    add_years(54)
    many = cost_get(client, target)
    assert few == many, (few, many)


def test_the_staff_page_makes_the_same_queries_with_no_position_and_with_some_of_each(
    funded, desk, login
):
    client = login(desk)
    empty = cost_get(client, f"{P}/staff/")
    for kind in ("regular", "secondment", "jpo"):
        StaffPositionFactory(partnership=funded, kind=kind)
    some = cost_get(client, f"{P}/staff/")
    assert empty[0] == some[0] == PINNED[f"{P}/staff/"]
