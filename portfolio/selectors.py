"""Reads of the portfolio: a partnership's strategy as a strategy file holds it, and the
portfolio of the partnerships a person sees with their figures."""

from __future__ import annotations

from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.db.models import IntegerField
from django.db.models import OuterRef
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from attention import selectors as attention_selectors
from attention.selectors import Item as AttentionItem
from consultations import selectors as consultation_selectors
from consultations.models import Consultation
from consultations.models import StandardAgendaItem
from core import exports
from core.access import Role
from core.access import roles_in
from core.i18n import lazy_format
from funding import selectors as funding_selectors
from funding.models import BudgetLine
from funding.selectors import BudgetTotals
from funding.selectors import Totals
from funding.selectors import YearTotals
from partnership import access as partnership_access
from partnership.models import Document
from partnership.models import GoalStatus
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea
from partnership.models import Risk
from partnership.selectors import HeatCell
from reviews import selectors as review_selectors
from reviews.models import Review

from . import strategy_file
from .strategy_file import BUDGET
from .strategy_file import DOCUMENTS
from .strategy_file import FACT
from .strategy_file import GOALS
from .strategy_file import ORGANISATION
from .strategy_file import PARTNERSHIP
from .strategy_file import PRIORITY_AREAS
from .strategy_file import RISKS
from .strategy_file import STANDARD_AGENDA
from .strategy_file import Entry
from .strategy_file import Section
from .strategy_file import Strategy


def _entry(obj: object, section: Section, path: str) -> Entry:
    return Entry(values={name: getattr(obj, name) for name in section.fields}, path=path)


def _entries(objects: list, section: Section) -> list[Entry]:
    return [_entry(obj, section, f"{section.name}[{i + 1}]") for i, obj in enumerate(objects)]


def strategy_of(*, partnership: Partnership) -> Strategy:
    """The partnership's strategy as it stands now, what was retired left out, in the terms
    of a strategy file (eight queries): what a renewal copies, and what the download of its
    file holds. A goal keeps its priority area unless the area was retired."""
    organisation = partnership.organisation
    current = {"partnership": partnership, "retired_on__isnull": True}
    goals = []
    for goal in OverallGoal.objects.filter(**current).select_related("priority_area"):
        entry = _entry(goal, GOALS, f"goals[{len(goals) + 1}]")
        area = goal.priority_area
        entry.values["priority_area"] = area.number if area and not area.retired_on else None
        goals.append(entry)
    lines = BudgetLine.objects.filter(partnership=partnership).order_by("year", "component")
    return Strategy(
        organisation=_entry(organisation, ORGANISATION, "organisation"),
        facts=_entries(list(organisation.facts.all()), FACT),
        partnership=_entry(partnership, PARTNERSHIP, "partnership"),
        priority_areas=_entries(list(PriorityArea.objects.filter(**current)), PRIORITY_AREAS),
        goals=goals,
        risks=_entries(list(Risk.objects.filter(**current)), RISKS),
        budget=_entries(list(lines), BUDGET),
        standard_agenda=_entries(
            list(StandardAgendaItem.objects.filter(**current)), STANDARD_AGENDA
        ),
        documents=_entries(
            list(Document.objects.filter(partnership=partnership).order_by("pk")), DOCUMENTS
        ),
    )


def strategy_file_of(*, partnership: Partnership) -> bytes:
    """The partnership's strategy file (``strategy_of``), as a user downloads it."""
    return strategy_file.dump(strategy_of(partnership=partnership))


@dataclass(frozen=True)
class RenewalCopies:
    """What a renewal of the partnership carries over, counted."""

    priority_areas: int
    goals: int
    risks: int
    agenda_items: int
    budget_components: int


def renewal_copies(*, partnership: Partnership) -> RenewalCopies:
    """What ``services.partnership_renew`` would copy, the retired left out (one query)."""

    def count(model, field: str = "pk", **current: Any) -> Subquery:
        return Subquery(
            model.objects.filter(partnership=OuterRef("pk"), **current)
            .order_by()
            .values("partnership")
            .annotate(n=Count(field, distinct=True))
            .values("n"),
            output_field=IntegerField(),
        )

    row = (
        Partnership.objects.filter(pk=partnership.pk)
        .annotate(
            areas=Coalesce(count(PriorityArea, retired_on__isnull=True), 0),
            goal_count=Coalesce(count(OverallGoal, retired_on__isnull=True), 0),
            risk_count=Coalesce(count(Risk, retired_on__isnull=True), 0),
            agenda_count=Coalesce(count(StandardAgendaItem, retired_on__isnull=True), 0),
            components=Coalesce(count(BudgetLine, "component"), 0),
        )
        .values("areas", "goal_count", "risk_count", "agenda_count", "components")
        .get()
    )
    return RenewalCopies(
        priority_areas=row["areas"],
        goals=row["goal_count"],
        risks=row["risk_count"],
        agenda_items=row["agenda_count"],
        budget_components=row["components"],
    )


