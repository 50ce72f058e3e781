"""Reads of a person's account: their API tokens and their preferences."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken, Profile


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
