"""Reads of a partnership's funding, shared by the pages, the API and the review report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, Lag
from django.db.models.lookups import IsNull
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.formatting import money
from partnership.models import Currency, Partnership

from . import dac
from .models import (
    MONEY,
    Allocation,
    AssessedContribution,
    BudgetFigure,
    BudgetLine,
    BudgetLineTransition,
    Component,
    ContributionImport,
    Disbursement,
    ExchangeRate,
    SourceTable,
    StaffPosition,
    StatedSubtotal,
    VoluntaryContribution,
)

ZERO = Decimal(0)
Level = StatedSubtotal.Level
COMMITTED_STATUSES = (BudgetLine.Status.COMMITTED, BudgetLine.Status.CLOSED)


def budget_lines_with_disbursed(*, partnership: Partnership) -> QuerySet[BudgetLine]:
    """The partnership's lines with ``paid``, ``refunded``, ``disbursed`` and ``left``
    (DKK) annotated (``BudgetLineQuerySet.with_disbursed``)."""
    return (
        BudgetLine.objects.filter(partnership=partnership)
        .select_related("partnership", "assignee")
        .with_disbursed()
        .order_by("year", "component")
    )


def budget_line_with_disbursed(*, budget_line: BudgetLine) -> BudgetLine:
    """One line, read afresh, with the annotations of ``budget_lines_with_disbursed`` (one
    query). After a row lock it sees every payment committed before the lock was granted."""
    return BudgetLine.objects.select_related("partnership").with_disbursed().get(pk=budget_line.pk)


def lines_to_commit(*, partnership: Partnership, year: int) -> list[BudgetLine]:
    """The lines of a year still awaiting Parliament's approval, in section 5's order."""
    return list(
        BudgetLine.objects.filter(
            partnership=partnership, year=year, status=BudgetLine.Status.INDICATIVE
        )
        .select_related("partnership")
        .order_by("component")
    )


@dataclass(kw_only=True)
class Totals:
    """Planned, committed (approved by Parliament) and disbursed (payments less refunds),
    in the partnership's currency (DKK)."""

    planned: Decimal = ZERO
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO

    def add(self, other: Totals) -> None:
        self.planned += other.planned
        self.committed += other.committed
        self.disbursed += other.disbursed


@dataclass(kw_only=True)
class BudgetCell(Totals):
    """One line of the budget as the review report and the funding page show it."""

    line: BudgetLine
    year: int
    component: str
    component_label: str
    status: str

    @property
    def left(self) -> Decimal:
        return self.planned - self.disbursed


@dataclass(kw_only=True)
class YearTotals(Totals):
    """One year of the budget, against the agreement's annual amount."""

    year: int
    annual_amount: Decimal

    @property
    def difference(self) -> Decimal:
        """Components less the agreement's annual amount: zero when they add up."""
        return self.planned - self.annual_amount

    @property
    def adds_up(self) -> bool:
        return self.difference == 0


@dataclass(kw_only=True)
class BudgetYear(YearTotals):
    """A year with its lines, in section 5's order."""

    cells: list[BudgetCell] = field(default_factory=list)

    def by_component(self) -> dict[str, BudgetCell]:
        return {c.component: c for c in self.cells}

    @property
    def awaiting_approval(self) -> list[BudgetCell]:
        """The year's lines still indicative: committed together, under one Finance Act."""
        return [c for c in self.cells if c.status == BudgetLine.Status.INDICATIVE]


@dataclass(kw_only=True)
class BudgetTotals(Totals):
    """The budget per year and, in its own figures, over all the years."""

    currency: str
    years: Sequence[YearTotals]

    def __post_init__(self) -> None:
        for year in self.years:
            self.add(year)

    @property
    def annual_total(self) -> Decimal:
        return sum((y.annual_amount for y in self.years), ZERO)


@dataclass(kw_only=True)
class Budget(BudgetTotals):
    """The budget per year and component (``budget_by_year_and_component``)."""

    years: Sequence[BudgetYear]

    def component_rows(self) -> list[tuple[str, str, list[BudgetCell | None]]]:
        """(component, label, one cell or None per year) in section 5's order."""
        return [
            (value, label, [y.by_component().get(value) for y in self.years])
            for value, label in Component.choices
        ]


