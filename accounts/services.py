from __future__ import annotations

import datetime as dt
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import TOKEN_PREFIX, ApiToken, Profile, hash_token

# Recording every use would write on every API request; once a minute tells the owner enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, by: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token of ``by`` (it acts as them) and return it with its plain value, which
    is shown once and not kept."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name."})
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
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    changed = {
        name: value
        for name, value in {
            "digest_frequency": frequency,
            "digest_time": time.replace(second=0, microsecond=0) if time else time,
            "digest_weekday": weekday,
        }.items()
        if getattr(profile, name) != value
    }
    if not changed:
        return profile
    for name, value in changed.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile._history_user = by
    profile.save(update_fields=list(changed))
    return profile
