"""The money of a partnership: budget lines and their approval, payments, exchange rates,
the assessed contribution, the Annex IV funding history, earmarked allocations and staff.

Money is ``Decimal`` with an explicit currency. Figures loaded from the strategy carry a
``citation`` naming where the document states them.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models import Sum
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Capability
from core.models import DATE_VALIDATORS
from core.models import PARAGRAPH
from core.models import YEAR_VALIDATORS
from core.models import AppendOnlyModel
from core.models import LimitedTextField
from core.models import kept
from core.models import part_of
from core.models import person_field
from partnership.assignees import assignee_field
from partnership.assignees import check_assignee
from partnership.models import Currency
from partnership.models import Partnership
from partnership.models import check_not_after_today
from partnership.models import check_not_before_start

CENT = Decimal("0.01")


class Component(models.TextChoices):
    """The rows of section 5's table."""

    CORE = "core", _("Core funds (un-earmarked)")
    PRIORITY_AREA_1 = "priority_area_1", _("Priority area 1 (thematically earmarked)")
    PRIORITY_AREA_2 = "priority_area_2", _("Priority area 2 (thematically earmarked)")
    SECONDMENTS = "secondments", _("Personnel component, i.e. secondments, not including JPO's")


EARMARKED_COMPONENTS = (Component.PRIORITY_AREA_1, Component.PRIORITY_AREA_2)
FOREIGN_CURRENCIES = [c for c in Currency.choices if c[0] != Currency.DKK]


MONEY = models.DecimalField(max_digits=16, decimal_places=2)


class BudgetLineQuerySet(models.QuerySet["BudgetLine"]):
    def with_paid(self, *, by_day: tuple[int, int] | None = None) -> BudgetLineQuerySet:
        """Each line with what was paid on it (``paid``, in DKK as booked; one subquery):
        for a reader that asks whether anything was, not what is left.

        ``by_day`` (month, day): only the payments dated on or before that day of the
        line's own year, for a reader that asks whether anything was paid by then."""
        by = None
        if by_day is not None:
            month, day = by_day
            year = OuterRef("year")
            by = (
                Q(value_date__year__lt=year)
                | Q(value_date__year=year, value_date__month__lt=month)
                | Q(value_date__year=year, value_date__month=month, value_date__day__lte=day)
            )
        return self.annotate(paid=_booked_on_line(Disbursement.Kind.PAYMENT, by))

    def with_disbursed(self) -> BudgetLineQuerySet:
        """Each line with what was paid on it and refunded to it (``paid``, ``refunded``),
        the net of the two (``disbursed``) and what is ``left`` of its amount, in DKK as
        booked: the amount debited where recorded, else the DKK equivalent.

        The one place the net disbursed figure is computed. Subqueries, not a join, so that
        the annotations add up per year and compose with other annotations.
        """
        return self.annotate(
            paid=_booked_on_line(Disbursement.Kind.PAYMENT),
            refunded=_booked_on_line(Disbursement.Kind.REFUND),
        ).annotate(disbursed=F("paid") - F("refunded"), left=F("amount") - F("disbursed"))


