"""Reads of a person's account: their preferences."""

from __future__ import annotations

from typing import Any

from .models import Profile


def profile_of(user: Any) -> Profile:
    """The person's preferences, or the defaults (unsaved) if they never changed them."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)
