"""The partnership record: the organisation, the agreement, who may see it, and what is tracked.

Every figure loaded from the strategy carries a ``citation`` naming the section, footnote
or annex where the document states it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import OuterRef
from django.db.models import Subquery
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import access
from core.models import DATE_VALIDATORS
from core.models import NARRATIVE
from core.models import PARAGRAPH
from core.models import SECTION
from core.models import SENTENCE
from core.models import YEAR_VALIDATORS
from core.models import AppendOnlyModel
from core.models import LimitedTextField
from core.models import kept
from core.models import part_of
from core.models import person_field
from core.models import retired_on_field
from core.uploads import ALLOWED
from core.uploads import extension_of

# What retiring a priority area, goal or risk means: the strategy's records are kept.
RETIRED_FROM_STRATEGY = _(
    "When it was retired: its history stays, it leaves what the strategy now holds."
)


class Currency(models.TextChoices):
    DKK = "DKK", _("DKK")
    USD = "USD", _("USD")
    CHF = "CHF", _("CHF")


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True, verbose_name=_("name"))
    acronym = models.CharField(max_length=20, verbose_name=_("acronym"))
    headquarters = models.CharField(max_length=100, blank=True, verbose_name=_("headquarters"))
    founded = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Year the organisation was established."),
        verbose_name=_("founded"),
    )
    member_states = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("member states")
    )
    countries_with_offices = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("As the source states it: offices in over this many countries."),
        verbose_name=_("countries with offices"),
    )
    un_related_since = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Year it became a related organisation of the UN."),
        verbose_name=_("un related since"),
    )
    iati_identifier = models.CharField(_("IATI organisation identifier"), max_length=40, blank=True)
    citation = models.CharField(max_length=200, blank=True, verbose_name=_("citation"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})"


class OrganisationFact(models.Model):
    """A further fact the strategy states about the organisation, with where it says so."""

    organisation = part_of(Organisation, related_name="facts", verbose_name=_("organisation"))
    order = models.PositiveSmallIntegerField(verbose_name=_("order"))
    label = models.CharField(max_length=120, verbose_name=_("label"))
    value = LimitedTextField(max_length=PARAGRAPH, verbose_name=_("value"))
    citation = models.CharField(max_length=200, verbose_name=_("citation"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation fact")
        verbose_name_plural = _("organisation facts")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "order"], name="org_fact_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


# The languages a strategy may be written in: those of the app's pages, each by its primary
# subtag and in its own name, as an HTML ``lang`` attribute and a switcher name them.
STRATEGY_LANGUAGES = [(code.partition("-")[0], name) for code, name in settings.LANGUAGES]


class Partnership(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    donor = models.CharField(max_length=200, verbose_name=_("donor"))
    organisation = kept(Organisation, related_name="partnerships", verbose_name=_("organisation"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    start_date = models.DateField(validators=DATE_VALIDATORS, verbose_name=_("start date"))
    end_date = models.DateField(validators=DATE_VALIDATORS, verbose_name=_("end date"))
    annual_amount = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],  # partnership_amount_not_negative, at the field
        verbose_name=_("annual amount"),
    )
    currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.DKK, verbose_name=_("currency")
    )
    funding_note = LimitedTextField(
        max_length=PARAGRAPH, blank=True, verbose_name=_("funding note")
    )
    signature_date = models.DateField(
        null=True, blank=True, validators=DATE_VALIDATORS, verbose_name=_("signature date")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status")
    )
    mid_term_review_due = models.CharField(
        max_length=60,
        blank=True,
        help_text=_(
            "When the mid-term review is due, as the strategy states it, e.g. “fall of 2023”."
        ),
        verbose_name=_("mid-term review due"),
    )
    strategy_title = models.CharField(max_length=300, blank=True, verbose_name=_("strategy title"))
    strategy_date = models.CharField(max_length=40, blank=True, verbose_name=_("strategy date"))
    strategy_language = models.CharField(
        max_length=10,
        choices=STRATEGY_LANGUAGES,
        default="en",
        help_text=_(
            "The language the strategy is written in: its titles, goals, risks and quotes are "
            "marked as such, so that a screen reader speaks them in it."
        ),
        verbose_name=_("strategy language"),
    )
    citation = models.CharField(max_length=200, blank=True, verbose_name=_("citation"))
    previous = kept(
        "self",
        optional=True,
        related_name="renewals",
        verbose_name=_("renews"),
        help_text=_("The partnership of the previous period that this one renews."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="partnership_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_amount__gte=0), name="partnership_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnership:dashboard", kwargs={"slug": self.slug})

    @property
    def strategy_words(self) -> str:
        """The strategy's own words in this record's name (``core.history`` marks them in
        the strategy's language): the agreement's title."""
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The period must end on or after its start.")})

    @property
    def years(self) -> list[int]:
        return list(range(self.start_date.year, self.end_date.year + 1))


class Membership(models.Model):
    """A user's role in a partnership: what they may see and do there (``core.access``)."""

    Role = access.Role

    user = part_of(settings.AUTH_USER_MODEL, related_name="memberships", verbose_name=_("user"))
    partnership = part_of(Partnership, related_name="memberships", verbose_name=_("partnership"))
    role = models.CharField(max_length=20, choices=Role.choices, verbose_name=_("role"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.partnership.slug}"


class StrategyPart(models.Model):
    """A numbered part of what the partnership's strategy holds (a priority area, a goal, a
    risk), with where the strategy states it: added after the last, retired, never deleted."""

    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    citation = models.CharField(max_length=200, blank=True, verbose_name=_("citation"))
    retired_on = retired_on_field(RETIRED_FROM_STRATEGY)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class PriorityArea(StrategyPart):
    partnership = part_of(Partnership, related_name="priority_areas", verbose_name=_("partnership"))
    title = LimitedTextField(max_length=SENTENCE, verbose_name=_("title"))
    short_title = models.CharField(max_length=200, blank=True, verbose_name=_("short title"))
    description = LimitedTextField(max_length=SECTION, blank=True, verbose_name=_("description"))

    class Meta:
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        ordering = ["partnership", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "number"], name="priority_area_number_unique"
            )
        ]

    def __str__(self) -> str:
        return _("Priority area %(number)s: %(title)s") % {
            "number": self.number,
            "title": self.strategy_words,
        }

    @property
    def strategy_words(self) -> str:
        return self.short_title or self.title


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    ACHIEVED = "achieved", _("Achieved")


