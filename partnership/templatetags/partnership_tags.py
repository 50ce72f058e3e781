from __future__ import annotations

from decimal import Decimal

from django import template

from partnership.models import GoalStatus

register = template.Library()

_STATUS_LABELS = dict(GoalStatus.choices)


@register.filter
def goal_status_label(value: str) -> str:
    return _STATUS_LABELS.get(value, value)


@register.filter
def amount(value: Decimal | int | None) -> str:
    """12,345,678 for whole amounts, 12,345.67 otherwise; a minus sign for refunds."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    text = f"{abs(value):,.0f}" if value == value.to_integral_value() else f"{abs(value):,.2f}"
    return f"−{text}" if value < 0 else text


@register.filter
def money(value: Decimal | int | None, currency: str = "") -> str:
    text = amount(value)
    return f"{currency} {text}".strip() if text != "—" else text
