"""The funding tables a partnership's pages offer for download, by name: each is a
``Table`` that the CSV and XLSX writers of ``core.exports`` turn into a file."""

from __future__ import annotations

from collections.abc import Callable

from core.exports import Table
from partnership.models import Partnership

from . import selectors


def _budget_table(partnership: Partnership) -> Table:
    budget = selectors.budget_by_year_and_component(partnership=partnership)
    rows = [
        (
            cell.year,
            cell.component,
            cell.component_label,
            cell.line.get_status_display(),
            cell.line.finance_act_reference,
            cell.planned,
            cell.committed,
            cell.disbursed,
            budget.currency,
            cell.line.citation,
        )
        for year in budget.years
        for cell in year.cells
    ]
    headers = (
        "year", "component", "component label", "status", "finance act reference",
        "planned", "committed", "disbursed", "currency", "source",
    )  # fmt: skip
    return Table("budget-lines", headers, rows)


def _disbursements_table(partnership: Partnership) -> Table:
    rows = (
        (
            d.budget_line.year,
            d.budget_line.component,
            d.get_kind_display(),
            d.value_date,
            d.amount,
            d.currency,
            d.exchange_rate,
            d.rate.date if d.rate else None,
            d.rate_age_days,
            d.amount_dkk,
            d.debited_dkk,
            d.debit_difference,
            d.booked_dkk,
            d.reference,
            d.created_by.username,
            d.created_at,
        )
        for d in selectors.disbursements_of_partnership(partnership=partnership)
    )
    headers = (
        "year", "component", "kind", "value date", "amount", "currency", "DKK per unit",
        "rate date", "rate age (days)", "DKK equivalent", "DKK debited",
        "difference (debited less equivalent)", "DKK counted against the line", "reference",
        "recorded by", "recorded at",
    )  # fmt: skip
    return Table("disbursements", headers, rows)


def _rates_table(partnership: Partnership) -> Table:
    rows = (
        (r.currency, r.date, r.rate, r.source)
        for r in selectors.exchange_rates(partnership=partnership)
    )
    return Table("exchange-rates", ("currency", "date", "rate", "source"), rows)


def _assessed_table(partnership: Partnership) -> Table:
    rows = (
        (
            c.year, c.scale_percent, c.administrative_budget, c.expected_amount,
            c.stated_amount, c.invoiced, c.paid, c.currency, c.paying_ministry, c.citation,
        )
        for c in selectors.assessed_contributions(partnership=partnership)
    )  # fmt: skip
    headers = (
        "year", "scale percent", "administrative budget", "expected amount", "stated amount",
        "invoiced", "paid", "currency", "paying ministry", "source",
    )  # fmt: skip
    return Table("assessed-contributions", headers, rows)


def _voluntary_table(partnership: Partnership) -> Table:
    rows = (
        (
            v.project_code, v.title, v.region, v.country, v.donor_unit, v.year, v.amount,
            v.currency, v.get_source_table_display(), v.source_row,
        )
        for v in selectors.voluntary_contributions(partnership=partnership).order_by(
            "year", "project_code", "pk"
        )
    )  # fmt: skip
    headers = (
        "project code", "title", "region", "country", "donor unit", "year", "amount",
        "currency", "source table", "source row",
    )  # fmt: skip
    return Table("voluntary-contributions", headers, rows)


def _reconciliation_table(partnership: Partnership) -> Table:
    rows = (
        (
            f.subtotal.get_source_table_display(), f.subtotal.source_row,
            f.subtotal.get_level_display(), f.subtotal.name, f.subtotal.year or "all years",
            f.compared_with, f.stated, f.itemised, f.difference, f.count, f.kind_label,
        )
        for f in selectors.reconciliation(partnership=partnership).findings
    )  # fmt: skip
    headers = (
        "table", "row", "level", "name", "year", "compared with", "stated", "detail rows",
        "difference", "rows counted", "finding",
    )  # fmt: skip
    return Table("reconciliation", headers, rows)


def _allocations_table(partnership: Partnership) -> Table:
    rows = (
        (
            r.allocation.budget_line.year, r.allocation.budget_line.component,
            r.allocation.country, r.country_name, r.income_group, r.allocation.amount,
            r.allocation.currency, r.allocation.description, r.allocation.reported_in,
        )
        for r in selectors.allocations_with_countries(partnership=partnership)
    )  # fmt: skip
    headers = (
        "year", "component", "country", "country name", "income group", "amount", "currency",
        "purpose", "reported in",
    )  # fmt: skip
    return Table("allocations", headers, rows)


def _staff_table(partnership: Partnership) -> Table:
    register = selectors.staff_register(partnership=partnership)
    rows = (
        (
            p.get_kind_display(), p.name, p.position, p.grade, p.duty_station, p.start_date,
            p.end_date, p.budget_line.label if p.budget_line else "", p.cost,
        )
        for kind in register
        for p in register[kind]
    )  # fmt: skip
    headers = (
        "kind", "name", "position", "grade", "duty station", "start", "end", "budget line",
        "cost (DKK)",
    )  # fmt: skip
    return Table("staff-positions", headers, rows)


TABLES: dict[str, Callable[[Partnership], Table]] = {
    "budget-lines": _budget_table,
    "disbursements": _disbursements_table,
    "exchange-rates": _rates_table,
    "assessed-contributions": _assessed_table,
    "voluntary-contributions": _voluntary_table,
    "reconciliation": _reconciliation_table,
    "allocations": _allocations_table,
    "staff-positions": _staff_table,
}