def _latest_update() -> models.QuerySet:
    """A goal's updates, the latest first (for a subquery: the goal is the outer row)."""
    return GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-as_of", "-created_at", "-pk")


class OverallGoalQuerySet(models.QuerySet):
    def with_current_state(self) -> OverallGoalQuerySet:
        """Annotate each goal with its latest update's status and date (two subqueries):
        what a reader that needs neither the value nor the count of updates asks.

        A goal without updates is ``not_started``.
        """
        latest = _latest_update()
        return self.annotate(
            current_status=Coalesce(
                Subquery(latest.values("status")[:1]), Value(GoalStatus.NOT_STARTED.value)
            ),
            current_as_of=Subquery(latest.values("as_of")[:1]),
        )

    def with_current_status(self) -> OverallGoalQuerySet:
        """Annotate each goal with its latest update's status, date and value, and how many
        updates it has (subqueries).

        A goal without updates is ``not_started``.
        """
        latest = _latest_update()
        return self.with_current_state().annotate(
            current_value=Subquery(latest.values("actual_value")[:1]),
            # A subquery, not a join: grouping the goals by a join with every update made
            # the status subqueries run once per update (67 ms at 400 updates a goal).
            update_count=Coalesce(
                Subquery(
                    GoalUpdate.objects.filter(goal=OuterRef("pk"))
                    .order_by()
                    .values("goal")
                    .annotate(n=models.Count("pk"))
                    .values("n"),
                    output_field=models.IntegerField(),
                ),
                Value(0),
            ),
        )


