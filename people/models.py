"""Invitations: who was asked into which partnership, by whom, and when they were told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.access import Role


class Invitation(models.Model):
    """An e-mail that brought a person into a partnership.

    A new account gets a link to set its password: it works once, until
    ``INVITATION_MAX_AGE_DAYS`` after it was sent, and only the latest link sent works
    (``key`` changes with each send). Someone who has an account already is told they were
    added, with a link to log in.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    partnership = models.ForeignKey(
        "partnership.Partnership", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    email = models.EmailField("sent to")
    new_account = models.BooleanField(
        default=True, help_text="The person had no password yet: the e-mail holds a link to set it."
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Only the latest link sent works: the token carries this key.
    key = models.CharField(max_length=64)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=300, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["key"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "partnership"], name="invitation_user_partnership")]

    def __str__(self) -> str:
        return f"{self.email} to {self.partnership_id} as {self.role}"


class SignInIdentity(models.Model):
    """A person's account at the ministry's identity provider (OpenID Connect): its
    subject, linked to their account here by e-mail the first time they sign in, and by
    the subject from then on (an address may change; the subject does not)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sign_in_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
