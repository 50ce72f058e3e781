"""Who was told what, and when: the e-mail digests of what needs a person's attention.

A :class:`Digest` is one e-mail to one person for one period of their choice (a day or a
week); it is recorded once per person and period, so a task that runs twice sends nothing
twice. Its :class:`Reminder` rows are the items it told them of, as they stood then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import PARAGRAPH, LimitedTextField
from partnership.models import AppendOnlyModel, Partnership


class Digest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        EMPTY = "empty", "Nothing to tell"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="digests"
    )
    period = models.CharField(
        max_length=10, help_text="The day (2020-02-03) or ISO week (2020-W06) it is for."
    )
    frequency = models.CharField(max_length=10)
    to = models.EmailField("sent to", help_text="The address at the time it was prepared.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Sends tried.")
    error = LimitedTextField(
        max_length=PARAGRAPH, blank=True, help_text="Why the last send failed."
    )
    message_id = models.CharField("Message-ID", max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="digest_once_per_period")
        ]

    def __str__(self) -> str:
        return f"Digest {self.period} for {self.user}"


class Reminder(AppendOnlyModel):
    """One item of a digest: what the person was told of, as it stood when prepared."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="reminders")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=120, help_text="The rule and the object it is about.")
    rule = models.CharField(max_length=60)
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    summary = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    due = models.DateField(null=True, blank=True)
    overdue = models.BooleanField(default=False)
    is_new = models.BooleanField(
        "new", default=True, help_text="The first digest that told this person of it."
    )

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["digest", "key"], name="reminder_once_per_digest")
        ]
        indexes = [models.Index(fields=["partnership", "-id"], name="reminder_newest")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