# --- The portfolio view ----------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioFilters:
    """What the portfolio is narrowed to: an organisation (by acronym), a status, a year of
    the period."""

    organisation: str = ""
    status: str = ""
    year: int | None = None


RISK_BANDS = ("high", "medium", "low", "not_assessed")


# What is overdue in a partnership: the most urgent few, and how many there are.
OVERDUE_SHOWN = 5


@dataclass
class PartnershipFigures:
    """One partnership of the portfolio, with what the portfolio shows of it."""

    partnership: Partnership
    role: Role | None
    budget: Totals  # DKK over the period (or the year asked for)
    goal_counts: list[tuple[str, str, int]]  # (status, label, count), in the statuses' order
    risk_bands: dict[str, int]  # RISK_BANDS: the latest residual rating's band
    next_consultation: Consultation | None
    next_review: Review | None
    overdue: list[AttentionItem]  # the most urgent OVERDUE_SHOWN
    overdue_count: int = 0  # how many things are overdue, shown or not
    years: list[YearTotals] = field(default_factory=list)  # a row a year, when asked for

    @property
    def planned(self) -> Decimal:
        return self.budget.planned

    @property
    def committed(self) -> Decimal:
        return self.budget.committed

    @property
    def disbursed(self) -> Decimal:
        return self.budget.disbursed

    @property
    def overdue_more(self) -> int:
        return self.overdue_count - len(self.overdue)

    @property
    def goal_total(self) -> int:
        return sum(count for _value, _label, count in self.goal_counts)

    @property
    def risk_total(self) -> int:
        return sum(self.risk_bands.values())


@dataclass
class Portfolio:
    """The partnerships the user sees, as the filters narrow them (a page of them, on the
    page), and the DKK budget of them all per year."""

    partnerships: list[PartnershipFigures]
    years: BudgetTotals


def _band(likelihood: int | None, impact: int | None) -> str:
    if not likelihood or not impact:
        return "not_assessed"
    return HeatCell(likelihood, impact, []).band


def portfolio_partnerships(*, user: Any, filters: PortfolioFilters) -> QuerySet[Partnership]:
    """The partnerships of the portfolio the user sees (every one, for a portfolio
    administrator), as the filters narrow them, newest first."""
    partnerships = partnership_access.partnerships.visible(user).order_by("-start_date", "title")
    if filters.organisation:
        partnerships = partnerships.filter(organisation__acronym__iexact=filters.organisation)
    if filters.status:
        partnerships = partnerships.filter(status=filters.status)
    if filters.year is not None:
        partnerships = partnerships.filter(
            start_date__year__lte=filters.year, end_date__year__gte=filters.year
        )
    return partnerships


def portfolio_acronyms(*, user: Any) -> list[str]:
    """The acronyms of the organisations of the partnerships the user sees (one query, a
    row an organisation)."""
    visible = partnership_access.partnerships.visible(user)
    acronyms = visible.order_by("organisation__acronym").values_list("organisation__acronym")
    return list(acronyms.distinct().values_list("organisation__acronym", flat=True))


def _goal_counts(ids: list[int]) -> dict[int, Counter]:
    counts: dict[int, Counter] = defaultdict(Counter)
    goals = (
        OverallGoal.objects.filter(partnership_id__in=ids, retired_on__isnull=True)
        .with_current_status()
        .values_list("partnership_id", "current_status")
    )
    for partnership_id, status in goals:
        counts[partnership_id][status] += 1
    return counts


def _risk_bands(ids: list[int]) -> dict[int, Counter]:
    bands: dict[int, Counter] = defaultdict(Counter)
    risks = (
        Risk.objects.filter(partnership_id__in=ids, retired_on__isnull=True)
        .with_latest_assessment()
        .values_list("partnership_id", "latest_residual_likelihood", "latest_residual_impact")
    )
    for partnership_id, likelihood, impact in risks:
        bands[partnership_id][_band(likelihood, impact)] += 1
    return bands


