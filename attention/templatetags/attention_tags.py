from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("attention/includes/dashboard_panel.html", takes_context=True)
def attention_panel(context: dict, partnership: Any) -> dict:
    """The dashboard's "Needs attention" panel (seven queries; the dashboard is cached)."""
    from attention import rules, selectors

    today = rules.today()
    groups = selectors.partnership_attention(partnership=partnership, today=today)
    return {
        "partnership": partnership,
        "caps": context.get("caps", ()),
        "groups": groups,
        "count": sum(len(group.items) for group in groups),
        "today": today,
    }