class OverallGoal(StrategyPart):
    partnership = part_of(Partnership, related_name="goals", verbose_name=_("partnership"))
    text = LimitedTextField(max_length=PARAGRAPH, verbose_name=_("text"))
    priority_area = models.ForeignKey(
        PriorityArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("priority area"),
    )
    # The optional quantitative indicator.
    indicator = models.CharField(max_length=300, blank=True, verbose_name=_("indicator"))
    unit = models.CharField(max_length=60, blank=True, verbose_name=_("unit"))
    baseline_value = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, verbose_name=_("baseline value")
    )
    baseline_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, verbose_name=_("baseline year")
    )
    baseline_note = LimitedTextField(
        max_length=PARAGRAPH, blank=True, verbose_name=_("baseline note")
    )
    baseline_citation = models.CharField(
        max_length=200, blank=True, verbose_name=_("baseline citation")
    )
    target_value = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, verbose_name=_("target value")
    )
    target_description = models.CharField(
        max_length=300, blank=True, verbose_name=_("target description")
    )

    objects = OverallGoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("overall goal")
        verbose_name_plural = _("overall goals")
        ordering = ["partnership", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="goal_number_unique")
        ]

    def __str__(self) -> str:
        return _("Goal %(number)s: %(text)s") % {"number": self.number, "text": self.text}

    def get_absolute_url(self) -> str:
        return reverse(
            "partnership:goal-detail", kwargs={"slug": self.partnership.slug, "number": self.number}
        )

    @property
    def strategy_words(self) -> str:
        return self.text

    @property
    def has_indicator(self) -> bool:
        return bool(self.indicator)

    def clean(self) -> None:
        if self.baseline_value is not None and not self.indicator:
            raise ValidationError({"indicator": _("Name the indicator the baseline measures.")})
        if (self.baseline_value is None) != (self.baseline_year is None):
            raise ValidationError(
                {"baseline_year": _("Give the baseline value and its year together.")}
            )


def document_upload_to(instance: models.Model, filename: str) -> str:
    """A generated path: the user's file name never reaches the file system, and only an
    extension on the list of kept kinds does (``core.uploads``; any other is ``.bin``,
    served as bytes to download)."""
    extension = extension_of(filename)
    return f"documents/{uuid.uuid4().hex}.{extension if extension in ALLOWED else 'bin'}"


