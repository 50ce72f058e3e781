"""Cards: what an app shows on another app's page, without either naming the other.

An app registers its cards in its ``AppConfig.ready``: for a place (the partnership's
dashboard, a goal's page, a risk's page), the template that draws the card and a function
that reads what it shows through the app's selectors. The page's view renders the cards of
its place, in order, and passes them to its template as HTML: no template reaches across
apps, and no template tag runs a query.

The context function takes keyword arguments, by place:

- ``DASHBOARD``: ``partnership`` and ``role`` (the dashboard is cached per both);
  ``DASHBOARD_TOP`` takes the same, for the few cards above the record (what needs
  attention);
- ``GOAL``: ``goal`` (with its current status), ``RISK``: ``risk``.

Its result is added to the page's context (``partnership``, ``caps``, ``role``…) for the
card's template.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

DASHBOARD = "dashboard"
DASHBOARD_TOP = "dashboard-top"
GOAL = "goal"
RISK = "risk"
PLACES = (DASHBOARD_TOP, DASHBOARD, GOAL, RISK)


@dataclass(frozen=True)
class Card:
    template: str
    context: Callable[..., dict[str, Any]]
    order: int = 100  # lower first


_CARDS: dict[str, list[Card]] = defaultdict(list)


def register(place: str, card: Card) -> None:
    if place not in PLACES:
        raise ValueError(f"No place {place!r} for cards; there are {', '.join(PLACES)}.")
    if card not in _CARDS[place]:
        _CARDS[place].append(card)


def cards(place: str) -> list[Card]:
    return sorted(_CARDS[place], key=lambda card: card.order)


def render(place: str, context: dict[str, Any], **subject: Any) -> list[SafeString]:
    """The cards of ``place`` as HTML, each drawn with the page's ``context`` and what its
    function reads for ``subject``."""
    return [
        render_to_string(card.template, {**context, **card.context(**subject)})
        for card in cards(place)
    ]
