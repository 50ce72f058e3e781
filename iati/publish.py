"""The files the ministry publishes, checked before they leave: a file that is not valid
IATI 2.03 (its schema or its codes) is never served. The pages, the API and
``manage.py iati_publish`` all take their files from here.

A checked file is kept until the next write to the records it is built from
(``partnership.caching``), so asking again costs one query, not a build and a check. What
the check of a partnership's own file found is recorded (``FileCheck``) for the IATI page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from core import caching
from partnership.models import Partnership

from . import build
from . import services
from . import validation

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


def _file(
    kind: str, partnerships: Sequence[Partnership], make, name: str, *, record: bool = False
) -> File:
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

    def build_and_record() -> bytes:
        if not record:
            return _checked(what, lambda: make(partnerships))
        # A partnership's own file: its check is kept for the IATI page to show, with the
        # records' version it was built from (read first: a write meanwhile makes it stale).
        version = caching.data_version()
        try:
            content = _checked(what, lambda: make(partnerships))
        except InvalidFileError as error:
            services.record_file_check(
                partnership=partnerships[0],
                kind=kind,
                filename=name,
                size=None,
                problems=len(error.problems),
                data_version=version,
            )
            raise
        services.record_file_check(
            partnership=partnerships[0],
            kind=kind,
            filename=name,
            size=len(content),
            problems=0,
            data_version=version,
        )
        return content

    content = caching.cached(parts, build_and_record)
    return File(content=content, filename=name)


def filename(kind: str, partnership: Partnership) -> str:
    """The name a partnership's activity or organisation file is served under."""
    return f"{partnership.slug}-{'activities' if kind == 'activity' else 'organisation'}.xml"


def activity_file(partnership: Partnership) -> File:
    """The partnership's activity file (one activity: the agreement)."""
    name = filename("activity", partnership)
    return _file("activity", [partnership], build.activity_file, name, record=True)


def organisation_file(partnership: Partnership) -> File:
    """The ministry's organisation file over this partnership's budget."""
    return _file(
        "organisation",
        [partnership],
        build.organisation_file,
        filename("organisation", partnership),
        record=True,
    )


def portfolio_activity_file(partnerships: Sequence[Partnership]) -> File:
    """One activity file for all the partnerships, for publishing."""
    return _file("activity", list(partnerships), build.activity_file, "activities.xml")


def portfolio_organisation_file(partnerships: Sequence[Partnership]) -> File:
    return _file("organisation", list(partnerships), build.organisation_file, "organisation.xml")