def budget_by_year_and_component(
    *, partnership: Partnership, years: Sequence[int] | None = None
) -> Budget:
    """Every year of the agreement (or the ``years`` given of it) with its lines (one query).

    Years of the agreement without lines are still shown, against the annual amount.
    """
    shown = partnership.years if years is None else list(years)
    lines = budget_lines_with_disbursed(partnership=partnership)
    if years is not None:
        lines = lines.filter(year__in=shown)
    years = {year: BudgetYear(year=year, annual_amount=partnership.annual_amount) for year in shown}
    for line in lines:
        cell = BudgetCell(
            line=line,
            year=line.year,
            component=line.component,
            component_label=line.get_component_display(),
            status=line.status,
            planned=line.amount,
            committed=line.amount if line.status in COMMITTED_STATUSES else ZERO,
            disbursed=line.disbursed,
        )
        year = years.setdefault(
            line.year, BudgetYear(year=line.year, annual_amount=partnership.annual_amount)
        )
        year.cells.append(cell)
        year.add(cell)
    return Budget(currency=partnership.currency, years=[years[y] for y in sorted(years)])


# What a group of budget lines adds up to (a partnership, a year): summed by the database,
# under names apart from the lines' own annotations (``disbursed``), which PostgreSQL
# would read as the column an aggregate of the same name sums.
_SUMS = {
    "sum_planned": Sum("amount"),
    "sum_committed": Coalesce(
        Sum("amount", filter=Q(status__in=COMMITTED_STATUSES)), Value(ZERO), output_field=MONEY
    ),
    "sum_disbursed": Sum("disbursed"),
}


def _totals(row: dict, kind: type, **fields: Any) -> Any:
    return kind(
        planned=row["sum_planned"] or ZERO,
        committed=row["sum_committed"] or ZERO,
        disbursed=row["sum_disbursed"] or ZERO,
        **fields,
    )


def budget_totals(*, partnership: Partnership) -> Totals:
    """Planned, committed and disbursed over every year of the agreement, summed by the
    database (one query, one row): the funding page's totals beside a page of its years."""
    # Grouped by the partnership, as budget_totals_by_year groups by year (the sums keep
    # names apart from the lines' annotations: see _SUMS).
    found = (
        BudgetLine.objects.filter(partnership=partnership)
        .with_disbursed()
        .order_by()
        .values("partnership")
        .annotate(**_SUMS)
    )
    found = next(iter(found), None)  # one row: the partnership's, if it has lines
    if found is None:
        return Totals()
    return _totals(found, Totals)


def budget_totals_by_year(*, partnership: Partnership) -> BudgetTotals:
    """The budget per year, summed by the database (one query, a row a year): what the
    dashboard shows, without a budget line object per line and year. Years of the
    agreement without lines are still shown, against the annual amount."""
    rows = (
        BudgetLine.objects.filter(partnership=partnership)
        .with_disbursed()
        .order_by()
        .values("year")
        .annotate(**_SUMS)
    )
    without_lines = {
        year: YearTotals(year=year, annual_amount=partnership.annual_amount)
        for year in partnership.years
    }
    with_lines = {
        row["year"]: _totals(
            row, YearTotals, year=row["year"], annual_amount=partnership.annual_amount
        )
        for row in rows
    }
    years = {**without_lines, **with_lines}
    return BudgetTotals(currency=partnership.currency, years=[years[y] for y in sorted(years)])


# Half a cent: sums of amounts in cents differ from the annual amount by at least a cent
# where they do not add up (SQLite sums decimals as floating point).
_HALF_CENT = Decimal("0.005")


def budget_years_not_adding_up(
    *, partnership: Partnership, first: int
) -> tuple[list[YearTotals], int]:
    """The first ``first`` years whose budget lines do not add up to the agreement's
    annual amount (years of the agreement without lines among them), and how many there
    are in all. Three queries whatever the length of the agreement, each reading at most
    ``first`` rows: the years with lines that do not add up (the database sums and
    compares them), how many of the agreement's years have lines, and where the years
    without lines lie (each gap between the years that have them)."""
    annual = partnership.annual_amount
    start, end = partnership.start_date.year, partnership.end_date.year
    failing = list(
        BudgetLine.objects.filter(partnership=partnership)
        .order_by()
        .values("year")
        .annotate(sum_planned=Sum("amount"))
        .filter(Q(sum_planned__lt=annual - _HALF_CENT) | Q(sum_planned__gt=annual + _HALF_CENT))
        .annotate(total=Window(Count("*")))
        .order_by("year")[:first]
    )
    in_period = BudgetLine.objects.filter(partnership=partnership, year__range=(start, end))
    covered = in_period.aggregate(years=Count("year", distinct=True), last=Max("year"))
    # A line whose year is more than one after the line before it (or the agreement's
    # first year) follows years without lines.
    gaps = (
        in_period.order_by()
        .annotate(before=Window(Lag("year"), order_by=[F("year").asc(), F("pk").asc()]))
        .annotate(gap=F("year") - Coalesce(F("before"), Value(start - 1)))
        .filter(gap__gt=1)
        .order_by("year")
        .values_list("year", "gap")[:first]
    )
    without_lines = [year for year, gap in gaps for year in range(year - gap + 1, year)]
    without_lines += range((covered["last"] or start - 1) + 1, end + 1)
    years = [
        YearTotals(year=row["year"], planned=row["sum_planned"], annual_amount=annual)
        for row in failing
    ] + [YearTotals(year=year, annual_amount=annual) for year in without_lines[:first]]
    total = (failing[0]["total"] if failing else 0) + (end - start + 1 - covered["years"])
    return sorted(years, key=lambda y: y.year)[:first], total


