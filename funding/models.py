"""The money of a partnership: budget lines and their approval, payments, exchange rates,
the assessed contribution, the Annex IV funding history, earmarked allocations and staff.

Money is ``Decimal`` with an explicit currency. Figures loaded from the strategy carry a
``citation`` naming where the document states them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.access import Capability
from core.models import PARAGRAPH, AppendOnlyModel, LimitedTextField
from partnership.assignees import assignee_field, check_assignee
from partnership.models import Currency, Partnership

YEAR_VALIDATORS = [MinValueValidator(1945), MaxValueValidator(2100)]
CENT = Decimal("0.01")


class Component(models.TextChoices):
    """The rows of section 5's table."""

    CORE = "core", "Core funds (un-earmarked)"
    PRIORITY_AREA_1 = "priority_area_1", "Priority area 1 (thematically earmarked)"
    PRIORITY_AREA_2 = "priority_area_2", "Priority area 2 (thematically earmarked)"
    SECONDMENTS = "secondments", "Personnel component: secondments, not including JPOs"


EARMARKED_COMPONENTS = (Component.PRIORITY_AREA_1, Component.PRIORITY_AREA_2)
FOREIGN_CURRENCIES = [c for c in Currency.choices if c[0] != Currency.DKK]


MONEY = models.DecimalField(max_digits=16, decimal_places=2)


class BudgetLineQuerySet(models.QuerySet["BudgetLine"]):
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


def _booked_on_line(kind: str) -> Coalesce:
    booked = (
        Disbursement.objects.filter(budget_line=OuterRef("pk"), kind=kind)
        .order_by()
        .values("budget_line")
        .annotate(total=Sum(booked_dkk_expression()))
        .values("total")
    )
    return Coalesce(Subquery(booked, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


class BudgetLine(models.Model):
    class Status(models.TextChoices):
        INDICATIVE = "indicative", "Indicative (subject to parliamentary approval)"
        COMMITTED = "committed", "Committed"
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    component = models.CharField(max_length=20, choices=Component.choices)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.DKK)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INDICATIVE)
    finance_act_reference = models.CharField(
        max_length=200,
        blank=True,
        help_text="The Finance Act (or Bill) under which Parliament approved the money.",
    )
    citation = LimitedTextField(max_length=PARAGRAPH, blank=True)
    assignee = assignee_field(
        "responsible",
        "The desk officer who sees the line through commitment and payment and is reminded of it.",
    )
    history = HistoricalRecords()

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
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
        return f"{self.year} · {self.get_component_display()}"

    def clean(self) -> None:
        if self.currency != Currency.DKK:
            raise ValidationError({"currency": "Budget lines are in DKK."})
        if self.status != self.Status.INDICATIVE and not self.finance_act_reference.strip():
            raise ValidationError(
                {"finance_act_reference": "A committed line needs its Finance Act reference."}
            )
        partnership = self.partnership if self.partnership_id else None
        if partnership and self.year and self.year not in partnership.years:
            raise ValidationError(
                {"year": f"The agreement runs {partnership.years[0]}–{partnership.years[-1]}."}
            )
        if self.partnership_id:
            check_assignee(
                user=self.assignee,
                partnership_id=self.partnership_id,
                capability=Capability.EDIT_FUNDING,
            )


class BudgetLineTransition(AppendOnlyModel):
    """One step of a line's lifecycle: who moved it, when, from what to what."""

    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=12, choices=BudgetLine.Status.choices)
    to_status = models.CharField(max_length=12, choices=BudgetLine.Status.choices)
    finance_act_reference = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.from_status} → {self.to_status}"


class ExchangeRate(models.Model):
    """How many DKK one unit of ``currency`` was worth on ``date``, and who said so."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="exchange_rates"
    )
    currency = models.CharField(max_length=3, choices=FOREIGN_CURRENCIES)
    date = models.DateField()
    rate = models.DecimalField(
        "DKK per unit", max_digits=14, decimal_places=6, validators=[MinValueValidator(0)]
    )
    source = models.CharField(max_length=200, help_text="Who published the rate, e.g. a bank.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "currency", "date"], name="exchange_rate_unique"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]
        indexes = [models.Index(fields=["partnership", "currency", "-date"], name="rate_lookup")]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} DKK on {self.date}"


class Disbursement(AppendOnlyModel):
    """A payment to, or a refund from, the organisation. A mistake is corrected by a refund."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="disbursements"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    value_date = models.DateField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    exchange_rate = models.DecimalField("DKK per unit", max_digits=14, decimal_places=6)
    rate = models.ForeignKey(
        ExchangeRate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursements",
    )
    amount_dkk = models.DecimalField("DKK equivalent", max_digits=16, decimal_places=2)
    debited_dkk = models.DecimalField(
        "DKK debited",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What the ministry's accounts show was debited, where it differs from the "
        "DKK equivalent at the recorded rate; it is then what counts against the line.",
    )
    reference = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
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

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="assessed_contributions"
    )
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    scale_percent = models.DecimalField(
        "assessment scale (%)",
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    administrative_budget = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The Administrative Part of the Budget; empty where the source states none.",
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.CHF)
    stated_amount = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The contribution as the source states it (approximate).",
    )
    invoiced = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    paid = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    paying_ministry = models.CharField(
        max_length=200, default="Ministry of Immigration and Integration"
    )
    citation = LimitedTextField(max_length=PARAGRAPH, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year"], name="assessed_contribution_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Assessed contribution {self.year}"

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

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="budget_figures"
    )
    order = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    label = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    citation = LimitedTextField(max_length=PARAGRAPH)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "order"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "order"], name="budget_figure_order")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.year})"


