"""Personal API tokens: a token acts as its owner, with the owner's memberships only."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import part_of

TOKEN_PREFIX = "pm_"  # noqa: S105 - a public marker, not a secret


def hash_token(raw: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = part_of(settings.AUTH_USER_MODEL, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(
        max_length=80,
        help_text=_("What the token is for, e.g. a script's name."),
        verbose_name=_("name"),
    )
    prefix = models.CharField(
        max_length=12,
        help_text=_("The token's first characters, to tell it apart."),
        verbose_name=_("prefix"),
    )
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    NEVER = "never", _("Never")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


DEFAULT_DIGEST_TIME = dt.time(7, 0)


class Profile(models.Model):
    """A person's ministry-wide role and preferences: whether they administer the
    portfolio, and when they get the e-mail digest of what needs their attention. A user
    without a row has the defaults (no portfolio role; daily at 07:00, the site's time)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    is_portfolio_admin = models.BooleanField(
        _("portfolio administrator"),
        default=False,
        help_text=(
            _(
                "A ministry-wide role held by a few people: creates partnerships and manages "
                "the memberships of every partnership. Read through core.access."
            )
        ),
    )
    digest_frequency = models.CharField(
        _("e-mail digest"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
        help_text=_("How often you get an e-mail of what needs your attention."),
    )
    digest_time = models.TimeField(
        _("at"),
        default=DEFAULT_DIGEST_TIME,
        help_text=_("The time of day it is sent (Copenhagen time)."),
    )
    digest_weekday = models.PositiveSmallIntegerField(
        _("on"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_("The day of the week a weekly digest is sent."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_("The language of the pages, e-mails and reports; empty: the browser's."),
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return _("Preferences of %(user)s") % {"user": self.user}