@dataclass(frozen=True)
class BudgetSummary:
    """The first years of the budget, the totals over all of them, and how many years
    are not shown."""

    first_years: BudgetTotals
    total: Totals
    more_years: int


def budget_summary(*, partnership: Partnership, years: int) -> BudgetSummary:
    """The first ``years`` years of the budget (those of the agreement without lines
    too), and the totals over every year, summed by the database (two queries, a row a
    year shown)."""
    lines = BudgetLine.objects.filter(partnership=partnership).with_disbursed().order_by()
    rows = lines.values("year").annotate(**_SUMS).order_by("year")[:years]
    period = partnership.years
    total = lines.aggregate(
        **_SUMS, years_outside=Count("year", distinct=True, filter=~Q(year__in=period))
    )
    by_year = {
        year: YearTotals(year=year, annual_amount=partnership.annual_amount)
        for year in period[:years]
    }
    for row in rows:
        by_year[row["year"]] = _totals(
            row, YearTotals, year=row["year"], annual_amount=partnership.annual_amount
        )
    shown = sorted(by_year)[:years]
    return BudgetSummary(
        first_years=BudgetTotals(currency=partnership.currency, years=[by_year[y] for y in shown]),
        total=_totals(total, Totals),
        more_years=len(period) + total["years_outside"] - len(shown),
    )


def budget_totals_by_partnership_and_year(
    *, partnership_ids: list[int], year: int | None = None
) -> dict[int, dict[int, YearTotals]]:
    """The budget per partnership and year of its period (only ``year``, if given), summed
    by the database (one query, a row a partnership and year shown): what the portfolio
    shows. Years without lines are absent; the caller knows each partnership's period and
    annual amount."""
    rows = (
        _lines_in_period(BudgetLine.objects.filter(partnership_id__in=partnership_ids), year)
        .with_disbursed()
        .order_by()
        .values("partnership_id", "partnership__annual_amount", "year")
        .annotate(**_SUMS)
    )
    totals: dict[int, dict[int, YearTotals]] = defaultdict(dict)
    for row in rows:
        totals[row["partnership_id"]][row["year"]] = _totals(
            row, YearTotals, year=row["year"], annual_amount=row["partnership__annual_amount"]
        )
    return dict(totals)


def budget_totals_by_partnership(
    *, partnership_ids: list[int], year: int | None = None
) -> dict[int, Totals]:
    """Each partnership's budget over the years of its period (only ``year``, if given),
    summed by the database (one query, a row a partnership)."""
    rows = (
        _lines_in_period(BudgetLine.objects.filter(partnership_id__in=partnership_ids), year)
        .with_disbursed()
        .order_by()
        .values("partnership_id")
        .annotate(**_SUMS)
    )
    return {row["partnership_id"]: _totals(row, Totals) for row in rows}


def portfolio_budget_by_year(
    *, partnerships: QuerySet[Partnership], year: int | None = None
) -> BudgetTotals:
    """The DKK budget of the partnerships per year of their periods (only ``year``, if
    given), against the annual amounts of those in DKK running that year, summed by the
    database (two queries: a row a year, and a row a period)."""
    ids = partnerships.order_by().values("pk")
    rows = (
        _lines_in_period(BudgetLine.objects.filter(partnership_id__in=ids), year)
        .with_disbursed()
        .order_by()
        .values("year")
        .annotate(**_SUMS)
    )
    years = {
        row["year"]: _totals(row, YearTotals, year=row["year"], annual_amount=ZERO) for row in rows
    }
    periods = (
        Partnership.objects.filter(pk__in=ids)
        .order_by()
        .values(first=ExtractYear("start_date"), last=ExtractYear("end_date"))
        .annotate(
            dkk=Coalesce(
                Sum("annual_amount", filter=Q(currency=Currency.DKK)),
                Value(ZERO),
                output_field=MONEY,
            )
        )
    )
    for period in periods:
        for y in range(period["first"], period["last"] + 1):
            if year is None or y == year:
                totals = years.setdefault(y, YearTotals(year=y, annual_amount=ZERO))
                totals.annual_amount += period["dkk"]
    return BudgetTotals(currency=Currency.DKK, years=[years[y] for y in sorted(years)])


