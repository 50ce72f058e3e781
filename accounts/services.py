from __future__ import annotations

import datetime as dt
import math
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.services import save_changes

from .models import TOKEN_PREFIX
from .models import ApiToken
from .models import Profile
from .models import hash_token

# Recording every use would write on every API request; once a minute tells the owner enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, by: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token of ``by`` (it acts as them) and return it with its plain value, which
    is shown once and not kept."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=by, name=name, prefix=raw[:10], key_hash=hash_token(raw))
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, token: ApiToken, by: Any) -> ApiToken:
    """The token no longer works; revoking it again changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token._history_user = by  # read by django-simple-history
        token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def profile_digest_update(
    *, user: Any, by: Any, frequency: str, time: dt.time, weekday: int
) -> Profile:
    """When the person gets the e-mail digest of what needs their attention (their own
    choice: ``by`` is the user or an administrator)."""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    values = {
        "digest_frequency": frequency,
        "digest_time": time.replace(second=0, microsecond=0) if time else time,
        "digest_weekday": weekday,
    }
    return save_changes(current=profile, values=values, by=by)


@transaction.atomic
def profile_language_set(*, user: Any, by: Any, language: str) -> Profile:
    """The language the person reads the site in ("" for their browser's)."""
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        profile = Profile(user=user)
    elif profile.language == language:
        return profile
    profile.language = language
    profile.full_clean()
    profile._history_user = by
    profile.save(update_fields=["language"] if profile.pk else None)
    return profile


# --- Multi-factor sign-in: an authenticator app (TOTP) and one-time recovery codes ---------

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10

WRONG_CODE = _(
    "That code is not right. Enter the 6 digits your authenticator app shows now, "
    "or one of your recovery codes (each works once)."
)


def _normalised(code: str) -> str:
    """Codes as people type them: spaces and hyphens (as recovery codes are shown) dropped."""
    return "".join(code.split()).replace("-", "").lower()


def _shown(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def authenticator_begin(*, by: Any) -> TOTPDevice:
    """The authenticator a set-up shows: a new key, kept (unconfirmed) until a first code
    confirms it, so that showing the page again shows the same key."""
    device = TOTPDevice.objects.filter(user=by, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=by, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def authenticator_confirm(*, by: Any, device: TOTPDevice, code: str) -> list[str]:
    """Confirm a set-up with a first code from the app. The app replaces any earlier one,
    and new recovery codes replace the old; they are returned (shown once, as the user
    types them). A wrong code is a ValidationError at ``code``."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=by)
        # Asked first: while django-otp makes the user wait, verify_token refuses even the
        # right code, which must not be called wrong.
        allowed, details = device.verify_is_allowed()
        confirmed = allowed and device.verify_token(_normalised(code))
        if confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=by).exclude(pk=device.pk).delete()
            codes = _recovery_codes_replace(user=by)
    # Outside the transaction: a refused code's throttling count must be kept.
    if not allowed:
        raise _throttled(details)
    if not confirmed:
        message = _("That code is not right. Enter the 6 digits the app shows now.")
        raise ValidationError({"code": ValidationError(message, code="wrong")})
    return codes


def _throttled(details: dict[str, Any] | None) -> ValidationError:
    """The refusal at ``code`` while django-otp makes the user wait after wrong codes,
    saying how long (``details`` of ``verify_is_allowed``)."""
    wait = (details or {}).get("locked_until")
    seconds = max(1, math.ceil((wait - timezone.now()).total_seconds())) if wait else 1
    message = ngettext(
        "Too many wrong codes: wait %(seconds)s second, then try again.",
        "Too many wrong codes: wait %(seconds)s seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}
    return ValidationError({"code": ValidationError(message, code="throttled")})


@transaction.atomic
def recovery_codes_renew(*, by: Any) -> list[str]:
    """New recovery codes; the old ones stop working. Returned as the user types them."""
    return _recovery_codes_replace(user=by)


def _recovery_codes_replace(*, user: Any) -> list[str]:
    device = StaticDevice.objects.filter(user=user).first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    device.token_set.all().delete()
    tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
    return [_shown(token) for token in tokens]


def second_factor_verify(*, by: Any, code: str) -> Device:
    """The device of ``by`` (who is signing in) that accepts the code: the authenticator
    app for six digits, the recovery codes otherwise (a recovery code is deleted as it is
    used). Refused, a ValidationError at ``code`` whose code is "wrong", or "throttled"
    while django-otp makes the user wait after failures (the code was not tried)."""
    code = _normalised(code)
    kind = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    with transaction.atomic():
        device = kind.objects.select_for_update().filter(user=by, confirmed=True).first()
        allowed, details = device.verify_is_allowed() if device else (True, None)
        accepted = device is not None and allowed and device.verify_token(code)
    if accepted:
        return device
    if not allowed:
        raise _throttled(details)
    raise ValidationError({"code": ValidationError(WRONG_CODE, code="wrong")})
