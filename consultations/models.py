"""The annual consultations: their agenda, the notes logged on each item, and the action
points agreed, which come back as matters arising until they are done or dropped."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.access import Capability
from core.models import DATE_VALIDATORS
from core.models import NOTES
from core.models import SECTION
from core.models import YEAR_VALIDATORS
from core.models import AppendOnlyModel
from core.models import LimitedTextField
from core.models import kept
from core.models import part_of
from core.models import person_field
from core.models import retired_on_field
from partnership.assignees import assignee_field
from partnership.assignees import check_assignee
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import Risk

NOTE_MAX_LENGTH = NOTES


class Consultation(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        NOTES_CLEARED = "notes_cleared", _("Notes cleared")

    partnership = kept(Partnership, related_name="consultations", verbose_name=_("partnership"))
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS, verbose_name=_("year"))
    date = models.DateField(
        null=True, blank=True, validators=DATE_VALIDATORS, verbose_name=_("date")
    )
    place = models.CharField(max_length=200, blank=True, verbose_name=_("place"))
    participants = LimitedTextField(
        max_length=SECTION,
        blank=True,
        help_text=_("One participant per line."),
        verbose_name=_("participants"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PLANNED, verbose_name=_("status")
    )
    organiser = assignee_field(
        _("organiser"),
        _("The member who prepares the consultation (agenda, participants) and is reminded of it."),
    )
    created_by = person_field(_("created by"), optional=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["partnership", "-year"]
        constraints = [
            # Annual consultations: one a year per partnership.
            models.UniqueConstraint(fields=["partnership", "year"], name="consultation_year_unique")
        ]

    def __str__(self) -> str:
        return _("Annual consultation %(year)s") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return reverse(
            "consultations:consultation-detail",
            kwargs={"slug": self.partnership.slug, "year": self.year},
        )

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]

    def clean(self) -> None:
        errors: dict[str, list] = {}
        # The year is checked against the agreement's period; the date, against the year.
        if self.date is not None and self.year is not None and self.date.year != self.year:
            errors["date"] = [
                _("Give a date in %(year)s, the consultation's year.") % {"year": self.year}
            ]
        if self.partnership_id:
            try:
                check_assignee(
                    user=self.organiser,
                    partnership_id=self.partnership_id,
                    capability=Capability.EDIT_CONSULTATIONS,
                    field="organiser",
                )
            except ValidationError as error:
                error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class StandardAgendaItem(models.Model):
    """An item every annual consultation of the partnership starts with: what its strategy
    lists for the consultations to discuss, and the issues Denmark raises there.

    A new consultation's agenda is copied from these (``services.consultation_create``),
    so a later change here leaves the agendas of existing consultations as they are."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard item")
        RAISED = "raised", _("Raised by Denmark")

    partnership = part_of(
        Partnership, related_name="standard_agenda", verbose_name=_("partnership")
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"))
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.STANDARD, verbose_name=_("kind")
    )
    code = models.CharField(
        max_length=30,
        help_text=_("The item's number in the strategy (iv) or a short name."),
        verbose_name=_("code"),
    )
    title = models.CharField(max_length=300, verbose_name=_("title"))
    citation = models.CharField(max_length=200, blank=True, verbose_name=_("citation"))
    retired_on = retired_on_field(
        _("When it was retired: consultations created later start without it.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "order"], name="standard_agenda_order_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "code"], name="standard_agenda_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}) {self.title}" if self.kind == self.Kind.STANDARD else self.title

    @property
    def strategy_words(self) -> str:
        """The strategy's own words in this item's name (``core.history`` marks them in the
        strategy's language): its title."""
        return self.title


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard item")
        RAISED = "raised", _("Raised by Denmark")
        EXTRA = "extra", _("Added item")

    consultation = part_of(
        Consultation, related_name="agenda_items", verbose_name=_("consultation")
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"))
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.EXTRA, verbose_name=_("kind")
    )
    code = models.CharField(
        max_length=30,
        blank=True,
        help_text=_("The item's number in the strategy, e.g. iv."),
        verbose_name=_("code"),
    )
    title = models.CharField(max_length=300, verbose_name=_("title"))
    citation = models.CharField(max_length=200, blank=True, verbose_name=_("citation"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["consultation", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "order"], name="agenda_item_order_unique"
            ),
            models.UniqueConstraint(
                fields=["consultation", "code"],
                condition=~models.Q(code=""),
                name="agenda_item_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}) {self.title}" if self.kind == self.Kind.STANDARD else self.title

    @property
    def strategy_words(self) -> str:
        """The strategy's own words in this item's name (``core.history`` marks them in the
        strategy's language): an item of its standard agenda's title; none for another."""
        return self.title if self.is_standard else ""

    @property
    def is_standard(self) -> bool:
        """Standard items (the strategy's list and the issues Denmark raises) are kept."""
        return self.kind != self.Kind.EXTRA


class Note(models.Model):
    """A note on an agenda item, in Markdown.

    ``version`` rises with every change, so a save based on an older version is refused
    rather than overwriting what someone else wrote. ``revision`` counts cleared texts: a
    cleared note is locked, and changing it starts the next revision (the cleared text
    stays in :class:`NoteRevision`).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready for clearing")
        CLEARED = "cleared", _("Cleared")

    agenda_item = kept(AgendaItem, related_name="notes", verbose_name=_("agenda item"))
    author = person_field(_("author"))
    body = LimitedTextField(max_length=NOTES, blank=True, verbose_name=_("body"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    revision = models.PositiveSmallIntegerField(default=1, verbose_name=_("revision"))
    goals = models.ManyToManyField(
        OverallGoal, blank=True, related_name="consultation_notes", verbose_name=_("goals")
    )
    risks = models.ManyToManyField(
        Risk, blank=True, related_name="consultation_notes", verbose_name=_("risks")
    )
    last_edited_by = person_field(_("last edited by"), optional=True)
    cleared_by = person_field(_("cleared by"), optional=True)
    cleared_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cleared at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    history = HistoricalRecords(m2m_fields=[goals, risks])

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["agenda_item", "created_at", "pk"]

    def __str__(self) -> str:
        return _("Note %(number)s on %(item)s") % {"number": self.pk, "item": self.agenda_item}

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.CLEARED

    # What each step asks of the note: the services refuse a step the note does not allow,
    # and the page offers only the steps it does.
    @property
    def can_be_marked_ready(self) -> bool:
        """A draft with something written in it."""
        return self.status == self.Status.DRAFT and bool(self.body.strip())

    @property
    def can_be_cleared(self) -> bool:
        return self.status == self.Status.READY

    @property
    def can_be_discarded(self) -> bool:
        """An empty draft never cleared: a note opened and never written."""
        return self.status == self.Status.DRAFT and not self.body.strip() and self.revision == 1


class NoteRevision(AppendOnlyModel):
    """A cleared text of a note, kept as it was cleared."""

    note = kept(Note, related_name="revisions", verbose_name=_("note"))
    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    body = LimitedTextField(max_length=NOTES, verbose_name=_("body"))
    goal_numbers = models.JSONField(default=list, blank=True, verbose_name=_("goal numbers"))
    risk_numbers = models.JSONField(default=list, blank=True, verbose_name=_("risk numbers"))
    written_by = person_field(_("written by"), optional=True)
    cleared_by = person_field(_("cleared by"))
    cleared_at = models.DateTimeField(verbose_name=_("cleared at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note revision")
        verbose_name_plural = _("note revisions")
        ordering = ["note", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="note_revision_unique")
        ]

    def __str__(self) -> str:
        return _("Revision %(number)s of note %(note)s") % {
            "number": self.number,
            "note": self.note_id,
        }


class ActionPointQuerySet(models.QuerySet):
    def overdue(self, on: dt.date) -> ActionPointQuerySet:
        return self.filter(status=ActionPoint.Status.OPEN, due_date__lt=on)


class ActionPoint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("an action point's status", "Open")  # not the verb
        DONE = "done", pgettext_lazy("an action point's status", "Done")
        DROPPED = "dropped", _("Dropped")

    consultation = kept(Consultation, related_name="action_points", verbose_name=_("consultation"))
    agenda_item = kept(
        AgendaItem,
        optional=True,
        related_name="action_points",
        help_text=_("The agenda item under which it was agreed."),
        verbose_name=_("agenda item"),
    )
    description = LimitedTextField(max_length=SECTION, verbose_name=_("description"))
    owner = models.CharField(
        max_length=200,
        help_text=_("Who carries it out, e.g. IOM or the Mission."),
        verbose_name=_("owner"),
    )
    # Not "responsible": the owner is the one responsible for carrying it out.
    assignee = assignee_field(
        verbose_name=_("followed up by"),
        help_text=_(
            "The member of the partnership who follows the point up (whoever carries it out) "
            "and is reminded of it."
        ),
    )
    due_date = models.DateField(
        null=True, blank=True, validators=DATE_VALIDATORS, verbose_name=_("due date")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, verbose_name=_("status")
    )
    closed_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("When it was marked done or dropped."),
        verbose_name=_("closed on"),
    )
    goals = models.ManyToManyField(
        OverallGoal, blank=True, related_name="action_points", verbose_name=_("goals")
    )
    risks = models.ManyToManyField(
        Risk, blank=True, related_name="action_points", verbose_name=_("risks")
    )
    created_by = person_field(_("created by"), optional=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    history = HistoricalRecords(m2m_fields=[goals, risks])

    objects = ActionPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        ordering = ["consultation", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_on__isnull=True)
                | (~models.Q(status="open") & models.Q(closed_on__isnull=False)),
                name="action_point_closed_on_matches_status",
            )
        ]

    def __str__(self) -> str:
        text = self.description
        return text if len(text) <= 80 else text[:79] + "…"

    def is_overdue(self, on: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.due_date is not None and self.due_date < on

    def clean(self) -> None:
        if self.consultation_id:
            check_assignee(
                user=self.assignee,
                partnership_id=self.consultation.partnership_id,
                capability=Capability.EDIT_CONSULTATIONS,
            )

    def check_due_after_agreed(self) -> None:
        """A point is agreed at its consultation: one due before it would stand overdue
        the moment it is recorded. The services ask it where the due date is given or
        changed, not on every save: a point recorded before this rule closes as it is."""
        held = self.consultation.date
        if self.due_date is not None and held is not None and self.due_date < held:
            raise ValidationError(
                {
                    "due_date": _(
                        "Give the consultation's date, %(consultation)s, or a later one: "
                        "%(date)s is before the consultation that agreed this point."
                    )
                    % {"consultation": date_format(held), "date": date_format(self.due_date)}
                }
            )
