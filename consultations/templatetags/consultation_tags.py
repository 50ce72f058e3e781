from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext

from core.access import Capability
from core.access import roles_with

from ..models import ActionPoint
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


@register.filter
def item_language(item, strategy_language: str) -> str:
    """The language of an agenda item's title: the strategy's for an item of its standard
    agenda (standard or raised), none known ("") for one added at the consultation."""
    return strategy_language if item.is_standard else ""


@lru_cache(maxsize=16)
def _words(language: str | None) -> dict:
    return {
        # An action point's row: its columns' labels (at narrow widths) and controls.
        "what": gettext("What was agreed"),
        "agreed_at": gettext("Agreed at"),
        "owner": gettext("Owner"),
        "due": gettext("Due"),
        "status": gettext("Status"),
        "linked_to": gettext("Linked to"),
        "change": gettext("Change"),
        "overdue": gettext("Overdue"),
        "set": gettext("Set"),
        "status_word": gettext("status"),
        "edit": gettext("Edit"),
        "point_statuses": [(value, str(label)) for value, label in ActionPoint.Status.choices],
        # A note.
        "note_by": gettext("Note by"),
        "last_saved": gettext("· last saved"),
        "empty_draft": gettext("Empty draft."),
        "revise": gettext("Revise"),
        "mark_ready": gettext("Mark ready for clearing"),
        "clear": gettext("Clear the note…"),
        # Where the clear button would be, for a member whose role does not clear notes.
        "who_clears": gettext("A %(role)s clears notes marked ready.")
        % {"role": roles_with(Capability.CLEAR_NOTES)[0].label.lower()},
        "discard": gettext("Discard the empty note"),
    }


@register.simple_tag
def consultation_words() -> dict:
    """The fixed words of a note and of an action point's row in the reader's language,
    translated once a process for each language: the consultation page shows them on
    every note and row (``{% consultation_words as words %}``)."""
    return _words(get_language())
