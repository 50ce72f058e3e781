"""Who was told what, and when: the e-mail digests of what needs a person's attention.

A :class:`Digest` is one e-mail to one person for one period of their choice (a day or a
week); it is recorded once per person and period, so a task that runs twice sends nothing
twice. Its :class:`Reminder` rows are the items it told them of, as they stood then.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import PARAGRAPH
from core.models import AppendOnlyModel
from core.models import LimitedTextField
from core.models import part_of
from core.models import person_field
from partnership.models import Partnership


class Digest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Nothing to tell")
        FAILED = "failed", _("Failed")

    user = person_field(_("user"), related_name="digests")
    period = models.CharField(
        max_length=10,
        help_text=_("The day (2020-02-03) or ISO week (2020-W06) it is for."),
        verbose_name=_("period"),
    )
    frequency = models.CharField(max_length=10, verbose_name=_("frequency"))
    to = models.EmailField(_("sent to"), help_text=_("The address at the time it was prepared."))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text=_("Sends tried."), verbose_name=_("attempts")
    )
    error = LimitedTextField(
        max_length=PARAGRAPH,
        blank=True,
        help_text=_("Why the last send failed."),
        verbose_name=_("error"),
    )
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="digest_once_per_period")
        ]

    def __str__(self) -> str:
        return _("Digest %(period)s for %(user)s") % {"period": self.period, "user": self.user}


class Reminder(AppendOnlyModel):
    """One item of a digest: what the person was told of, as it stood when prepared."""

    digest = part_of(Digest, related_name="reminders", verbose_name=_("digest"))
    partnership = part_of(Partnership, related_name="reminders", verbose_name=_("partnership"))
    key = models.CharField(
        max_length=120, help_text=_("The rule and the object it is about."), verbose_name=_("key")
    )
    rule = models.CharField(max_length=60, verbose_name=_("rule"))
    kind = models.CharField(max_length=60, verbose_name=_("kind"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    summary = models.CharField(max_length=300, verbose_name=_("summary"))
    url = models.CharField(max_length=300, verbose_name=_("url"))
    due = models.DateField(null=True, blank=True, verbose_name=_("due"))
    overdue = models.BooleanField(default=False, verbose_name=_("overdue"))
    is_new = models.BooleanField(
        _("new"), default=True, help_text=_("The first digest that told this person of it.")
    )

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["digest", "key"], name="reminder_once_per_digest")
        ]
        indexes = [models.Index(fields=["partnership", "-id"], name="reminder_newest")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
