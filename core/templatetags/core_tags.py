"""Filters every app's templates use: ``amount`` and ``money`` (core.formatting)."""

from __future__ import annotations

from django import template

from core import formatting

register = template.Library()
register.filter("amount", formatting.amount)
register.filter("money", formatting.money)
