"""Invitations: who was asked into which partnership, by whom, and when they were told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Role
from core.models import part_of


class Invitation(models.Model):
    """An e-mail that brought a person into a partnership.

    A new account gets a link to set its password: it works once, until
    ``INVITATION_MAX_AGE_DAYS`` after it was sent, and only the latest link sent works
    (``key`` changes with each send). Someone who has an account already is told they were
    added, with a link to log in.
    """

    user = part_of(settings.AUTH_USER_MODEL, related_name="invitations", verbose_name=_("user"))
    partnership = part_of(
        "partnership.Partnership", related_name="invitations", verbose_name=_("partnership")
    )
    role = models.CharField(max_length=20, choices=Role.choices, verbose_name=_("role"))
    email = models.EmailField(_("sent to"))
    new_account = models.BooleanField(
        default=True,
        help_text=_("The person had no password yet: the e-mail holds a link to set it."),
        verbose_name=_("new account"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Only the latest link sent works: the token carries this key.
    key = models.CharField(max_length=64, verbose_name=_("key"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    send_error = models.CharField(max_length=300, blank=True, verbose_name=_("send error"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted at"))
    history = HistoricalRecords(excluded_fields=["key"])

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "partnership"], name="invitation_user_partnership")]

    def __str__(self) -> str:
        # The partnership by its slug, as a membership names it: its title is long enough
        # to cut the role off a line of the change history.
        return _("%(email)s to %(partnership)s as %(role)s") % {
            "email": self.email,
            "partnership": self.partnership.slug,
            "role": self.get_role_display(),
        }


class SignInIdentity(models.Model):
    """A person's account at the ministry's identity provider (OpenID Connect): its
    subject, linked to their account here by e-mail the first time they sign in, and by
    the subject from then on (an address may change; the subject does not)."""

    user = part_of(
        settings.AUTH_USER_MODEL, related_name="sign_in_identities", verbose_name=_("user")
    )
    issuer = models.CharField(max_length=255, verbose_name=_("issuer"))
    subject = models.CharField(max_length=255, verbose_name=_("subject"))
    linked_at = models.DateTimeField(auto_now_add=True, verbose_name=_("linked at"))
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sign_in_identity_unique")
        ]

    def __str__(self) -> str:
        return _("%(subject)s at %(issuer)s") % {"subject": self.subject, "issuer": self.issuer}
