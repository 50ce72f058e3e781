"""Reviews of a partnership (mid-term, final), their assessments, and the rendered reports.

A review rests on sources (documents of the partnership), assesses each overall goal and
each priority area, and states findings and recommendations. Its report is rendered in the
background into numbered, immutable-once-issued :class:`ReportVersion` rows.
"""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.access import Capability
from core.models import DATE_VALIDATORS
from core.models import NARRATIVE
from core.models import PARAGRAPH
from core.models import SECTION
from core.models import AppendOnlyModel
from core.models import LimitedTextField
from core.models import kept
from core.models import part_of
from core.models import person_field
from partnership.assignees import assignee_field
from partnership.assignees import check_assignee
from partnership.models import Document
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea


class ReviewIssuedError(Exception):
    """Raised when code tries to change what an issued review or report version fixes."""


class Rating(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY_ACHIEVED = "partly_achieved", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    TOO_EARLY = "too_early", _("Too early to tell")


class Review(models.Model):
    class Kind(models.TextChoices):
        MID_TERM = "mid_term", _("Mid-term review")
        FINAL = "final", _("Final review")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        ISSUED = "issued", _("Issued")

    partnership = kept(Partnership, related_name="reviews", verbose_name=_("partnership"))
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    purpose = LimitedTextField(
        max_length=SECTION,
        blank=True,
        help_text=_("What the review is to assess."),
        verbose_name=_("purpose"),
    )
    period_start = models.DateField(
        _("period covered from"), null=True, blank=True, validators=DATE_VALIDATORS
    )
    period_end = models.DateField(
        _("period covered to"), null=True, blank=True, validators=DATE_VALIDATORS
    )
    # The source's words ("fall of 2019") are kept as they stand; the due date is the day
    # the app compares with today, a reading of those words that a desk officer confirms.
    due_date = models.DateField(
        null=True, blank=True, validators=DATE_VALIDATORS, verbose_name=_("due date")
    )
    due_description = models.CharField(
        _("due (as the source states it)"),
        max_length=60,
        blank=True,
        help_text=_("When the review is due in the source's words, e.g. “fall of 2019”."),
    )
    due_confirmed_by = person_field(_("due date confirmed by"), optional=True)
    due_confirmed_at = models.DateTimeField(_("due date confirmed at"), null=True, blank=True)
    fulfils_goal = models.ForeignKey(
        OverallGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fulfilling_reviews",
        verbose_name=_("overall goal it fulfils"),
        help_text=_(
            "The overall goal that carrying out this review fulfils, if one "
            "(e.g. a mid-term review in the fall of 2019)."
        ),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    assignee = assignee_field(
        help_text=_("The desk officer who carries the review through and is reminded of it."),
    )
    sources = models.ManyToManyField(
        Document,
        through="ReviewSource",
        related_name="reviews",
        blank=True,
        verbose_name=_("sources"),
    )
    citation = models.CharField(max_length=500, blank=True, verbose_name=_("citation"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["partnership", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True)
                | models.Q(period_end__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="review_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(due_confirmed_at__isnull=True)
                | models.Q(due_date__isnull=False),
                name="review_due_confirmed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "reviews:review-detail", kwargs={"slug": self.partnership.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period must end on or after its start.")})
        if self.partnership_id:
            check_assignee(
                user=self.assignee,
                partnership_id=self.partnership_id,
                capability=Capability.EDIT_REVIEWS,
            )

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def due_confirmed(self) -> bool:
        return self.due_confirmed_at is not None

    def is_overdue(self, on: date) -> bool:
        """Past its due date and not issued (the source's words alone are never late)."""
        return not self.is_issued and self.due_date is not None and self.due_date < on

    @property
    def overdue_since(self) -> date | None:
        """The first day the review is overdue: the day after its due date, on which it is
        still on time."""
        return self.due_date + timedelta(days=1) if self.due_date is not None else None


class ReviewSource(models.Model):
    """A document the review rests on, with what the review takes from it."""

    review = part_of(Review, related_name="review_sources", verbose_name=_("review"))
    document = kept(Document, related_name="+", verbose_name=_("document"))
    note = models.CharField(max_length=300, blank=True, verbose_name=_("note"))
    citation = models.CharField(max_length=200, blank=True, verbose_name=_("citation"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review source")
        verbose_name_plural = _("review sources")
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "document"], name="review_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.document}"


class Assessment(models.Model):
    """A review's rating of one part of the strategy (a goal, a priority area), with the
    narrative that argues it; edited while the review is open, its changes kept."""

    rating = models.CharField(max_length=20, choices=Rating.choices, verbose_name=_("rating"))
    narrative = LimitedTextField(max_length=NARRATIVE, verbose_name=_("narrative"))
    author = person_field(_("author"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class GoalAssessment(Assessment):
    review = part_of(Review, related_name="goal_assessments", verbose_name=_("review"))
    goal = kept(OverallGoal, related_name="assessments", verbose_name=_("goal"))

    class Meta:
        verbose_name = _("goal assessment")
        verbose_name_plural = _("goal assessments")
        ordering = ["review", "goal__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="goal_assessment_unique")
        ]

    def __str__(self) -> str:
        return _("%(review)s — goal %(number)s: %(rating)s") % {
            "review": self.review,
            "number": self.goal.number,
            "rating": self.get_rating_display(),
        }


class PriorityAreaAssessment(Assessment):
    review = part_of(Review, related_name="priority_area_assessments", verbose_name=_("review"))
    priority_area = kept(PriorityArea, related_name="assessments", verbose_name=_("priority area"))

    class Meta:
        verbose_name = _("priority area assessment")
        verbose_name_plural = _("priority area assessments")
        ordering = ["review", "priority_area__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "priority_area"], name="priority_area_assessment_unique"
            )
        ]

    def __str__(self) -> str:
        return _("%(review)s — priority area %(number)s") % {
            "review": self.review,
            "number": self.priority_area.number,
        }


class Finding(models.Model):
    review = part_of(Review, related_name="findings", verbose_name=_("review"))
    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    text = LimitedTextField(max_length=SECTION, verbose_name=_("text"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="finding_number_unique")
        ]

    def __str__(self) -> str:
        return _("Finding %(number)s") % {"number": self.number}


class Recommendation(models.Model):
    review = part_of(Review, related_name="recommendations", verbose_name=_("review"))
    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    text = LimitedTextField(max_length=SECTION, verbose_name=_("text"))
    finding = models.ForeignKey(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        help_text=_("The finding this recommendation answers, if one."),
        verbose_name=_("finding"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"], name="recommendation_number_unique"
            )
        ]

    def __str__(self) -> str:
        return _("Recommendation %(number)s") % {"number": self.number}


def report_file_name(review_id: int, number: int) -> str:
    """One name per version: a repeated or resumed render overwrites, never adds, a file."""
    return f"reports/review-{review_id}/version-{number}.pdf"


class ReportVersionQuerySet(models.QuerySet):
    """Bulk writes refuse issued versions as ``save`` and ``delete`` do."""

    def _refuse_issued(self, action: str) -> None:
        if self.filter(issued_at__isnull=False).exists():
            raise ReviewIssuedError(f"Issued report versions cannot be {action}.")

    def update(self, **kwargs):
        self._refuse_issued("changed")
        return super().update(**kwargs)

    def delete(self):
        self._refuse_issued("deleted")
        return super().delete()


class RequestedFile(models.Model):
    """A file a person asks for and a Celery job makes (a report's PDF, a dossier's ZIP):
    the job's state lives on the row, with its bookkeeping (how often it was sent to a
    worker, when it started and finished) and, once stored, the file's SHA-256 and size."""

    file = models.FileField(blank=True, max_length=200, verbose_name=_("file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_("Bytes."), verbose_name=_("size")
    )
    error = LimitedTextField(max_length=PARAGRAPH, blank=True, verbose_name=_("error"))
    requested_by = person_field(_("requested by"))
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=_("requested at"))
    sends = models.PositiveSmallIntegerField(
        default=0, help_text=_("Times sent to a worker."), verbose_name=_("sends")
    )
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        abstract = True


class ReportVersion(RequestedFile):
    """A rendered PDF of a review. The render runs in a Celery task; its state lives here.

    Issued versions never change: ``save`` and ``delete`` refuse once ``issued_at`` is
    stored (services check first and say so; this is the last line).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        DONE = "done", pgettext_lazy("a report version's status", "Done")
        FAILED = "failed", _("Failed")

    review = kept(Review, related_name="versions", verbose_name=_("review"))
    number = models.PositiveIntegerField(verbose_name=_("number"))
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    pages = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("pages"))
    data_sha256 = models.CharField(
        _("SHA-256 of the data"),
        max_length=64,
        blank=True,
        help_text=_("Of the figures the report was rendered from (the JSON attachment)."),
    )
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the report is written in: the one chosen when it was asked for."),
        verbose_name=_("language"),
    )
    # The render's bookkeeping beyond the base's: how often it started, which claim holds it.
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text=_("Renders started."), verbose_name=_("attempts")
    )
    task_id = models.CharField(max_length=64, blank=True, verbose_name=_("task id"))
    claim = models.CharField(max_length=32, blank=True, verbose_name=_("claim"))
    # A final version is rendered as the review's issued report: its cover says who issued
    # it and when (the person who asked for it, at the time they asked), and it becomes
    # issued when its file is stored. Every other version is a draft and says so on every
    # page: an issued file never changes, so a draft is never issued as it is.
    final = models.BooleanField(
        _("issued report"),
        default=False,
        help_text=_("Rendered as the review's issued report; every other version is a draft."),
    )
    issue_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Why the report was issued (final versions)."),
        verbose_name=_("issue reason"),
    )
    issued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("issued at"))
    issued_by = person_field(_("issued by"), optional=True)
    history = HistoricalRecords(excluded_fields=["claim", "task_id"])

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["review", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="report_version_unique"),
            models.UniqueConstraint(
                fields=["review"],
                condition=models.Q(issued_at__isnull=False),
                name="report_version_one_issued_per_review",
            ),
            models.UniqueConstraint(
                fields=["review"],
                condition=models.Q(final=True),
                name="report_version_one_final_per_review",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | (~models.Q(sha256="") & ~models.Q(file="") & models.Q(pages__isnull=False)),
                name="report_version_done_has_file",
            ),
            models.CheckConstraint(
                condition=models.Q(issued_at__isnull=True) | models.Q(status="done"),
                name="report_version_issued_is_done",
            ),
        ]

    def __str__(self) -> str:
        return _("%(review)s — version %(number)s") % {"review": self.review, "number": self.number}

    def save(self, *args, **kwargs):
        if not self._state.adding and self._stored_is_issued():
            raise ReviewIssuedError(f"Version {self.number} is issued and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_issued or self._stored_is_issued():
            raise ReviewIssuedError(f"Version {self.number} is issued and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def is_draft(self) -> bool:
        return not self.final

    @property
    def is_being_issued(self) -> bool:
        """A final version whose file is not stored yet (queued, rendering or failed)."""
        return self.final and not self.is_issued

    def _stored_is_issued(self) -> bool:
        return (
            self.pk is not None
            and type(self).objects.filter(pk=self.pk, issued_at__isnull=False).exists()
        )


class Download(AppendOnlyModel):
    """Who downloaded a file, when, and through which door."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")

    user = person_field(_("user"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))
    channel = models.CharField(max_length=10, choices=Channel.choices, verbose_name=_("channel"))
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]


class DownloadLog(Download):
    """Who downloaded which report version, when, and through which door."""

    version = kept(ReportVersion, related_name="downloads", verbose_name=_("version"))

    class Meta(Download.Meta):
        indexes = [models.Index(fields=["-at"], name="downloadlog_at")]

    def __str__(self) -> str:
        return _("%(user)s downloaded %(version)s at %(at)s") % {
            "user": self.user,
            "version": self.version,
            "at": date_format(localtime(self.at), "SHORT_DATETIME_FORMAT"),
        }


def dossier_file_name(dossier_id: int) -> str:
    """One name per dossier: a repeated or resumed build overwrites, never adds, a file."""
    return f"dossiers/dossier-{dossier_id}.zip"


class Dossier(RequestedFile):
    """An auditor's dossier: a ZIP of the issued report, the tables behind it, the change
    history and the download log of a period, with a manifest of each file's SHA-256.

    Of a review (its period), or of a partnership and a year. Built by a Celery job whose
    state lives here; a built dossier never changes (a new request is a new dossier).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Building")
        DONE = "done", pgettext_lazy("a dossier's status", "Done")
        FAILED = "failed", _("Failed")

    partnership = kept(Partnership, related_name="dossiers", verbose_name=_("partnership"))
    review = kept(Review, optional=True, related_name="dossiers", verbose_name=_("review"))
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("The year of a partnership's dossier (not a review's)."),
        verbose_name=_("year"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    file_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Files listed in the manifest."),
        verbose_name=_("file count"),
    )
    app_version = models.CharField(max_length=40, blank=True, verbose_name=_("app version"))
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language its tables and manifest are written in: the one chosen when it "
            "was asked for."
        ),
        verbose_name=_("language"),
    )
    # With the base's bookkeeping, as a report version's render: the periodic resend task
    # sends again a dossier never sent or stuck past the timeout.
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text=_("Builds started."), verbose_name=_("attempts")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(review__isnull=False) & models.Q(year__isnull=True))
                | (models.Q(review__isnull=True) & models.Q(year__isnull=False)),
                name="dossier_of_a_review_or_a_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | (~models.Q(sha256="") & ~models.Q(file="") & models.Q(size__isnull=False)),
                name="dossier_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return _("Dossier %(number)s: %(subject)s") % {"number": self.pk, "subject": self.subject}

    @property
    def subject(self) -> str:
        """What the dossier is of: "Mid-term review of the strategy", "2019"."""
        return self.review.title if self.review_id else f"{self.partnership.title}, {self.year}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)


class DossierDownload(Download):
    """Who downloaded which dossier, when, and through which door."""

    dossier = kept(Dossier, related_name="downloads", verbose_name=_("dossier"))

    def __str__(self) -> str:
        return _("%(user)s downloaded dossier %(dossier)s at %(at)s") % {
            "user": self.user,
            "dossier": self.dossier_id,
            "at": date_format(localtime(self.at), "SHORT_DATETIME_FORMAT"),
        }
