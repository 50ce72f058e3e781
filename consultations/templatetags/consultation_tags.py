from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """A note's Markdown as HTML; safe because ``render_markdown`` sanitises it."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.filter
def agenda_label(item) -> str:
    """ "iv)" for a standard item; nothing for the others."""
    return f"{item.code})" if item.kind == "standard" and item.code else ""
