"""Pinned query counts of the IATI pages, files and API reads: the same with few and with
many payments, allocations, imports and imported transactions. (The API lists are pinned
with every other list in tests/api/test_list_queries.py.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funding.models import BudgetLine
from funding.models import Component
from tests.funding.factories import AllocationFactory
from tests.funding.factories import DisbursementFactory
from tests.funding.factories import ExchangeRateFactory
from tests.iati.iatifiles import IOM
from tests.iati.iatifiles import Act
from tests.iati.iatifiles import Tx
from tests.iati.iatifiles import activity_file
from tests.iati.planted import import_bytes
from tests.queries import cost_get
from tests.queries import count_get

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}/iati"
A = f"/api/v1/partnerships/{SLUG}/iati"

# Session, user and the partnership (with the reader's role in it) are three; then what
# each reads. A file built afresh (after every write, here) reads the data version, the
# four histories and the areas, lines, commitments, payments and allocations; a
# partnership's own file reads the data version once more and records its check. The
# overview shows the files' last checks (with the data version, to say whether the records
# changed since) and lists the imports: it builds neither file.
PINNED = {
    # Each page: + the data version of its key (core.caching.cached_page).
    f"{P}/": 6,
    f"{P}/activities.xml": 15,
    f"{P}/organisation.xml": 15,
    # the first and last years of the payments and of the receipts; then, for a page of
    # years: rates, payments, receipts, latest import
    f"{P}/reconciliation/": 10,
    f"{P}/data/": 7,  # count, page, latest import
    f"{P}/import/": 4,
    "/iati/activities.xml": 13,
    f"{A}/activities.xml": 15,
    f"{A}/reconciliation/": 7,
}


def _fill(partnership, user, start: int, n: int) -> None:
    lines = {
        line.component: line
        for line in BudgetLine.objects.filter(partnership=partnership, year=2018)
    }
    for i in range(start, start + n):
        DisbursementFactory(
            budget_line=lines[Component.CORE],
            created_by=user,
            amount=Decimal(1),
            value_date=dt.date(2018, 1, 1) + dt.timedelta(days=i),
        )
        AllocationFactory(budget_line=lines[Component.PRIORITY_AREA_1], country="ET")
        import_bytes(
            partnership,
            activity_file(
                Act(f"{IOM}-Q{i}", [Tx(dt.date(2018, 2, 1) + dt.timedelta(days=i), "5.00")])
            ),
            filename=f"q{i}.xml",
        )


@pytest.mark.parametrize("url", sorted(PINNED))
def test_query_count_is_pinned_and_does_not_grow(funded, desk, login, api_login, url):
    client = api_login(desk) if url.startswith("/api/") else login(desk)
    _fill(funded, desk, 0, 1)
    few = count_get(client, url)
    _fill(funded, desk, 1, 5)
    many = count_get(client, url)
    assert few == many == PINNED[url], (few, many)


@pytest.mark.parametrize("url", [f"{P}/"])
def test_a_page_reads_the_same_rows_with_five_times_as_much(funded, desk, login, url):
    """Payments, allocations and imports: eleven of each, then thirty. The overview shows
    the files' last checks (made here by downloading them) and the latest ten imports."""
    client = login(desk)
    _fill(funded, desk, 0, 11)
    client.get(f"{P}/activities.xml")
    client.get(f"{P}/organisation.xml")
    few = cost_get(client, url)
    _fill(funded, desk, 11, 19)
    client.get(f"{P}/activities.xml")
    client.get(f"{P}/organisation.xml")
    many = cost_get(client, url)
    assert few == many, (few, many)


def _years_of_activity(partnership, user, years: range) -> None:
    """A payment, its receipt (a week later) and a dollar rate in each of ``years``."""
    line = BudgetLine.objects.get(partnership=partnership, year=2018, component=Component.CORE)
    acts = []
    for year in years:
        paid = dt.date(year, 6, 1)
        DisbursementFactory(budget_line=line, created_by=user, amount=Decimal(100), value_date=paid)
        ExchangeRateFactory(partnership=partnership, date=paid, currency="USD")
        acts.append(Act(f"{IOM}-Y{year}", [Tx(paid + dt.timedelta(days=7), "100.00")]))
    import_bytes(partnership, activity_file(*acts), filename=f"years-{years[0]}.xml")


def test_the_reconciliation_reads_a_page_of_years_whatever_the_years_recorded(funded, desk, login):
    """Three years a page: 2018–2020 read the same rows with three years of payments and
    receipts as with forty-three."""
    client = login(desk)
    _years_of_activity(funded, desk, range(2018, 2021))
    few = cost_get(client, f"{P}/reconciliation/", page=1)
    _years_of_activity(funded, desk, range(2030, 2070))
    many = cost_get(client, f"{P}/reconciliation/", page=1)
    assert few == many, (few, many)


@pytest.mark.parametrize("url", [f"{P}/reconciliation/", f"{P}/data/"])
def test_a_repeated_read_comes_from_the_page_cache(desk, login, iom, url):
    client = login(desk)
    count_get(client, url)
    # The session, the user and the data version: the page comes whole from the cache.
    assert count_get(client, url) == 3