def portfolio_figures(
    *, user: Any, partnerships: list[Partnership], year: int | None = None, by_year: bool = False
) -> list[PartnershipFigures]:
    """What the portfolio shows of each partnership, read for all of them at once: its
    budget (only ``year``'s, if given; ``by_year``: a row a year of its period too), goals
    by status, risks by residual rating, the next consultation and review, the most urgent
    of what is overdue and how much is (twelve queries, however many partnerships and
    however much data)."""
    ids = [p.pk for p in partnerships]
    if not ids:
        return []
    roles = roles_in(user, ids)
    if by_year:
        budgets = funding_selectors.budget_totals_by_partnership_and_year(
            partnership_ids=ids, year=year
        )
    else:
        totals = funding_selectors.budget_totals_by_partnership(partnership_ids=ids, year=year)
    goals = _goal_counts(ids)
    risks = _risk_bands(ids)
    consultations = consultation_selectors.next_consultations(partnership_ids=ids)
    reviews = review_selectors.next_reviews(partnership_ids=ids)
    found = attention_selectors.overdue_found(partnership_ids=ids, cap=OVERDUE_SHOWN)
    overdue: dict[int, list[AttentionItem]] = defaultdict(list)
    for item in found.items:
        overdue[item.partnership.pk].append(item)
    overdue_counts: Counter = Counter()
    for (partnership_id, _rule), count in found.totals.items():
        overdue_counts[partnership_id] += count
    figures = []
    for partnership in partnerships:
        years: list[YearTotals] = []
        if by_year:
            recorded = budgets.get(partnership.pk, {})
            years = [
                recorded.get(y) or YearTotals(year=y, annual_amount=partnership.annual_amount)
                for y in partnership.years
                if year is None or y == year
            ]
            budget = Totals()
            for figure in years:
                budget.add(figure)
        else:
            budget = totals.get(partnership.pk) or Totals()
        figures.append(
            PartnershipFigures(
                partnership=partnership,
                role=Role(roles[partnership.pk]) if partnership.pk in roles else None,
                budget=budget,
                goal_counts=[
                    (value, label, goals[partnership.pk][value])
                    for value, label in GoalStatus.choices
                ],
                risk_bands={band: risks[partnership.pk][band] for band in RISK_BANDS},
                next_consultation=consultations.get(partnership.pk),
                next_review=reviews.get(partnership.pk),
                overdue=overdue[partnership.pk][:OVERDUE_SHOWN],
                overdue_count=overdue_counts[partnership.pk],
                years=years,
            )
        )
    return figures


def portfolio(
    *, user: Any, filters: PortfolioFilters, partnerships: list[Partnership] | None = None
) -> Portfolio:
    """The portfolio page's and export's figures: of ``partnerships`` (a page of
    :func:`portfolio_partnerships`; default: all of them), and the budget per year of all
    that the filters select, summed by the database (fourteen queries, however many
    partnerships)."""
    selected = portfolio_partnerships(user=user, filters=filters)
    if partnerships is None:
        partnerships = list(selected.select_related("organisation"))
    figures = portfolio_figures(user=user, partnerships=partnerships, year=filters.year)
    years = funding_selectors.portfolio_budget_by_year(partnerships=selected, year=filters.year)
    return Portfolio(partnerships=figures, years=years)


CENT = Decimal("0.01")
EXPORT_HEADERS = [
    _("Partnership"), _("Slug"), _("Organisation"), _("Start"), _("End"), _("Status"),
    _("Your role"), _("Annual amount"), _("Currency"), _("Planned (DKK)"),
    _("Committed (DKK)"), _("Disbursed (DKK)"),
    *(lazy_format(_("Goals: %(label)s"), label=label) for _value, label in GoalStatus.choices),
    _("Risks: high"), _("Risks: medium"), _("Risks: low"), _("Risks: not assessed"),
    _("Next consultation"), _("Next review"), _("Next review due"), _("Overdue"),
]  # fmt: skip


def portfolio_table(portfolio: Portfolio) -> exports.Table:
    """The portfolio as one row a partnership, for CSV and XLSX."""

    def row(figures: PartnershipFigures) -> list[Any]:
        p, consultation, review = (
            figures.partnership, figures.next_consultation, figures.next_review,
        )  # fmt: skip
        return [
            p.title, p.slug, p.organisation.acronym, p.start_date, p.end_date,
            p.get_status_display(), figures.role.label if figures.role else "",
            p.annual_amount, p.currency,
            *(amount.quantize(CENT) for amount in (figures.planned, figures.committed,
                                                   figures.disbursed)),
            *(count for _value, _label, count in figures.goal_counts),
            *(figures.risk_bands[band] for band in RISK_BANDS),
            consultation.year if consultation else "",
            review.title if review else "",
            review.due_date if review and review.due_date else "",
            "; ".join(item.title for item in figures.overdue)
            + (f" (+{figures.overdue_more})" if figures.overdue_more else ""),
        ]  # fmt: skip

    return exports.Table("portfolio", EXPORT_HEADERS, (row(f) for f in portfolio.partnerships))