def _booked_on_line(kind: str, dated: Q | None = None) -> Coalesce:
    booked = (
        Disbursement.objects.filter(budget_line=OuterRef("pk"), kind=kind)
        .filter(dated or Q())
        .order_by()
        .values("budget_line")
        .annotate(total=Sum(booked_dkk_expression()))
        .values("total")
    )
    return Coalesce(Subquery(booked, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


class BudgetLine(models.Model):
    class Status(models.TextChoices):
        INDICATIVE = "indicative", _("Indicative (subject to parliamentary approval)")
        COMMITTED = "committed", _("Committed")
        CLOSED = "closed", _("Closed")

    partnership = part_of(Partnership, related_name="budget_lines", verbose_name=_("partnership"))
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS, verbose_name=_("year"))
    component = models.CharField(
        max_length=20, choices=Component.choices, verbose_name=_("component")
    )
    amount = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],  # budget_line_amount_not_negative, at the field
        verbose_name=_("amount"),
    )
    currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.DKK, verbose_name=_("currency")
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.INDICATIVE, verbose_name=_("status")
    )
    finance_act_reference = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The Finance Act (or Bill) under which Parliament approved the money."),
        verbose_name=_("finance act reference"),
    )
    citation = LimitedTextField(max_length=PARAGRAPH, blank=True, verbose_name=_("citation"))
    assignee = assignee_field(
        help_text=_(
            "The desk officer who sees the line through commitment and payment "
            "and is reminded of it."
        ),
    )
    history = HistoricalRecords()

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["partnership", "year", "component"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year", "component"], name="budget_line_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_line_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(status="indicative") | ~models.Q(finance_act_reference=""),
                name="budget_line_committed_has_finance_act",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_component_display()}"

    def get_absolute_url(self) -> str:
        return reverse(
            "funding:budget-line-detail", kwargs={"slug": self.partnership.slug, "pk": self.pk}
        )

    @property
    def label(self) -> str:
        # Component(...).label translates one name; get_component_display() hashes every
        # component's lazy name (a translation each), and tables show a label a row.
        component = self.component
        name = Component(component).label if component in Component.values else component
        return f"{self.year} · {name}"

    def clean(self) -> None:
        if self.currency != Currency.DKK:
            raise ValidationError({"currency": _("Budget lines are in DKK.")})
        if self.status != self.Status.INDICATIVE and not self.finance_act_reference.strip():
            raise ValidationError(
                {"finance_act_reference": _("A committed line needs its Finance Act reference.")}
            )
        partnership = self.partnership if self.partnership_id else None
        if partnership and self.year and self.year not in partnership.years:
            raise ValidationError(
                {
                    "year": _("The agreement runs %(0)s–%(value)s.")
                    % {"0": partnership.years[0], "value": partnership.years[-1]}
                }
            )
        if self.partnership_id:
            check_assignee(
                user=self.assignee,
                partnership_id=self.partnership_id,
                capability=Capability.EDIT_FUNDING,
            )


