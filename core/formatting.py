"""Amounts as every page, export and the change history write them."""

from __future__ import annotations

from decimal import Decimal


def amount(value: Decimal | int | None) -> str:
    """12,345,678 for whole amounts, 12,345.67 otherwise; a minus sign for refunds."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    text = f"{abs(value):,.0f}" if value == value.to_integral_value() else f"{abs(value):,.2f}"
    return f"−{text}" if value < 0 else text


def money(value: Decimal | int | None, currency: str = "") -> str:
    """An amount with its currency, e.g. DKK 12,345,678."""
    text = amount(value)
    return f"{currency} {text}".strip() if text != "—" else text