class ContributionImport(models.Model):
    """One imported file of the organisation's funding history (Annex IV layout)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="contribution_imports"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField(default=0)
    contributions_added = models.PositiveIntegerField(default=0)
    subtotals_added = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "sha256"], name="contribution_import_once"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class SourceTable(models.TextChoices):
    DONOR_BREAKDOWN = "donor_breakdown", "Detailed Donor Breakdown"
    TOP_10 = "top_10", "Top 10 Projects"
    ALL_PROJECTS = "all_projects", "All Projects"


class VoluntaryContribution(models.Model):
    """One project's voluntary contribution in one year, as the annex itemises it.

    Negative amounts are refunds. Region, country and donor unit are empty where the
    source gives the project only in a table without them (the top ten).
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="voluntary_contributions"
    )
    source_import = models.ForeignKey(
        ContributionImport, on_delete=models.PROTECT, related_name="contributions"
    )
    source_table = models.CharField(max_length=20, choices=SourceTable.choices)
    source_row = models.PositiveIntegerField(help_text="Row of the imported file.")
    project_code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    donor = models.CharField(max_length=100, blank=True)
    donor_unit = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    history = HistoricalRecords()

    class Meta:
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
        GRAND_TOTAL = "grand_total", "Grand total"
        DONOR_GROUP = "donor_group", "Donor group"
        DONOR_UNIT = "donor_unit", "Donor unit"
        REGION = "region", "Region"
        COUNTRY = "country", "Country"
        YEAR = "year", "Year"
        PROJECT = "project", "Project"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stated_subtotals"
    )
    source_import = models.ForeignKey(
        ContributionImport, on_delete=models.PROTECT, related_name="subtotals"
    )
    source_table = models.CharField(max_length=20, choices=SourceTable.choices)
    source_row = models.PositiveIntegerField()
    level = models.CharField(max_length=12, choices=Level.choices)
    name = models.CharField(max_length=300)
    # What the subtotal covers, where the source says: the detail rows it adds up.
    project_code = models.CharField(max_length=20, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    donor_unit = models.CharField(max_length=200, blank=True)
    depth = models.PositiveSmallIntegerField(
        default=0, help_text="Nesting in the donor breakdown: 0 is the outermost."
    )
    parent_row = models.PositiveIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=YEAR_VALIDATORS)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    history = HistoricalRecords()

    class Meta:
        ordering = ["source_table", "source_row", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "source_table", "level", "name", "parent_row", "year"],
                name="stated_subtotal_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.name} {self.year or 'all years'}"


class Allocation(models.Model):
    """What the organisation reports it did with thematically earmarked money, per country."""

    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="allocations"
    )
    country = models.CharField("country (ISO 3166 alpha-2)", max_length=2)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.DKK)
    description = LimitedTextField("purpose", max_length=PARAGRAPH)
    reported_in = models.CharField(
        max_length=200, blank=True, help_text="The report in which the organisation said so."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget_line__year", "budget_line__component", "country", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.description[:60]}"


class StaffPosition(models.Model):
    """A Danish national employed by the organisation (agenda item viii)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "Regular staff"
        SECONDMENT = "secondment", "Secondment"
        JPO = "jpo", "Junior Professional Officer (separate agreement)"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="staff_positions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=200, blank=True)
    position = models.CharField(max_length=200)
    grade = models.CharField(max_length=20, blank=True)
    duty_station = models.CharField(max_length=120)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    budget_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secondments",
        help_text="Secondments only: the secondments line their cost counts against.",
    )
    cost = models.DecimalField("cost (DKK)", max_digits=16, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
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
        ]

    def __str__(self) -> str:
        return f"{self.position}, {self.duty_station}"

    @property
    def currency(self) -> str:
        """The cost's: it counts against a budget line, in DKK."""
        return Currency.DKK

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The period must end on or after its start."})
        if self.kind == self.Kind.SECONDMENT:
            if self.budget_line_id is None:
                raise ValidationError({"budget_line": "Name the secondments line it is paid from."})
            if self.cost is None:
                raise ValidationError({"cost": "Give the secondment's cost in DKK."})
            if self.budget_line.component != Component.SECONDMENTS:
                raise ValidationError({"budget_line": "Choose a secondments line."})
            if self.budget_line.partnership_id != self.partnership_id:
                raise ValidationError({"budget_line": "Choose a line of this partnership."})
        else:
            if self.budget_line_id is not None:
                what = (
                    "JPOs are outside the budget"
                    if self.kind == self.Kind.JPO
                    else "Regular staff are paid by the organisation"
                )
                raise ValidationError({"budget_line": f"{what}: leave the budget line empty."})
            if self.cost is not None:
                raise ValidationError(
                    {"cost": "Only a secondment's cost counts against the budget."}
                )
