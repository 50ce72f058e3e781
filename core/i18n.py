"""The person's language: chosen on their profile (or with the header's switcher), kept in
the session from the sign-in on, else what the browser asks for (config.middleware)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import lazy
from django.utils.html import format_html

SESSION_KEY = "language"


def supported(code: str | None) -> str | None:
    """The language of the site's own that ``code`` names, or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def remember(request: HttpRequest, code: str | None) -> None:
    """Use ``code`` for this person's requests from now on (empty: the browser's)."""
    if not hasattr(request, "session"):
        return
    chosen = supported(code)
    if chosen:
        request.session[SESSION_KEY] = chosen
    else:
        request.session.pop(SESSION_KEY, None)


def chosen(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return supported(session.get(SESSION_KEY)) if session is not None else None


def names() -> list[tuple[str, str]]:
    """Each language in its own name (English, Dansk), as a switcher lists them."""
    return list(settings.LANGUAGES)


def bcp47(code: str | None) -> str:
    """The BCP 47 tag of a Django language code: en-gb -> en-GB, da -> da."""
    language, _, region = (code or settings.LANGUAGE_CODE).partition("-")
    return f"{language}-{region.upper()}" if region else language


def _interpolated(message: Any, params: dict[str, Any]) -> str:
    return str(message) % {k: (v() if callable(v) else v) for k, v in params.items()}


_lazy_interpolated = lazy(_interpolated, str)


def lazy_format(message: Any, **params: Any) -> Any:
    """``message % params`` when it is read, in the language of that moment: for texts made
    once at import (a form's help text) that name a value. A callable value is called
    then too (an amount written in that language)."""
    return _lazy_interpolated(message, params)


def languages(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the site's languages, each named in its own words (English,
    Dansk), for the header's switcher and the profile's choice."""
    return {"site_languages": names()}


def in_language(text: Any, language: str) -> Any:
    """The text in a ``<span lang>`` of its language: for words of another language (the
    strategy's) inside a sentence of the page's own, where no element holds them alone
    (the template filter ``in_language``). An empty text stays empty, so that ``default``
    still applies; without a language (not known) the text is left as it is."""
    if text in (None, "") or not language:
        return text
    return format_html('<span lang="{}">{}</span>', language, text)
