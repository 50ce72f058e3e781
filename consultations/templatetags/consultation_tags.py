from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from partnership.models import OverallGoal, Risk

from .. import selectors
from ..rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """A note's Markdown as HTML; safe because ``render_markdown`` sanitises it."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.simple_tag
def consultation_links(obj: OverallGoal | Risk) -> selectors.Linked:
    """The action points and notes linked to a goal or a risk (two queries)."""
    if isinstance(obj, OverallGoal):
        return selectors.linked_to_goal(goal=obj)
    return selectors.linked_to_risk(risk=obj)


@register.filter
def agenda_label(item) -> str:
    """ "iv)" for a standard item; nothing for the others."""
    return f"{item.code})" if item.kind == "standard" and item.code else ""