def _lines_in_period(lines: QuerySet[BudgetLine], year: int | None) -> QuerySet[BudgetLine]:
    lines = lines.filter(
        year__gte=ExtractYear("partnership__start_date"),
        year__lte=ExtractYear("partnership__end_date"),
    )
    return lines if year is None else lines.filter(year=year)


# --- Exchange rates --------------------------------------------------------------------------


class MissingRateError(ValidationError):
    pass


def rate_on(*, partnership: Partnership, currency: str, value_date: dt.date) -> ExchangeRate:
    """The latest rate on or before the value date; a missing rate is an error, never a guess."""
    rate = (
        ExchangeRate.objects.filter(
            partnership=partnership, currency=currency, date__lte=value_date
        )
        .order_by("-date")
        .first()
    )
    if rate is None:
        raise MissingRateError(
            {
                "currency": f"No {currency} to DKK exchange rate on or before "
                f"{value_date:%d %B %Y} is recorded. Enter or import the rate first."
            }
        )
    return rate


@dataclass(frozen=True)
class RateUsed:
    """The rate a payment on ``value_date`` is converted with, and how old it is then."""

    rate: ExchangeRate
    value_date: dt.date
    max_age_days: int

    @property
    def age_days(self) -> int:
        return (self.value_date - self.rate.date).days

    @property
    def stale(self) -> bool:
        return self.age_days > self.max_age_days

    @property
    def description(self) -> str:
        r = self.rate
        values = {
            "currency": r.currency,
            "rate": number_format(r.rate),
            "long_date": date_format(r.date),
            "source": r.source,
            "days": self.age_days,
        }
        if self.age_days == 0:
            return (
                _(
                    "1 %(currency)s = %(rate)s DKK, the rate of %(long_date)s (%(source)s): "
                    "the value date itself."
                )
                % values
            )
        return (
            ngettext(
                "1 %(currency)s = %(rate)s DKK, the rate of %(long_date)s (%(source)s): "
                "%(days)s day before the value date.",
                "1 %(currency)s = %(rate)s DKK, the rate of %(long_date)s (%(source)s): "
                "%(days)s days before the value date.",
                self.age_days,
            )
            % values
        )

    @property
    def warning(self) -> str:
        r = self.rate
        return _(
            "The latest %(currency)s rate on or before %(value_date)s is of %(long_date)s, "
            "%(days)s days before the value date (more than %(max_days)s). Enter a newer rate, "
            "or confirm that this is the rate to use."
        ) % {
            "currency": r.currency,
            "value_date": date_format(self.value_date),
            "long_date": date_format(r.date),
            "days": self.age_days,
            "max_days": self.max_age_days,
        }


def rate_used(*, partnership: Partnership, currency: str, value_date: dt.date) -> RateUsed:
    """The rate a payment would use, with its age; raises ``MissingRateError`` without one."""
    return RateUsed(
        rate=rate_on(partnership=partnership, currency=currency, value_date=value_date),
        value_date=value_date,
        max_age_days=settings.EXCHANGE_RATE_MAX_AGE_DAYS,
    )


def exchange_rates(*, partnership: Partnership) -> QuerySet[ExchangeRate]:
    """The partnership's rates with the number of payments converted with each."""
    return (
        ExchangeRate.objects.filter(partnership=partnership)
        .select_related("created_by")
        .annotate(payments=Count("disbursements"))
        .order_by("currency", "-date")
    )


def payments_converted_with(*, exchange_rate: ExchangeRate) -> int:
    return exchange_rate.disbursements.count()


# --- Payments --------------------------------------------------------------------------------


def disbursements_of(*, budget_line: BudgetLine) -> QuerySet[Disbursement]:
    return budget_line.disbursements.select_related("created_by", "rate").order_by(
        "value_date", "pk"
    )


def transitions_of(*, budget_line: BudgetLine) -> QuerySet[BudgetLineTransition]:
    """The line's lifecycle, oldest first, with who moved it."""
    return budget_line.transitions.select_related("by")


def disbursements_of_partnership(*, partnership: Partnership) -> QuerySet[Disbursement]:
    return (
        Disbursement.objects.filter(budget_line__partnership=partnership)
        .select_related("budget_line", "created_by", "rate")
        .order_by("-value_date", "-pk")
    )


def foreign_payments_without_rate(*, partnership: Partnership) -> QuerySet[Disbursement]:
    """Payments and refunds in USD or CHF converted at no recorded exchange rate: a rate
    typed in rather than one of the partnership's (one query)."""
    return (
        Disbursement.objects.filter(budget_line__partnership=partnership, rate__isnull=True)
        .exclude(currency=partnership.currency)
        .select_related("budget_line")
        .order_by("value_date", "pk")
    )