class Document(models.Model):
    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Organisation strategy")
        AGREEMENT = "agreement", _("Agreement")
        ANNUAL_REPORT = "annual_report", _("Annual report")
        FINANCIAL_REPORT = "financial_report", _("Financial report")
        AUDITED_STATEMENTS = "audited_statements", _("Audited financial statements")
        AUDIT_REPORT = "audit_report", _("Audit report")
        MOPAN = "mopan", _("MOPAN assessment")
        MINUTES = "minutes", _("Minutes")
        OTHER = "other", _("Other")

    partnership = part_of(Partnership, related_name="documents", verbose_name=_("partnership"))
    kind = models.CharField(max_length=30, choices=Kind.choices, verbose_name=_("kind"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        verbose_name=_("year"),
    )
    reference = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("The issuer's symbol or number, e.g. C/109/3."),
        verbose_name=_("reference"),
    )
    file = models.FileField(
        upload_to=document_upload_to, blank=True, max_length=200, verbose_name=_("file")
    )
    original_filename = models.CharField(
        max_length=255, blank=True, verbose_name=_("original filename")
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    citation = models.CharField(max_length=200, blank=True, verbose_name=_("citation"))
    uploaded_by = person_field(_("uploaded by"), optional=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(file="") | models.Q(url=""),
                name="document_file_or_link_not_both",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


def check_not_after_today(as_of: dt.date | None, *, field: str = "as_of") -> None:
    """An update or an assessment says how things stood on a day that has come: one dated
    later would stand as the latest, ahead of every update made until then. A payment
    too is made on a day that has come (``field``: where the date is refused)."""
    if as_of is not None and as_of > timezone.localdate():
        raise ValidationError(
            {
                field: _("Give today's date or an earlier one: %(date)s is still to come.")
                % {"date": date_format(as_of)}
            }
        )


def check_not_before_start(
    as_of: dt.date | None, partnership: Partnership, *, field: str = "as_of"
) -> None:
    """An update or an assessment says how things stood during the partnership: one dated
    before it began would tell, as the current state, of a time it did not cover. A
    payment too is made under the agreement (``field``: where the date is refused)."""
    if as_of is not None and as_of < partnership.start_date:
        raise ValidationError(
            {
                field: _(
                    "Give the partnership's start date, %(start)s, or a later one: "
                    "%(date)s is before the partnership began."
                )
                % {"start": date_format(partnership.start_date), "date": date_format(as_of)}
            }
        )


class AsOfRecord(AppendOnlyModel):
    """How something stood on a day (a goal's update, a risk's assessment), written once by
    its author: the latest ``as_of`` is its current state, a day from the partnership's
    start to today."""

    as_of = models.DateField(verbose_name=_("as of"))
    author = person_field(_("author"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["-as_of", "-created_at", "-pk"]

    def clean(self) -> None:
        check_not_after_today(self.as_of)
        partnership = self.about_partnership()
        if partnership is not None:
            check_not_before_start(self.as_of, partnership)

    def about_partnership(self) -> Partnership | None:
        """The partnership the record tells of (``None`` while what it is about is unset)."""
        raise NotImplementedError


class GoalUpdate(AsOfRecord):
    goal = kept(OverallGoal, related_name="updates", verbose_name=_("goal"))
    status = models.CharField(max_length=20, choices=GoalStatus.choices, verbose_name=_("status"))
    narrative = LimitedTextField(max_length=NARRATIVE, verbose_name=_("narrative"))
    actual_value = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, verbose_name=_("actual value")
    )
    evidence = models.ManyToManyField(
        Document, blank=True, related_name="goal_updates", verbose_name=_("evidence")
    )
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)

    class Meta(AsOfRecord.Meta):
        verbose_name = _("goal update")
        verbose_name_plural = _("goal updates")
        indexes = [
            models.Index(fields=["goal", "-as_of", "-created_at"], name="goalupdate_latest"),
            # The API list across partnerships, newest first: read in index order, no sort.
            models.Index(fields=["-as_of", "-created_at", "-id"], name="goalupdate_newest"),
        ]

    def about_partnership(self) -> Partnership | None:
        return self.goal.partnership if self.goal_id is not None else None

    def __str__(self) -> str:
        return _("%(goal)s — %(status)s as of %(date)s") % {
            "goal": self.goal,
            "status": self.get_status_display(),
            "date": date_format(self.as_of),
        }


class RiskQuerySet(models.QuerySet):
    def with_latest_assessment(self) -> RiskQuerySet:
        """Annotate each risk with its latest assessment's ratings (subqueries)."""
        latest = RiskAssessment.objects.filter(risk=OuterRef("pk")).order_by(
            "-as_of", "-created_at", "-pk"
        )
        fields = ("as_of", "likelihood", "impact", "residual_likelihood", "residual_impact")
        return self.annotate(
            **{f"latest_{name}": Subquery(latest.values(name)[:1]) for name in fields}
        )


class Risk(StrategyPart):
    partnership = part_of(Partnership, related_name="risks", verbose_name=_("partnership"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    description = LimitedTextField(max_length=SECTION, verbose_name=_("description"))

    objects = RiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["partnership", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="risk_number_unique")
        ]

    def __str__(self) -> str:
        return _("Risk %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self) -> str:
        return reverse(
            "partnership:risk-detail", kwargs={"slug": self.partnership.slug, "number": self.number}
        )

    @property
    def strategy_words(self) -> str:
        return self.title


RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class RiskAssessment(AsOfRecord):
    risk = kept(Risk, related_name="assessments", verbose_name=_("risk"))
    likelihood = models.PositiveSmallIntegerField(
        validators=RATING_VALIDATORS, verbose_name=_("likelihood")
    )
    impact = models.PositiveSmallIntegerField(
        validators=RATING_VALIDATORS, verbose_name=_("impact")
    )
    residual_likelihood = models.PositiveSmallIntegerField(
        validators=RATING_VALIDATORS, verbose_name=_("residual likelihood")
    )
    residual_impact = models.PositiveSmallIntegerField(
        validators=RATING_VALIDATORS, verbose_name=_("residual impact")
    )
    response = LimitedTextField(max_length=SECTION, verbose_name=_("response"))

    class Meta(AsOfRecord.Meta):
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        indexes = [
            models.Index(fields=["risk", "-as_of", "-created_at"], name="riskassessment_latest"),
            models.Index(fields=["-as_of", "-created_at", "-id"], name="riskassessment_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__range=(1, 5))
                & models.Q(impact__range=(1, 5))
                & models.Q(residual_likelihood__range=(1, 5))
                & models.Q(residual_impact__range=(1, 5)),
                name="risk_ratings_1_to_5",
            )
        ]

    def about_partnership(self) -> Partnership | None:
        return self.risk.partnership if self.risk_id is not None else None

    def __str__(self) -> str:
        return _("%(risk)s as of %(date)s") % {"risk": self.risk, "date": date_format(self.as_of)}

    @property
    def inherent_score(self) -> int:
        return self.likelihood * self.impact

    @property
    def residual_score(self) -> int:
        return self.residual_likelihood * self.residual_impact
