"""Reading a rendered report back as a reader (and a PDF reader) sees it."""

from __future__ import annotations

import io
import re

from django.core.files.storage import default_storage
from pypdf import PdfReader

from reviews import services
from reviews.models import ReportVersion
from tests.reviews.factories import ReportVersionFactory


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces folded, for phrases that wrap."""
    return " ".join(text.split())


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in reader(pdf).pages]


def stored(version: ReportVersion) -> bytes:
    with default_storage.open(version.file.name) as file:
        return file.read()


def render(review, user, *, number: int = 1) -> ReportVersion:
    """A draft version of the review's report, rendered as the worker renders it."""
    version = ReportVersionFactory(review=review, number=number, requested_by=user)
    assert services.report_version_render(version_id=version.pk, task_id=f"t{number}") == "done"
    version.refresh_from_db()
    return version


def rendered_pdf(review, user) -> bytes:
    return stored(render(review, user))


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """The bookmarks as (level, title, page number), in order."""
    document = reader(pdf)
    found: list[tuple[int, str, int]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, document.get_destination_page_number(item) + 1))

    walk(document.outline, 1)
    return found


CONTENTS_LINE = re.compile(r"^(?P<title>.+?) ?\.{3,} ?(?P<page>\d+)$")


def contents(pdf: bytes) -> dict[str, int]:
    """The contents page's entries: heading → the page number it gives."""
    document = reader(pdf)
    for page in document.pages:
        lines = [" ".join(line.split()) for line in page.extract_text().splitlines()]
        if "Contents" in lines:
            return {
                m["title"]: int(m["page"]) for m in map(CONTENTS_LINE.match, lines) if m is not None
            }
    raise AssertionError("no contents page")