def assessed_contributions(*, partnership: Partnership) -> QuerySet[AssessedContribution]:
    return AssessedContribution.objects.filter(partnership=partnership).order_by("year")


def latest_assessed_contribution(*, partnership: Partnership) -> AssessedContribution | None:
    return assessed_contributions(partnership=partnership).last()


def budget_figures(*, partnership: Partnership) -> QuerySet[BudgetFigure]:
    """The figures of the organisation's budget that the strategy states, in its order."""
    return BudgetFigure.objects.filter(partnership=partnership)


# --- Allocations and staff -------------------------------------------------------------------


@dataclass
class AllocationRow:
    allocation: Allocation
    country_name: str
    income_group: str


def allocations_of(*, partnership: Partnership) -> QuerySet[Allocation]:
    """The partnership's allocations, by line (year and component) and country."""
    return Allocation.objects.filter(budget_line__partnership=partnership).select_related(
        "budget_line", "created_by"
    )


def allocation_rows(allocations: Iterable[Allocation]) -> list[AllocationRow]:
    """Each allocation with its country's name and income group from the DAC list."""
    rows = []
    for allocation in allocations:
        found = dac.recipient(allocation.country)
        rows.append(
            AllocationRow(
                allocation=allocation,
                country_name=found.name if found else allocation.country,
                income_group=found.income_group if found else "",
            )
        )
    return rows


def allocations_with_countries(*, partnership: Partnership) -> list[AllocationRow]:
    return allocation_rows(allocations_of(partnership=partnership))


def allocation_totals_by_line(*, partnership: Partnership) -> QuerySet[BudgetLine]:
    """The earmarked lines with ``allocated`` annotated (one query)."""
    return (
        BudgetLine.objects.filter(
            partnership=partnership,
            component__in=[Component.PRIORITY_AREA_1, Component.PRIORITY_AREA_2],
        )
        .select_related("partnership")
        .annotate(allocated=Coalesce(Sum("allocations__amount"), Value(ZERO), output_field=MONEY))
        .order_by("year", "component")
    )


def staff_positions(*, partnership: Partnership, kind: str) -> QuerySet[StaffPosition]:
    """The positions of one kind: regular staff, secondments (on the budget) or JPOs
    (outside it), in the order they started."""
    return StaffPosition.objects.filter(partnership=partnership, kind=kind).select_related(
        "budget_line"
    )


def staff_register(*, partnership: Partnership) -> dict[str, list[StaffPosition]]:
    """Positions by kind: regular staff, secondments (on the budget) and JPOs (outside it)."""
    grouped: dict[str, list[StaffPosition]] = {kind: [] for kind, _ in StaffPosition.Kind.choices}
    for position in StaffPosition.objects.filter(partnership=partnership).select_related(
        "budget_line"
    ):
        grouped[position.kind].append(position)
    return grouped


def secondment_costs_by_line(*, partnership: Partnership) -> QuerySet[BudgetLine]:
    return (
        BudgetLine.objects.filter(partnership=partnership, component=Component.SECONDMENTS)
        .select_related("partnership")
        .annotate(seconded=Coalesce(Sum("secondments__cost"), Value(ZERO), output_field=MONEY))
        .order_by("year")
    )


# --- Annex IV: the explorer -----------------------------------------------------------------

EXPLORER_FILTERS = ("year", "region", "country", "donor_unit", "project_code")


def voluntary_contributions(
    *, partnership: Partnership, filters: dict[str, Any] | None = None
) -> QuerySet[VoluntaryContribution]:
    queryset = VoluntaryContribution.objects.filter(partnership=partnership)
    for name, value in (filters or {}).items():
        if name in EXPLORER_FILTERS and value not in (None, ""):
            queryset = queryset.filter(**{name: value})
    return queryset


@dataclass
class ExplorerTotals:
    by_year: list[dict]
    by_region: list[dict]
    by_country: list[dict]
    by_donor_unit: list[dict]
    by_project: QuerySet  # grouped rows: the page pages it
    refunds: list[VoluntaryContribution]  # the first REFUNDS_LISTED
    refund_count: int
    total: Decimal
    options: dict[str, list]


REFUNDS_LISTED = 20
# The filters offered as a list of the values found; a project is typed (there are as many
# as the annex has rows, over its years).
LISTED_OPTIONS = ("year", "region", "country", "donor_unit")


def _grouped(queryset: QuerySet, *names: str) -> QuerySet:
    return (
        queryset.values(*names)
        .annotate(
            total=Sum("amount"),
            refunds=Coalesce(
                Sum("amount", filter=Q(amount__lt=0)), Value(ZERO), output_field=MONEY
            ),
            refund_count=Count("pk", filter=Q(amount__lt=0)),
        )
        .order_by(*names)
    )


