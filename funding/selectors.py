"""Reads of a partnership's funding, shared by the pages, the API and the review report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CharField
from django.db.models import Count
from django.db.models import F
from django.db.models import Max
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Sum
from django.db.models import TextChoices
from django.db.models import Value
from django.db.models import Window
from django.db.models.functions import Cast
from django.db.models.functions import Coalesce
from django.db.models.functions import ExtractYear
from django.db.models.functions import Lag
from django.utils.formats import date_format
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.utils.translation import ngettext_lazy

from core import periods
from core.formatting import money
from partnership.models import Currency
from partnership.models import Partnership

from . import dac
from .models import MONEY
from .models import Allocation
from .models import AssessedContribution
from .models import BudgetFigure
from .models import BudgetLine
from .models import BudgetLineTransition
from .models import Component
from .models import ContributionImport
from .models import Disbursement
from .models import ExchangeRate
from .models import SourceTable
from .models import StaffPosition
from .models import StatedSubtotal
from .models import VoluntaryContribution

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
                "currency": _(
                    "No %(currency)s to DKK exchange rate on or before %(value_date)s is "
                    "recorded. Enter or import the rate first."
                )
                % {"currency": currency, "value_date": date_format(value_date)}
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
            "The latest %(currency)s rate on or before %(value_date)s is dated %(long_date)s, "
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


class FindingKind(TextChoices):
    AGREES = "agrees", gettext_lazy("Agrees")
    ROUNDING = "rounding", gettext_lazy("Rounding difference")
    NOT_ITEMISED = "not_itemised", gettext_lazy("Rows the source does not itemise")
    EXCEEDS = "exceeds", gettext_lazy("Detail exceeds the stated total")


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
        return str(FindingKind(self.kind).label)

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
        return [(k, label, self.count(k)) for k, label in FindingKind.choices]


_DETAIL_ROWS = "detail rows"
_OUTERMOST = "outermost rows of the breakdown"
_LISTED_UNDER = "rows listed under it"


def _findings_sql(*, partnership: Partnership) -> tuple[str, list[Any]]:
    """``WITH … findings AS (…)``: every stated subtotal against the detail rows it covers,
    and each total of the donor breakdown against the stated rows listed under it, for a
    query to end with a ``SELECT … FROM findings``. Each row is a subtotal's columns with
    ``itemised``, ``count``, ``compared`` (0 against detail rows, 1 against stated rows)
    and ``kind`` (``Finding.kind``). A subtotal is compared with, by the first that
    applies:

    - the breakdown's grand total and its outermost rows: every row;
    - a donor unit of the breakdown: the rows of that unit; a group: the rows of the units
      under it (and also the sum of the stated rows under it; the outermost rows' for the
      grand total);
    - a region: the rows of that region (in its year, or over all years);
    - a project's total (all projects): the rows of that project, country and unit;
    - a project's figure (top ten): the rows of that project in that year (or all years);
    - the top ten's total rows: the rows of the ten projects (per year and overall);
    - any other: every row (of its year, or of all years).

    The detail rows are summed once per key of each comparison (``GROUP BY``), for the
    keys some subtotal asks for, and each subtotal joined with its key's sum (a sum for
    each subtotal read the rows once per subtotal: ten times as long at the benchmark's
    scale). Written in SQL for a join against grouped rows, which the ORM does not make;
    PostgreSQL and SQLite read it alike. Reads the donor breakdown (one query, a row per
    donor or group) to know which units a group holds."""
    breakdown = list(
        StatedSubtotal.objects.filter(
            partnership=partnership, source_table=SourceTable.DONOR_BREAKDOWN
        ).values("pk", "source_row", "parent_row", "level", "name")
    )
    children: dict[int, list[dict]] = defaultdict(list)
    for row in breakdown:
        if row["parent_row"] is not None:
            children[row["parent_row"]].append(row)

    def units_under(row: dict) -> set[str]:
        if row["level"] == Level.DONOR_UNIT:
            return {row["name"]}
        return set().union(*(units_under(child) for child in children[row["source_row"]]))

    group_units = [
        (row["pk"], unit)
        for row in breakdown
        if row["parent_row"] is not None
        and row["level"] not in (Level.DONOR_UNIT, Level.GRAND_TOTAL)
        for unit in sorted(units_under(row))
    ]
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in StatedSubtotal._meta.concrete_fields]

    def of(alias: str) -> str:
        return ", ".join(f"{alias}.{column}" for column in columns)

    names = {
        "details": quote(VoluntaryContribution._meta.db_table),
        "subtotals": quote(StatedSubtotal._meta.db_table),
        "breakdown": SourceTable.DONOR_BREAKDOWN,
        "top_10": SourceTable.TOP_10,
        "all_projects": SourceTable.ALL_PROJECTS,
        "grand_total": Level.GRAND_TOTAL,
        "donor_unit": Level.DONOR_UNIT,
        "region": Level.REGION,
        "project": Level.PROJECT,
    }
    params: list[Any] = [partnership.pk, partnership.pk, partnership.pk]
    # A group's units, a row each (a unit under two of its subgroups counted once).
    units_cte, units_sums = "", ""
    if group_units:
        units_cte = "group_units (subtotal, unit) AS (VALUES {}),".format(
            ", ".join(["(%s, %s)"] * len(group_units))
        )
        units_sums = """
            UNION ALL
            SELECT 'group', '', '', '', 0, g.subtotal, SUM(d.amount), COUNT(*)
            FROM group_units g JOIN details d ON d.donor_unit = g.unit GROUP BY g.subtotal"""
        params += [value for pair in group_units for value in pair]

    def wanted(basis: str, *, yearly: bool) -> str:
        """The keys some subtotal compares with, per year or over all years: only their
        rows are summed (the finer keys would sum almost every row alone)."""
        year = "<>" if yearly else "="
        return f"(SELECT k1 FROM keyed WHERE basis = '{basis}' AND year_key {year} 0)"  # noqa: S608

    def grouped(basis: str, *keys: str) -> str:
        """The detail rows of each key of ``basis`` that some subtotal asks for, summed in
        each year and over all years (year 0), as rows of ``sums``."""
        key_columns = ", ".join([*keys, *["''"] * (3 - len(keys))])
        group_by = ", ".join(keys)
        return f"""
        SELECT '{basis}', {key_columns}, year, 0, SUM(amount), COUNT(*)
        FROM details WHERE {keys[0]} IN {wanted(basis, yearly=True)}
        GROUP BY {group_by}, year
        UNION ALL
        SELECT '{basis}', {key_columns}, 0, 0, SUM(amount), COUNT(*)
        FROM details WHERE {keys[0]} IN {wanted(basis, yearly=False)}
        GROUP BY {group_by}"""  # noqa: S608 - the code's own names, no values

    # Year 0 is every year (a year is from 1945); subtotal 0 no group (a key is from 1).
    sql = f"""
    WITH details AS (
        SELECT region, country, donor_unit, project_code, year, amount
        FROM {names["details"]} WHERE partnership_id = %s
    ),
    top_10 AS (
        SELECT project_code FROM {names["subtotals"]}
        WHERE partnership_id = %s AND source_table = '{names["top_10"]}'
            AND level = '{names["project"]}'
    ),
    stated AS (
        SELECT {of("s")},
            CASE
                WHEN source_table = '{names["breakdown"]}' AND level = '{names["grand_total"]}'
                    THEN 'all'
                WHEN source_table = '{names["breakdown"]}' AND level = '{names["donor_unit"]}'
                    THEN 'unit'
                WHEN source_table = '{names["breakdown"]}' AND parent_row IS NULL THEN 'all'
                WHEN source_table = '{names["breakdown"]}' THEN 'group'
                WHEN level = '{names["region"]}' THEN 'region'
                WHEN level = '{names["project"]}' AND source_table = '{names["all_projects"]}'
                    THEN 'project_unit'
                WHEN level = '{names["project"]}' THEN 'project'
                WHEN source_table = '{names["top_10"]}' THEN 'top_10'
                ELSE 'everything'
            END AS basis
        FROM {names["subtotals"]} s WHERE partnership_id = %s
    ),
    keyed AS (
        SELECT {of("t")},
            CASE basis WHEN 'all' THEN 'everything' ELSE basis END AS basis,
            CASE basis
                WHEN 'region' THEN region WHEN 'unit' THEN name
                WHEN 'project_unit' THEN project_code WHEN 'project' THEN project_code
                ELSE ''
            END AS k1,
            CASE basis WHEN 'project_unit' THEN country ELSE '' END AS k2,
            CASE basis WHEN 'project_unit' THEN donor_unit ELSE '' END AS k3,
            CASE WHEN basis IN ('all', 'unit', 'group') OR year IS NULL THEN 0 ELSE year END
                AS year_key,
            CASE basis WHEN 'group' THEN id ELSE 0 END AS subtotal
        FROM stated t
    ),
    {units_cte}
    sums (basis, k1, k2, k3, year, subtotal, total, n) AS (
        {grouped("region", "region")}
        UNION ALL
        {grouped("project_unit", "project_code", "country", "donor_unit")}
        UNION ALL
        {grouped("project", "project_code")}
        UNION ALL
        SELECT 'top_10', '', '', '', year, 0, SUM(amount), COUNT(*)
        FROM details WHERE project_code IN (SELECT project_code FROM top_10)
            AND EXISTS {wanted("top_10", yearly=True)}
        GROUP BY year
        UNION ALL
        SELECT 'top_10', '', '', '', 0, 0, SUM(amount), COUNT(*)
        FROM details WHERE project_code IN (SELECT project_code FROM top_10)
        UNION ALL
        SELECT 'unit', donor_unit, '', '', 0, 0, SUM(amount), COUNT(*)
        FROM details WHERE donor_unit IN {wanted("unit", yearly=False)}
        GROUP BY donor_unit
        UNION ALL
        SELECT 'everything', '', '', '', year, 0, SUM(amount), COUNT(*)
        FROM details WHERE EXISTS {wanted("everything", yearly=True)}
        GROUP BY year
        UNION ALL
        SELECT 'everything', '', '', '', 0, 0, SUM(amount), COUNT(*) FROM details
        {units_sums}
    ),
    listed (under, total, n) AS (
        SELECT parent_row, SUM(amount), COUNT(*) FROM stated
        WHERE source_table = '{names["breakdown"]}' AND parent_row IS NOT NULL
        GROUP BY parent_row
        UNION ALL
        SELECT -1, SUM(amount), COUNT(*) FROM stated
        WHERE source_table = '{names["breakdown"]}' AND parent_row IS NULL
            AND level <> '{names["grand_total"]}'
    ),
    compared AS (
        SELECT {of("k")}, COALESCE(s.total, 0) AS itemised, COALESCE(s.n, 0) AS n,
            0 AS compared
        FROM keyed k LEFT JOIN sums s
            ON s.basis = k.basis AND s.k1 = k.k1 AND s.k2 = k.k2 AND s.k3 = k.k3
            AND s.year = k.year_key AND s.subtotal = k.subtotal
        UNION ALL
        SELECT {of("t")}, COALESCE(l.total, 0), COALESCE(l.n, 0), 1
        FROM stated t LEFT JOIN listed l
            ON l.under = CASE WHEN t.level = '{names["grand_total"]}' THEN -1
                ELSE t.source_row END
        WHERE t.source_table = '{names["breakdown"]}' AND t.level <> '{names["donor_unit"]}'
    ),
    findings AS (
        SELECT {of("c")}, c.itemised, c.n AS count, c.compared,
            CASE
                WHEN amount = itemised THEN '{FindingKind.AGREES}'
                WHEN n > 0 AND (
                    (amount > itemised AND amount <= itemised + 0.5 * (n + 1))
                    OR (amount < itemised AND amount >= itemised - 0.5 * (n + 1))
                ) THEN '{FindingKind.ROUNDING}'
                WHEN amount > itemised THEN '{FindingKind.NOT_ITEMISED}'
                ELSE '{FindingKind.EXCEEDS}'
            END AS kind
        FROM compared c
    )"""  # noqa: S608 - formatted in: the code's constants and quoted names; values are parameters
    return sql, params


_ITEMISED = Value(ZERO, output_field=MONEY)


def _finding(row: StatedSubtotal, partnership: Partnership, converters: list) -> Finding:
    row.partnership = partnership
    for convert in converters:
        row.itemised = convert(row.itemised, _ITEMISED, connection)
    row.count = int(row.count)
    if not row.compared:
        compared_with = _DETAIL_ROWS
    elif row.level == Level.GRAND_TOTAL:
        compared_with = _OUTERMOST
    else:
        compared_with = _LISTED_UNDER
    return Finding(row, compared_with, row.amount, row.itemised, row.count)


# The annex's order; the key last, for rows of two imports on the same row of a table.
_FINDING_ORDER = "source_table, source_row, year, compared, id"


class AnnexFindings:
    """The reconciliation of one partnership's annex, summed in the database (reading the
    donor breakdown once): how many comparisons of each kind, and the comparisons
    themselves for a paginator."""

    def __init__(self, *, partnership: Partnership):
        self.partnership = partnership
        self.sql, self.params = _findings_sql(partnership=partnership)

    def counts(self) -> dict[str, int]:
        """How many comparisons of each kind (one query, a row per kind)."""
        counts = dict.fromkeys(FindingKind.values, 0)
        with connection.cursor() as cursor:
            cursor.execute(
                f"{self.sql} SELECT kind, COUNT(*) FROM findings GROUP BY kind",  # noqa: S608
                self.params,
            )
            for kind, n in cursor.fetchall():
                counts[kind] += n
        return counts

    def listed(self, *, differences: bool) -> Findings:
        return Findings(self, differences=differences)


class Findings(Sequence):
    """The comparisons in the annex's order, or only the differences: its length is one
    count, a slice one query of that many rows."""

    def __init__(self, annex: AnnexFindings, *, differences: bool):
        self.partnership = annex.partnership
        where = f"WHERE kind <> '{FindingKind.AGREES}'" if differences else ""
        self.params = annex.params
        # (Only _findings_sql's text and constants: no value is formatted in.)
        self.count_sql = f"{annex.sql} SELECT COUNT(*) FROM findings {where}"  # noqa: S608
        self.rows_sql = f"{annex.sql} SELECT * FROM findings {where} ORDER BY {_FINDING_ORDER}"  # noqa: S608
        self.every: list[Finding] | None = None

    def __len__(self) -> int:
        if self.every is not None:
            return len(self.every)
        with connection.cursor() as cursor:
            cursor.execute(self.count_sql, self.params)
            return cursor.fetchone()[0]

    def _rows(self, low: int = 0, high: int | None = None) -> list[Finding]:
        if high is not None and high <= low:
            return []  # as a queryset's empty slice: no query
        limit = connection.ops.limit_offset_sql(low, high)
        rows = StatedSubtotal.objects.raw(f"{self.rows_sql} {limit}", self.params)
        # The sums read as Django reads a decimal annotation on this database (SQLite
        # sums decimals as floats).
        converters = [
            *connection.ops.get_db_converters(_ITEMISED),
            *_ITEMISED.get_db_converters(connection),
        ]
        return [_finding(row, self.partnership, converters) for row in rows]

    def __iter__(self):
        # Read once and kept, as a queryset keeps its rows: list() asks the length after
        # iterating, which then costs no query.
        if self.every is None:
            self.every = self._rows()
        return iter(self.every)

    def __getitem__(self, index):
        if isinstance(index, slice):
            if (index.start or 0) < 0 or (index.stop or 0) < 0 or index.step not in (None, 1):
                raise ValueError("Only a slice of non-negative bounds, in steps of one.")
            return self._rows(index.start or 0, index.stop)
        if index < 0:
            raise ValueError("Negative indexing is not supported.")
        rows = self._rows(index, index + 1)
        if not rows:
            raise IndexError(index)
        return rows[0]


def reconciliation(*, partnership: Partnership) -> Reconciliation:
    """Every finding, in the annex's order (for the exports, the API and the import's
    summary; the page reads a page of them)."""
    annex = AnnexFindings(partnership=partnership)
    return Reconciliation(findings=list(annex.listed(differences=False)))


# What a period that would leave budget lines outside is told, by the side it shrinks on.
_LINES_BEFORE = ngettext_lazy(
    "The budget has a line for %(years)s: the agreement must start in %(year)s "
    "or earlier to hold it.",
    "The budget has lines for %(years)s: the agreement must start in %(year)s "
    "or earlier to hold them.",
    "count",
)
_LINES_AFTER = ngettext_lazy(
    "The budget has a line for %(years)s: the agreement must end in %(year)s or later to hold it.",
    "The budget has lines for %(years)s: the agreement must end in %(year)s or later to hold them.",
    "count",
)


def outside_period(
    *, partnership: Partnership, start_date: dt.date, end_date: dt.date
) -> dict[str, list[str]]:
    """The budget lines of years the agreement's period ``start_date``–``end_date`` would
    leave outside (``core.periods``). A line stands once made (no service withdraws it or
    moves its year), and its payments with it: they count through their line, not by
    their value date, since a payment made after its year, even after the agreement's
    end, is a timing difference (``Disbursement.clean`` takes it), not money outside it."""
    years = list(
        BudgetLine.objects.filter(partnership=partnership)
        .exclude(year__range=(start_date.year, end_date.year))
        .values_list("year", flat=True)
    )
    return periods.years_errors(
        years, start_date=start_date, end_date=end_date, before=_LINES_BEFORE, after=_LINES_AFTER
    )