class BudgetLineTransition(AppendOnlyModel):
    """One step of a line's lifecycle: who moved it, when, from what to what."""

    budget_line = part_of(BudgetLine, related_name="transitions", verbose_name=_("budget line"))
    from_status = models.CharField(
        max_length=12, choices=BudgetLine.Status.choices, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=12, choices=BudgetLine.Status.choices, verbose_name=_("to status")
    )
    finance_act_reference = models.CharField(
        max_length=200, blank=True, verbose_name=_("finance act reference")
    )
    note = models.CharField(max_length=300, blank=True, verbose_name=_("note"))
    by = person_field(_("by"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line transition")
        verbose_name_plural = _("budget line transitions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return (
            f"{self.budget_line}: {self.get_from_status_display()} → {self.get_to_status_display()}"
        )


class ExchangeRate(models.Model):
    """How many DKK one unit of ``currency`` was worth on ``date``, and who said so."""

    partnership = part_of(Partnership, related_name="exchange_rates", verbose_name=_("partnership"))
    currency = models.CharField(
        max_length=3, choices=FOREIGN_CURRENCIES, verbose_name=_("currency")
    )
    date = models.DateField(validators=DATE_VALIDATORS, verbose_name=_("date"))
    rate = models.DecimalField(
        _("DKK per unit"), max_digits=14, decimal_places=6, validators=[MinValueValidator(0)]
    )
    source = models.CharField(
        max_length=200,
        help_text=_("Who published the rate, e.g. a bank."),
        verbose_name=_("source"),
    )
    created_by = person_field(_("created by"), optional=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "currency", "date"], name="exchange_rate_unique"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]
        indexes = [models.Index(fields=["partnership", "currency", "-date"], name="rate_lookup")]

    def __str__(self) -> str:
        return _("1 %(currency)s = %(rate)s DKK on %(date)s") % {
            "currency": self.currency,
            "rate": number_format(self.rate),
            "date": date_format(self.date),
        }

    def clean(self) -> None:
        # A rate is published for a day that has come; one dated ahead would convert the
        # payments of a day no one knows the rate of yet.
        check_not_after_today(self.date, field="date")
        # exchange_rate_positive, said at the field (the field's validator lets 0 through).
        if self.rate is not None and self.rate <= 0:
            raise ValidationError({"rate": _("Give a rate of more than zero.")})


class Disbursement(AppendOnlyModel):
    """A payment to, or a refund from, the organisation. A mistake is corrected by a refund."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")

    budget_line = kept(BudgetLine, related_name="disbursements", verbose_name=_("budget line"))
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.PAYMENT, verbose_name=_("kind")
    )
    value_date = models.DateField(validators=DATE_VALIDATORS, verbose_name=_("value date"))
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("amount"))
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    exchange_rate = models.DecimalField(_("DKK per unit"), max_digits=14, decimal_places=6)
    rate = kept(ExchangeRate, optional=True, related_name="disbursements", verbose_name=_("rate"))
    amount_dkk = models.DecimalField(_("DKK equivalent"), max_digits=16, decimal_places=2)
    debited_dkk = models.DecimalField(
        _("DKK debited"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "What the ministry's accounts show was debited, where it differs from the "
            "DKK equivalent at the recorded rate; it is then what counts against the line."
        ),
    )
    reference = models.CharField(max_length=120, verbose_name=_("reference"))
    created_by = person_field(_("created by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-value_date", "-pk"]
        # The API list across budget lines, newest first: read in index order, no sort.
        indexes = [models.Index(fields=["-value_date", "-id"], name="disbursement_newest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="disbursement_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_dkk__gt=0), name="disbursement_dkk_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(debited_dkk__isnull=True) | models.Q(debited_dkk__gt=0),
                name="disbursement_debited_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @staticmethod
    def check_value_date(value_date: dt.date | None, partnership: Partnership | None) -> None:
        """A payment dated ahead would count as made: on the line and by the day the
        attention rules ask about. Nor is money paid under an agreement before it began.
        One paid after its budget year, or after the partnership ended, stays allowed:
        late payments and timing differences between the accounts are real."""
        check_not_after_today(value_date, field="value_date")
        if partnership is not None:
            check_not_before_start(value_date, partnership, field="value_date")

    def clean(self) -> None:
        line = self.budget_line if self.budget_line_id is not None else None
        self.check_value_date(self.value_date, line.partnership if line else None)

    @property
    def booked_dkk(self) -> Decimal:
        """What counts against the line: the amount debited where recorded, else the DKK
        equivalent at the recorded rate (``booked_dkk_expression`` in the database)."""
        return self.amount_dkk if self.debited_dkk is None else self.debited_dkk

    @property
    def debit_difference(self) -> Decimal | None:
        """Debited less the computed equivalent; None where nothing was recorded."""
        return None if self.debited_dkk is None else self.debited_dkk - self.amount_dkk

    @property
    def rate_age_days(self) -> int | None:
        """Days between the rate's date and the value date (None for DKK)."""
        if self.rate is None:
            return None
        return (self.value_date - self.rate.date).days


def booked_dkk_expression() -> Coalesce:
    """``Disbursement.booked_dkk`` as a database expression."""
    return Coalesce("debited_dkk", "amount_dkk")


class AssessedContribution(models.Model):
    """The member state's share of the organisation's administrative budget, per year."""

    partnership = part_of(
        Partnership, related_name="assessed_contributions", verbose_name=_("partnership")
    )
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS, verbose_name=_("year"))
    scale_percent = models.DecimalField(
        _("assessment scale (%)"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    administrative_budget = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The Administrative Part of the Budget; empty where the source states none."),
        verbose_name=_("administrative budget"),
    )
    currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.CHF, verbose_name=_("currency")
    )
    stated_amount = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The contribution as the source states it (approximate)."),
        verbose_name=_("stated amount"),
    )
    invoiced = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name=_("invoiced")
    )
    paid = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name=_("paid")
    )
    paying_ministry = models.CharField(
        max_length=200,
        default="Ministry of Immigration and Integration",
        verbose_name=_("paying ministry"),
    )
    citation = LimitedTextField(max_length=PARAGRAPH, blank=True, verbose_name=_("citation"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessed contribution")
        verbose_name_plural = _("assessed contributions")
        ordering = ["partnership", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year"], name="assessed_contribution_unique"
            )
        ]

    def __str__(self) -> str:
        return _("Assessed contribution %(year)s") % {"year": self.year}

    @property
    def expected_amount(self) -> Decimal | None:
        """Administrative budget × scale, to the cent; None where the budget is not known."""
        if self.administrative_budget is None or self.scale_percent is None:
            return None
        return (self.administrative_budget * self.scale_percent / 100).quantize(
            CENT, rounding=ROUND_HALF_UP
        )

    @property
    def outstanding(self) -> Decimal | None:
        if self.invoiced is None:
            return None
        return self.invoiced - (self.paid or Decimal(0))


class BudgetFigure(models.Model):
    """A figure of the organisation's budget or funding that the strategy states."""

    partnership = part_of(Partnership, related_name="budget_figures", verbose_name=_("partnership"))
    order = models.PositiveSmallIntegerField(verbose_name=_("order"))
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS, verbose_name=_("year"))
    label = models.CharField(max_length=200, verbose_name=_("label"))
    amount = models.DecimalField(max_digits=18, decimal_places=2, verbose_name=_("amount"))
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    citation = LimitedTextField(max_length=PARAGRAPH, verbose_name=_("citation"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget figure")
        verbose_name_plural = _("budget figures")
        ordering = ["partnership", "order"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "order"], name="budget_figure_order")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.year})"