def _options(partnership: Partnership) -> dict[str, list]:
    """The values each listed filter offers, found by the database (one query, a row a
    value: years, regions, countries and donor units, not the rows)."""
    every = VoluntaryContribution.objects.filter(partnership=partnership).order_by()
    parts = [
        every.filter(**{f"{name}__isnull": False})
        .exclude(**({} if name == "year" else {name: ""}))
        .annotate(option_name=Value(name), option=Cast(name, CharField()))
        .values_list("option_name", "option")
        .distinct()
        for name in LISTED_OPTIONS
    ]
    options: dict[str, list] = {name: [] for name in EXPLORER_FILTERS}
    for name, value in parts[0].union(*parts[1:], all=True):
        options[name].append(int(value) if name == "year" else value)
    return {name: sorted(values) for name, values in options.items()}


def explorer_totals(*, partnership: Partnership, filters: dict[str, Any]) -> ExplorerTotals:
    """Totals by year, region, country, donor unit and project of the filtered rows (the
    projects as a grouped queryset to page), the first refunds and the filters' options:
    a fixed number of queries whatever the number of rows, none reading every row."""
    rows = voluntary_contributions(partnership=partnership, filters=filters)
    by_year = list(_grouped(rows, "year"))
    return ExplorerTotals(
        by_year=by_year,
        by_region=list(_grouped(rows, "region")),
        by_country=list(_grouped(rows, "region", "country")),
        by_donor_unit=list(_grouped(rows, "donor_unit")),
        by_project=_grouped(rows, "project_code", "title"),
        refunds=list(rows.filter(amount__lt=0).order_by("year", "project_code")[:REFUNDS_LISTED]),
        refund_count=sum(row["refund_count"] for row in by_year),
        total=sum((row["total"] for row in by_year), ZERO),
        options=_options(partnership),
    )


def contribution_imports(*, partnership: Partnership) -> QuerySet[ContributionImport]:
    return ContributionImport.objects.filter(partnership=partnership).select_related("imported_by")


# --- Annex IV: the reconciliation ------------------------------------------------------------


class FindingKind:
    AGREES = "agrees"
    ROUNDING = "rounding"
    NOT_ITEMISED = "not_itemised"
    EXCEEDS = "exceeds"

    LABELS = {
        AGREES: gettext_lazy("Agrees"),
        ROUNDING: gettext_lazy("Rounding difference"),
        NOT_ITEMISED: gettext_lazy("Rows the source does not itemise"),
        EXCEEDS: gettext_lazy("Detail exceeds the stated total"),
    }


@dataclass
class Finding:
    """One stated subtotal against what the rows it covers add up to."""

    subtotal: StatedSubtotal
    compared_with: str  # "detail rows" or "units listed under it"
    stated: Decimal
    itemised: Decimal
    count: int

    @property
    def difference(self) -> Decimal:
        """Stated less itemised: what the listed rows do not account for."""
        return self.stated - self.itemised

    @property
    def tolerance(self) -> Decimal:
        """The figures are whole dollars: each rounded figure, the stated one included, may
        be off by half a dollar."""
        return Decimal("0.5") * (self.count + 1)

    @property
    def kind(self) -> str:
        if self.difference == 0:
            return FindingKind.AGREES
        if self.count and abs(self.difference) <= self.tolerance:
            return FindingKind.ROUNDING
        if self.difference > 0:
            return FindingKind.NOT_ITEMISED
        return FindingKind.EXCEEDS

    @property
    def kind_label(self) -> str:
        return str(FindingKind.LABELS[self.kind])

    @property
    def is_difference(self) -> bool:
        return self.kind != FindingKind.AGREES

    @property
    def compared_with_label(self) -> str:
        """The rows it is compared with, counted, in the active language ("5 detail rows")."""
        count = {"count": self.count}
        if self.compared_with == _DETAIL_ROWS:
            return ngettext("%(count)s detail row", "%(count)s detail rows", self.count) % count
        if self.compared_with == _OUTERMOST:
            return (
                ngettext(
                    "%(count)s outermost row of the breakdown",
                    "%(count)s outermost rows of the breakdown",
                    self.count,
                )
                % count
            )
        return (
            ngettext("%(count)s row listed under it", "%(count)s rows listed under it", self.count)
            % count
        )

    @property
    def explanation(self) -> str:
        """One sentence in the active language: the total, what it is compared with, and
        the difference in whole dollars."""
        s = self.subtotal
        scope = {"level": s.get_level_display().lower(), "name": s.name, "year": s.year}
        if s.year:
            scope_text = _("the %(level)s “%(name)s” in %(year)s") % scope
        else:
            scope_text = _("the %(level)s “%(name)s” over all years") % scope
        values = {
            "scope": capfirst(scope_text),
            "rows": self.compared_with_label,
            "amount": money(abs(self.difference), "USD", decimals=0),
        }
        kind = self.kind
        if kind == FindingKind.AGREES:
            return _("%(scope)s agrees with its %(rows)s.") % values
        if kind == FindingKind.ROUNDING:
            if self.difference > 0:
                return (
                    _(
                        "%(scope)s is %(amount)s more than its %(rows)s: within rounding of whole "
                        "dollars."
                    )
                    % values
                )
            return (
                _(
                    "%(scope)s is %(amount)s less than its %(rows)s: within rounding of whole "
                    "dollars."
                )
                % values
            )
        if kind == FindingKind.NOT_ITEMISED:
            return (
                _(
                    "%(scope)s is %(amount)s more than its %(rows)s: the source does not itemise "
                    "the rest."
                )
                % values
            )
        return _("%(scope)s is %(amount)s less than its %(rows)s.") % values


