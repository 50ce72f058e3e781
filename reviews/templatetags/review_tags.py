from __future__ import annotations

from datetime import UTC, datetime

from django import template

register = template.Library()


@register.filter
def utc_stamp(value: datetime | None) -> str:
    """An aware time in UTC, e.g. 2019-11-04 09:30 UTC (the report states UTC, always)."""
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
