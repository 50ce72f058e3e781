"""What the attention app shows on the partnership's pages (``core.cards``)."""

from __future__ import annotations

from typing import Any

from core.cards import DASHBOARD_TOP
from core.cards import Card
from core.cards import register

from . import rules
from . import selectors


def dashboard(*, partnership: Any, role: str) -> dict[str, Any]:
    """The dashboard's "Needs attention" panel: everything in the partnership, whoever it
    is for, by rule, the first few of each with how many there are (one query per rule;
    the dashboard is cached until the next write, and today is part of its key)."""
    today = rules.today()
    groups = selectors.partnership_attention(partnership=partnership, today=today)
    return {
        "groups": groups,
        "count": sum(group.total for group in groups),
        "today": today,
    }


def register_cards() -> None:
    register(DASHBOARD_TOP, Card("attention/includes/dashboard_panel.html", dashboard))