@dataclass
class Reconciliation:
    findings: list[Finding]

    @property
    def differences(self) -> list[Finding]:
        return [f for f in self.findings if f.is_difference]

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return [(k, label, self.count(k)) for k, label in FindingKind.LABELS.items()]


_DETAIL_ROWS = "detail rows"
_OUTERMOST = "outermost rows of the breakdown"
_LISTED_UNDER = "rows listed under it"


def _total_and_count(rows: QuerySet) -> tuple[Subquery, Subquery]:
    """The sum of ``rows``' amounts (nought if none) and their number, as subqueries."""
    grouped = rows.order_by().values("partnership")
    return (
        Coalesce(Subquery(grouped.annotate(t=Sum("amount")).values("t")), Value(ZERO)),
        Coalesce(Subquery(grouped.annotate(n=Count("pk")).values("n")), Value(0)),
    )


def _kind() -> Case:
    """``Finding.kind``, in the database: stated less itemised, against the rounding
    tolerance of half a dollar for each figure added (the stated one included)."""
    tolerance = ExpressionWrapper(
        Value(Decimal("0.5")) * (F("count") + 1), output_field=DecimalField()
    )
    return Case(
        When(Q(amount=F("itemised")), then=Value(FindingKind.AGREES)),
        When(
            Q(count__gt=0)
            & Q(
                Q(amount__gt=F("itemised"), amount__lte=F("itemised") + tolerance)
                | Q(amount__lt=F("itemised"), amount__gte=F("itemised") - tolerance)
            ),
            then=Value(FindingKind.ROUNDING),
        ),
        When(Q(amount__gt=F("itemised")), then=Value(FindingKind.NOT_ITEMISED)),
        default=Value(FindingKind.EXCEEDS),
        output_field=CharField(),
    )


