"""Reads of a person's account: their API tokens, their preferences, whether they sign in
with a second factor and what they have set up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import Role

from .models import ApiToken
from .models import Profile

# The roles that sign in with a second factor when MFA_REQUIRED is on: those who change
# the record and those who read its whole history (mission staff too with MFA_ALL_ROLES).
ROLES_WITH_SECOND_FACTOR = frozenset({Role.DESK_OFFICER, Role.AUDITOR})


def tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked ones too, marked so)."""
    return ApiToken.objects.filter(user=user)


def token_of(*, user: Any, pk: int) -> ApiToken:
    """One of the user's tokens; anyone else's is not found (404)."""
    try:
        return tokens_of(user=user).get(pk=pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404("No such token.") from exc


def profile_of(*, user: Any) -> Profile:
    """The person's preferences, or the defaults (unsaved) if they never changed them."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def second_factor_required(user: Any) -> bool:
    """Whether the settings oblige this user to sign in with a second factor.

    Administrators (staff and superusers) and anyone holding a role of
    ROLES_WITH_SECOND_FACTOR in any partnership; everyone with MFA_ALL_ROLES. Whether
    they hold such a role is one query of at most one row, whatever their memberships."""
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    if settings.MFA_ALL_ROLES or user.is_staff or user.is_superuser:
        return True
    return user.memberships.filter(role__in=ROLES_WITH_SECOND_FACTOR).exists()


def authenticator_of(user: Any) -> TOTPDevice | None:
    """The user's authenticator app, once set up (confirmed by a first code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def second_factor_asked(user: Any) -> bool:
    """Whether signing in asks this user for a code: they must, or they chose to."""
    return second_factor_required(user) or authenticator_of(user) is not None


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_device_of(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def profile_language(*, user: Any) -> str:
    """The language the person chose, "" if none (the browser's then)."""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""
