from __future__ import annotations

import re
from datetime import date
from datetime import datetime
from typing import Any

from django import template
from django.utils import formats
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def site_stamp(value: datetime | None) -> str:
    """An aware time on the site's clock (Copenhagen) in the language's format, e.g.
    4 November 2019 09:30 (4. november 2019 09.30 in Danish), as the pages write times."""
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


@register.filter
def site_date(value: datetime | None) -> str:
    """The site's day (Copenhagen) of an aware time, e.g. 4 November 2019 (4. november 2019
    in Danish): the day the figures are as of, and the day a report is issued on."""
    if value is None:
        return "—"
    return formats.date_format(timezone.localdate(value))


@register.filter
def overdue_on(review: Any, day: date) -> bool:
    """Whether the review is past its due date on ``day`` and not issued."""
    return review.is_overdue(day)


@register.filter
def one_line(text: str | None, length: int = 120) -> str:
    """The first sentence (or line) of a text, shortened to ``length`` characters: what
    the report's summary says of an assessment or a finding."""
    if not text:
        return ""
    first = " ".join(str(text).split("\n", 1)[0].split())
    sentence_end = first.find(". ")
    if sentence_end != -1:
        first = first[: sentence_end + 1]
    if len(first) <= length:
        return first
    cut = first[: length - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:") + "…"


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


@register.simple_tag
def page_counter() -> SafeString:
    """The CSS ``content`` of the page number in the report's language, "Page 3 of 10": the
    translated sentence with WeasyPrint's page counters where its numbers go."""
    # The pages' own sentence; re.split alternates: text, placeholder, text, ...
    pieces = re.split(r"%\((number|num_pages)\)s", gettext("Page %(number)s of %(num_pages)s"))
    counters = {"number": "counter(page)", "num_pages": "counter(pages)"}
    parts = [
        counters[piece] if odd else _css_string(piece)
        for odd, piece in ((index % 2 == 1, piece) for index, piece in enumerate(pieces))
        if piece
    ]
    return mark_safe(" ".join(parts))  # noqa: S308 -- CSS strings, quotes and < escaped
