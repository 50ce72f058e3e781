"""What a page says in a journey's language, read from the catalogue the site uses."""

from __future__ import annotations

from django.utils import translation
from django.utils.text import capfirst

LOCALES = {"en-gb": "en-GB", "da": "da-DK"}


def said(text: str, language: str) -> str:
    """``text`` as the site writes it in ``language``: a sentence or heading as given, a
    field's label as its model names it (lower case, first letter raised on the page)."""
    with translation.override(language):
        shown = translation.gettext(text)
        if shown == text and text[:1].isupper():
            lower = translation.gettext(text[:1].lower() + text[1:])
            if lower != text[:1].lower() + text[1:]:
                shown = capfirst(lower)
    return shown


def said_of(context: str, text: str, language: str) -> str:
    """``text`` as the site writes it in ``language`` of what ``context`` names (a word
    that differs by what it is said of, e.g. a report version's "Done")."""
    with translation.override(language):
        return translation.pgettext(context, text)
