"""The dashboard's budget per year, added up by the database, agrees with the budget the
funding page and the review report build from the lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding import selectors
from funding import services
from funding.models import BudgetLine


def test_yearly_totals_agree_with_the_lines_payments_and_refunds(funded, desk):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component="core")
    services.disbursement_create(
        budget_line=line,
        by=desk,
        value_date=dt.date(2018, 3, 1),
        amount=Decimal("5000000.00"),
        currency="DKK",
        reference="PAY-1",
    )
    services.disbursement_create(
        budget_line=line,
        by=desk,
        value_date=dt.date(2018, 11, 1),
        amount=Decimal("250000.00"),
        currency="DKK",
        reference="REF-1",
        kind="refund",
    )
    lines = selectors.budget_by_year_and_component(partnership=funded)
    with CaptureQueriesContext(connection) as captured:
        totals = selectors.budget_totals_by_year(partnership=funded)
    assert len(captured.captured_queries) == 1

    def figures(budget):
        return [(y.year, y.planned, y.committed, y.disbursed, y.adds_up) for y in budget.years]

    assert figures(totals) == figures(lines)
    assert totals.years[0].disbursed == Decimal("4750000.00")
    assert (totals.planned, totals.committed, totals.disbursed) == (
        Decimal(75_000_000),
        Decimal(25_000_000),
        Decimal("4750000.00"),
    )