class ContributionImport(models.Model):
    """One imported file of the organisation's funding history (Annex IV layout)."""

    partnership = part_of(
        Partnership, related_name="contribution_imports", verbose_name=_("partnership")
    )
    filename = models.CharField(max_length=255, verbose_name=_("filename"))
    sha256 = models.CharField(max_length=64, verbose_name=_("sha256"))
    rows_read = models.PositiveIntegerField(default=0, verbose_name=_("rows read"))
    contributions_added = models.PositiveIntegerField(
        default=0, verbose_name=_("contributions added")
    )
    subtotals_added = models.PositiveIntegerField(default=0, verbose_name=_("subtotals added"))
    imported_by = person_field(_("imported by"), optional=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution import")
        verbose_name_plural = _("contribution imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "sha256"], name="contribution_import_once"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class SourceTable(models.TextChoices):
    DONOR_BREAKDOWN = "donor_breakdown", _("Detailed Donor Breakdown")
    TOP_10 = "top_10", _("Top 10 Projects")
    ALL_PROJECTS = "all_projects", _("All Projects")


class VoluntaryContribution(models.Model):
    """One project's voluntary contribution in one year, as the annex itemises it.

    Negative amounts are refunds. Region, country and donor unit are empty where the
    source gives the project only in a table without them (the top ten).
    """

    partnership = part_of(
        Partnership, related_name="voluntary_contributions", verbose_name=_("partnership")
    )
    source_import = kept(
        ContributionImport, related_name="contributions", verbose_name=_("source import")
    )
    source_table = models.CharField(
        max_length=20, choices=SourceTable.choices, verbose_name=_("source table")
    )
    source_row = models.PositiveIntegerField(
        help_text=_("Row of the imported file."), verbose_name=_("source row")
    )
    project_code = models.CharField(max_length=20, verbose_name=_("project code"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    region = models.CharField(max_length=100, blank=True, verbose_name=_("region"))
    country = models.CharField(max_length=100, blank=True, verbose_name=_("country"))
    donor = models.CharField(max_length=100, blank=True, verbose_name=_("donor"))
    donor_unit = models.CharField(max_length=200, blank=True, verbose_name=_("donor unit"))
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS, verbose_name=_("year"))
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("amount"))
    currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.USD, verbose_name=_("currency")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voluntary contribution")
        verbose_name_plural = _("voluntary contributions")
        ordering = ["year", "region", "country", "donor_unit", "project_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "project_code", "donor_unit", "country", "year"],
                name="voluntary_contribution_unique",
            )
        ]
        # The API list's order; its first columns serve the explorer's per-year totals.
        indexes = [
            models.Index(fields=["partnership", "year", "project_code", "id"], name="vc_list_order")
        ]

    def __str__(self) -> str:
        return f"{self.project_code} {self.year}"

    @property
    def is_refund(self) -> bool:
        return self.amount < 0


class StatedSubtotal(models.Model):
    """A total the source states, to be reconciled with the detail rows it covers."""

    class Level(models.TextChoices):
        GRAND_TOTAL = "grand_total", _("Grand total")
        DONOR_GROUP = "donor_group", _("Donor group")
        DONOR_UNIT = "donor_unit", _("Donor unit")
        REGION = "region", _("Region")
        COUNTRY = "country", _("Country")
        YEAR = "year", _("Year")
        PROJECT = "project", _("Project")

    partnership = part_of(
        Partnership, related_name="stated_subtotals", verbose_name=_("partnership")
    )
    source_import = kept(
        ContributionImport, related_name="subtotals", verbose_name=_("source import")
    )
    source_table = models.CharField(
        max_length=20, choices=SourceTable.choices, verbose_name=_("source table")
    )
    source_row = models.PositiveIntegerField(verbose_name=_("source row"))
    level = models.CharField(max_length=12, choices=Level.choices, verbose_name=_("level"))
    name = models.CharField(max_length=300, verbose_name=_("name"))
    # What the subtotal covers, where the source says: the detail rows it adds up.
    project_code = models.CharField(max_length=20, blank=True, verbose_name=_("project code"))
    region = models.CharField(max_length=100, blank=True, verbose_name=_("region"))
    country = models.CharField(max_length=100, blank=True, verbose_name=_("country"))
    donor_unit = models.CharField(max_length=200, blank=True, verbose_name=_("donor unit"))
    depth = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Nesting in the donor breakdown: 0 is the outermost."),
        verbose_name=_("depth"),
    )
    parent_row = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("parent row"))
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, verbose_name=_("year")
    )
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("amount"))
    percent = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("percent")
    )
    currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.USD, verbose_name=_("currency")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stated subtotal")
        verbose_name_plural = _("stated subtotals")
        ordering = ["source_table", "source_row", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "source_table", "level", "name", "parent_row", "year"],
                name="stated_subtotal_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        if self.year:
            return f"{self.get_level_display()} {self.name} {self.year}"
        return _("%(level)s %(name)s, all years") % {
            "level": self.get_level_display(),
            "name": self.name,
        }


