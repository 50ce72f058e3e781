"""Amounts as every page, export and the change history write them, in the language of
the request: 25,000,000 / 25.000.000 for whole amounts, 12,345.67 / 12.345,67 otherwise,
and with the currency before the figure in either language (DKK 25.000.000)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format

MINUS = "−"  # a typographic minus: a refund reads as a sign, not a hyphen


def amount(value: Decimal | int | None, decimals: int | None = None) -> str:
    """12,345,678 for whole amounts, 12,345.67 otherwise (``decimals`` fixes the places);
    a minus sign for refunds; the separators of the active language."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if decimals is None:
        decimals = 0 if value == value.to_integral_value() else 2
    text = number_format(abs(value), decimal_pos=decimals, force_grouping=True)
    return f"{MINUS}{text}" if value < 0 else text


def money(value: Decimal | int | None, currency: str = "", decimals: int | None = None) -> str:
    """An amount with its currency, e.g. DKK 12,345,678 (DKK 12.345.678 in Danish)."""
    text = amount(value, decimals)
    return f"{currency} {text}".strip() if text != "—" else text
