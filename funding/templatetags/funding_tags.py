from __future__ import annotations

from typing import Any

from django import template

from partnership.models import Partnership

from .. import selectors

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.inclusion_tag("funding/partials/dashboard_summary.html")
def funding_summary(partnership: Partnership) -> dict:
    """The dashboard's funding card (one query, a row a year)."""
    return {
        "partnership": partnership,
        "budget": selectors.budget_totals_by_year(partnership=partnership),
    }