class Allocation(models.Model):
    """What the organisation reports it did with thematically earmarked money, per country."""

    budget_line = kept(BudgetLine, related_name="allocations", verbose_name=_("budget line"))
    country = models.CharField(_("country (ISO 3166 alpha-2)"), max_length=2)
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("amount"))
    currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.DKK, verbose_name=_("currency")
    )
    description = LimitedTextField("purpose", max_length=PARAGRAPH)
    reported_in = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The report in which the organisation said so."),
        verbose_name=_("reported in"),
    )
    created_by = person_field(_("created by"), optional=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["budget_line__year", "budget_line__component", "country", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.description[:60]}"


class StaffPosition(models.Model):
    """A Danish national employed by the organisation (agenda item viii)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular staff")
        SECONDMENT = "secondment", _("Secondment")
        JPO = "jpo", _("Junior Professional Officer (separate agreement)")

    partnership = part_of(
        Partnership, related_name="staff_positions", verbose_name=_("partnership")
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    name = models.CharField(max_length=200, blank=True, verbose_name=_("name"))
    position = models.CharField(max_length=200, verbose_name=_("position"))
    grade = models.CharField(max_length=20, blank=True, verbose_name=_("grade"))
    duty_station = models.CharField(max_length=120, verbose_name=_("duty station"))
    start_date = models.DateField(validators=DATE_VALIDATORS, verbose_name=_("start date"))
    end_date = models.DateField(
        null=True, blank=True, validators=DATE_VALIDATORS, verbose_name=_("end date")
    )
    budget_line = kept(
        BudgetLine,
        optional=True,
        related_name="secondments",
        help_text=_("Secondments only: the secondments line their cost counts against."),
        verbose_name=_("budget line"),
    )
    cost = models.DecimalField(
        _("cost (DKK)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        # staff_position_cost_not_negative, at the field: a negative cost would make room
        # on the secondments line.
        validators=[MinValueValidator(0)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff position")
        verbose_name_plural = _("staff positions")
        ordering = ["kind", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="staff_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="secondment")
                | (models.Q(budget_line__isnull=True) & models.Q(cost__isnull=True)),
                name="staff_only_secondments_on_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(cost__gte=0), name="staff_position_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}, {self.duty_station}"

    @property
    def currency(self) -> str:
        """The cost's: it counts against a budget line, in DKK."""
        return Currency.DKK

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The period must end on or after its start.")})
        if self.kind == self.Kind.SECONDMENT:
            if self.budget_line_id is None:
                raise ValidationError(
                    {"budget_line": _("Name the secondments line it is paid from.")}
                )
            if self.cost is None:
                raise ValidationError({"cost": _("Give the secondment's cost in DKK.")})
            if self.budget_line.component != Component.SECONDMENTS:
                raise ValidationError({"budget_line": _("Choose a secondments line.")})
            if self.budget_line.partnership_id != self.partnership_id:
                raise ValidationError({"budget_line": _("Choose a line of this partnership.")})
        else:
            if self.budget_line_id is not None:
                message = (
                    _("JPOs are outside the budget: leave the budget line empty.")
                    if self.kind == self.Kind.JPO
                    else _(
                        "Regular staff are paid by the organisation: leave the budget line empty."
                    )
                )
                raise ValidationError({"budget_line": message})
            if self.cost is not None:
                raise ValidationError(
                    {"cost": _("Only a secondment's cost counts against the budget.")}
                )
