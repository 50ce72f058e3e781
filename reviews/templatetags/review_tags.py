from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def utc_stamp(value: datetime | None) -> str:
    """An aware time in UTC, e.g. 2019-11-04 09:30 UTC (the report states UTC, always)."""
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@register.filter
def utc_date(value: datetime | None) -> str:
    """The day of an aware time in UTC, e.g. 4 November 2019 (4. november 2019 in Danish),
    as the report states times."""
    if value is None:
        return "—"
    return formats.date_format(value.astimezone(UTC))


@register.filter
def overdue_on(review: Any, day: date) -> bool:
    """Whether the review is past its due date on ``day`` and not issued."""
    return review.is_overdue(day)


@register.filter
def one_line(text: str | None, length: int = 120) -> str:
    """The first sentence (or line) of a text, shortened to ``length`` characters: what
    the report's summary says of an assessment or a finding."""
    if not text:
        return ""
    first = " ".join(str(text).split("\n", 1)[0].split())
    sentence_end = first.find(". ")
    if sentence_end != -1:
        first = first[: sentence_end + 1]
    if len(first) <= length:
        return first
    cut = first[: length - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:") + "…"