def _finding_querysets(*, partnership: Partnership) -> tuple[QuerySet, QuerySet]:
    """Every stated subtotal against the detail rows it covers, and each total of the
    donor breakdown against the stated rows listed under it, summed in the database:

    - a region's row: the rows of that region (per year, and over all years);
    - a project's total (all projects): the yearly rows of that project, country and unit;
    - a project's figure (top ten): the rows of that project in that year (or all years);
    - the top ten's total row: the rows of the ten projects (per year and overall);
    - a donor unit: the rows of that unit; a donor group: the rows of the units under it,
      and also the sum of those units' stated totals; the outermost rows and the grand
      total: every row, and the sum of the rows nested under them.

    Each row of either carries ``itemised``, ``count`` and ``kind``. The donor breakdown
    (one row per donor or group, read to know which units a group holds) is the one part
    read whole; the detail rows are only summed."""
    subtotals = StatedSubtotal.objects.filter(partnership=partnership)
    details = VoluntaryContribution.objects.filter(partnership=partnership)
    in_year = details.filter(Q(IsNull(OuterRef("year"), True)) | Q(year=OuterRef("year")))
    breakdown = list(
        subtotals.filter(source_table=SourceTable.DONOR_BREAKDOWN).values(
            "pk", "source_row", "parent_row", "level", "name"
        )
    )
    children: dict[int, list[dict]] = defaultdict(list)
    for row in breakdown:
        if row["parent_row"] is not None:
            children[row["parent_row"]].append(row)

    def units_under(row: dict) -> set[str]:
        if row["level"] == Level.DONOR_UNIT:
            return {row["name"]}
        return set().union(*(units_under(child) for child in children[row["source_row"]]))

    top_10_codes = subtotals.filter(source_table=SourceTable.TOP_10, level=Level.PROJECT).values(
        "project_code"
    )
    breakdown_q = Q(source_table=SourceTable.DONOR_BREAKDOWN)
    cases: list[tuple[Q, QuerySet]] = [
        (breakdown_q & Q(level=Level.GRAND_TOTAL), details),
        (breakdown_q & Q(level=Level.DONOR_UNIT), details.filter(donor_unit=OuterRef("name"))),
        (breakdown_q & Q(parent_row__isnull=True), details),
        *(
            (Q(pk=row["pk"]), details.filter(donor_unit__in=sorted(units_under(row))))
            for row in breakdown
            if row["parent_row"] is not None and row["level"] != Level.DONOR_UNIT
        ),
        (Q(level=Level.REGION), in_year.filter(region=OuterRef("region"))),
        (
            Q(level=Level.PROJECT, source_table=SourceTable.ALL_PROJECTS),
            in_year.filter(
                project_code=OuterRef("project_code"),
                country=OuterRef("country"),
                donor_unit=OuterRef("donor_unit"),
            ),
        ),
        (Q(level=Level.PROJECT), in_year.filter(project_code=OuterRef("project_code"))),
        (Q(source_table=SourceTable.TOP_10), in_year.filter(project_code__in=top_10_codes)),
    ]
    sums = [(when, *_total_and_count(rows)) for when, rows in cases]
    everything = _total_and_count(in_year)

    def chosen(index: int, default):
        return Case(
            *(When(when, then=pair[index]) for when, *pair in sums),
            default=default,
        )

    against_details = subtotals.annotate(
        itemised=chosen(0, everything[0]),
        count=chosen(1, everything[1]),
        compared=Value(0),
    ).annotate(kind=_kind())
    # The breakdown's own totals against the stated rows under them (its outermost rows,
    # for the grand total).
    stated = StatedSubtotal.objects.filter(
        partnership=partnership, source_table=SourceTable.DONOR_BREAKDOWN
    )
    outermost = stated.filter(parent_row__isnull=True).exclude(level=Level.GRAND_TOTAL)
    listed = stated.filter(parent_row=OuterRef("source_row"))
    against_stated = (
        stated.exclude(level=Level.DONOR_UNIT)
        .annotate(
            itemised=Case(
                When(Q(level=Level.GRAND_TOTAL), then=_total_and_count(outermost)[0]),
                default=_total_and_count(listed)[0],
            ),
            count=Case(
                When(Q(level=Level.GRAND_TOTAL), then=_total_and_count(outermost)[1]),
                default=_total_and_count(listed)[1],
            ),
            compared=Value(1),
        )
        .annotate(kind=_kind())
    )
    return against_details, against_stated


def _finding(row: StatedSubtotal, partnership: Partnership) -> Finding:
    row.partnership = partnership
    if not row.compared:
        compared_with = _DETAIL_ROWS
    elif row.level == Level.GRAND_TOTAL:
        compared_with = _OUTERMOST
    else:
        compared_with = _LISTED_UNDER
    return Finding(row, compared_with, row.amount, row.itemised, row.count)


_FINDING_ORDER = ("source_table", "source_row", "year", "compared")


class AnnexFindings:
    """The reconciliation of one partnership's annex, summed in the database (reading the
    donor breakdown once): how many comparisons of each kind, and the comparisons
    themselves for a paginator."""

    def __init__(self, *, partnership: Partnership):
        self.partnership = partnership
        self.querysets = tuple(q.order_by() for q in _finding_querysets(partnership=partnership))

    def counts(self) -> dict[str, int]:
        """How many comparisons of each kind (one query, a row per kind)."""
        first, second = (q.values("kind").annotate(n=Count("pk")) for q in self.querysets)
        counts = dict.fromkeys(FindingKind.LABELS, 0)
        for row in first.union(second, all=True):
            counts[row["kind"]] += row["n"]
        return counts

    def listed(self, *, differences: bool) -> Findings:
        return Findings(self, differences=differences)


class Findings(Sequence):
    """The comparisons in the annex's order, or only the differences: its length is one
    count, a slice one query of that many rows."""

    def __init__(self, annex: AnnexFindings, *, differences: bool):
        self.partnership = annex.partnership
        first, second = annex.querysets
        if differences:
            first, second = (q.exclude(kind=FindingKind.AGREES) for q in (first, second))
        self.union = first.union(second, all=True).order_by(*_FINDING_ORDER)

    def __len__(self) -> int:
        return self.union.count()

    def __iter__(self):
        return (_finding(row, self.partnership) for row in self.union)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_finding(row, self.partnership) for row in self.union[index]]
        return _finding(self.union[index], self.partnership)


def reconciliation(*, partnership: Partnership) -> Reconciliation:
    """Every finding, in the annex's order (for the exports, the API and the import's
    summary; the page reads a page of them)."""
    annex = AnnexFindings(partnership=partnership)
    return Reconciliation(findings=list(annex.listed(differences=False)))
