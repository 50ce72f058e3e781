"""What the IATI app shows on the partnership's pages (``core.cards``)."""

from __future__ import annotations

from typing import Any

from core.cards import DASHBOARD
from core.cards import Card
from core.cards import register

from . import selectors
from .build import activity_identifier


def dashboard(*, partnership: Any, role: str) -> dict[str, Any]:
    """The dashboard's IATI card: the agreement's identifier and the links out (no query:
    the partnership comes with its organisation)."""
    return {
        "iati_identifier": activity_identifier(partnership),
        "iati_links": selectors.links_out(partnership=partnership),
    }


def register_cards() -> None:
    register(DASHBOARD, Card("iati/partials/dashboard_card.html", dashboard, order=30))
