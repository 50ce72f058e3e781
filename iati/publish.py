"""The files the ministry publishes, checked before they leave: a file that is not valid
IATI 2.03 (its schema or its codes) is never served. The pages, the API and
``manage.py iati_publish`` all take their files from here.

A checked file is kept until the next write to the records it is built from
(``partnership.caching``), so asking again costs one query, not a build and a check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings

from core import caching
from partnership.models import Partnership

from . import build, validation

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/xml"


class InvalidFileError(Exception):
    """A built file failed its check; it was logged and is not served."""

    def __init__(self, what: str, problems: list[validation.Problem]):
        self.what = what
        self.problems = problems
        super().__init__(f"The {what} is not valid IATI 2.03 ({len(problems)} problem(s)).")


@dataclass(frozen=True)
class File:
    content: bytes
    filename: str

    @property
    def size(self) -> int:
        return len(self.content)


def _checked(what: str, make: Callable[[], bytes]) -> bytes:
    content = make()
    problems = validation.validate(content)
    if problems:
        log.error(
            "The %s was not served: it is not valid IATI 2.03: %s",
            what,
            "; ".join(str(p) for p in problems[:20]),
        )
        raise InvalidFileError(what, problems)
    return content


def _file(kind: str, partnerships: Sequence[Partnership], make, filename: str) -> File:
    slugs = [p.slug for p in partnerships]
    of = slugs[0] if len(slugs) == 1 else f"{len(slugs)} partnerships"
    what = f"IATI {kind} file of {of}"
    parts = (
        "iati",
        kind,
        tuple(p.pk for p in partnerships),
        settings.IATI_REPORTING_ORG,
        settings.IATI_REPORTING_ORG_NAME,
    )
    content = caching.cached(parts, lambda: _checked(what, lambda: make(partnerships)))
    return File(content=content, filename=filename)


def activity_file(partnership: Partnership) -> File:
    """The partnership's activity file (one activity: the agreement)."""
    return _file(
        "activity", [partnership], build.activity_file, f"{partnership.slug}-activities.xml"
    )


def organisation_file(partnership: Partnership) -> File:
    """The ministry's organisation file over this partnership's budget."""
    return _file(
        "organisation",
        [partnership],
        build.organisation_file,
        f"{partnership.slug}-organisation.xml",
    )


def portfolio_activity_file(partnerships: Sequence[Partnership]) -> File:
    """One activity file for all the partnerships, for publishing."""
    return _file("activity", list(partnerships), build.activity_file, "activities.xml")


def portfolio_organisation_file(partnerships: Sequence[Partnership]) -> File:
    return _file("organisation", list(partnerships), build.organisation_file, "organisation.xml")
