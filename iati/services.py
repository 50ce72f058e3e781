"""Writes of the IATI app: importing an activity file the organisation publishes.

An import is all or nothing: a refused file (not IATI, unsafe, too large, too slow, or
with a transaction from Denmark that cannot be read) leaves nothing behind, and the same
file imported again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import IO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history
from simple_history.utils import bulk_update_with_history

from core import caching
from partnership.models import Partnership

from . import importer
from .importer import ImportRefusedError
from .models import FileCheck
from .models import IatiActivity
from .models import IatiImport
from .models import IatiTransaction


def danish_providers() -> set[str]:
    """The identifiers that name Denmark as a provider: the ministry's and the others the
    settings list."""
    return {settings.IATI_REPORTING_ORG, *settings.IATI_DANISH_PROVIDERS}


@dataclass(frozen=True)
class ImportResult:
    record: IatiImport
    already_imported: bool = False
    replaced: int = 0


def _refuse_unless_worth_keeping(parsed: importer.Parsed, organisation: str) -> None:
    if not parsed.activities_read:
        raise ImportRefusedError([gettext("The file holds no activity: nothing to import.")])
    if (
        not parsed.activities
        and parsed.reported_by_others
        and (sum(parsed.reported_by_others.values()) == parsed.activities_read)
    ):
        others = ", ".join(sorted(parsed.reported_by_others))
        raise ImportRefusedError(
            [
                gettext(
                    "None of the file's %(count)s activities is reported by %(organisation)s: "
                    "they are reported by %(others)s. Import the file the organisation itself "
                    "publishes."
                )
                % {
                    "count": parsed.activities_read,
                    "organisation": organisation,
                    "others": others,
                }
            ]
        )
    if not parsed.activities:
        providers = ", ".join(sorted(danish_providers()))
        raise ImportRefusedError(
            [
                gettext(
                    "None of the file's %(count)s activities names Denmark (%(providers)s) as a "
                    "provider of funds or as a funder: nothing to import."
                )
                % {"count": parsed.activities_read, "providers": providers}
            ]
        )


def iati_import(
    *,
    partnership: Partnership,
    file: IO[bytes],
    filename: str,
    by: Any = None,
    size: int | None = None,
) -> ImportResult:
    """Import an IATI activity file the partnership's organisation publishes.

    ``size``, where the caller knows it, is checked before a byte is read. An activity
    imported before and present again is replaced: the older one stays in the history,
    marked ``replaced_by`` this import. The file is read before the transaction begins:
    a slow file never holds the database's write lock."""
    limit = settings.IATI_IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise ImportRefusedError([importer.size_message(size, limit)])
    organisation = partnership.organisation.iati_identifier
    if not organisation:
        raise ImportRefusedError(
            [
                f"{partnership.organisation.name} has no IATI organisation identifier on "
                "record, so its activities cannot be told from others'. An administrator "
                "records it (Organisations, in the admin)."
            ]
        )
    parsed = importer.read(
        file,
        organisation=organisation,
        danish=danish_providers(),
        max_bytes=limit,
        max_seconds=settings.IATI_IMPORT_MAX_SECONDS,
    )
    earlier = IatiImport.objects.filter(partnership=partnership, sha256=parsed.sha256).first()
    if earlier is not None:
        return ImportResult(record=earlier, already_imported=True)
    _refuse_unless_worth_keeping(parsed, organisation)
    try:
        return _store(partnership=partnership, parsed=parsed, filename=filename, by=by)
    except IntegrityError:  # the same file, imported at the same moment by someone else
        earlier = IatiImport.objects.get(partnership=partnership, sha256=parsed.sha256)
        return ImportResult(record=earlier, already_imported=True)


def iati_import_upload(*, partnership: Partnership, upload: UploadedFile, by: Any) -> ImportResult:
    """``iati_import`` of a file uploaded through the page or the API: its name, and its
    size checked before it is read."""
    return iati_import(
        partnership=partnership, file=upload, filename=upload.name, size=upload.size, by=by
    )


def _values(parsed: importer.Activity | importer.Transaction, leave_out: str = "") -> dict:
    """What the file says of an activity or a transaction, by name: the parse names each
    value as the model's field that keeps it."""
    return {
        f.name: getattr(parsed, f.name) for f in dataclass_fields(parsed) if f.name != leave_out
    }


@transaction.atomic
def _store(
    *, partnership: Partnership, parsed: importer.Parsed, filename: str, by: Any
) -> ImportResult:
    record = IatiImport(
        partnership=partnership,
        filename=filename[:255],
        sha256=parsed.sha256,
        size=parsed.size,
        iati_version=parsed.iati_version,
        generated_at=parsed.generated_at,
        activities_read=parsed.activities_read,
        activities_kept=len(parsed.activities),
        transactions_kept=sum(len(a.transactions) for a in parsed.activities),
        imported_by=by,
    )
    record.full_clean(validate_unique=False)
    if by is not None:  # who imported it, in the history (a request or not)
        record._history_user = by
    record.save()

    identifiers = [activity.iati_identifier for activity in parsed.activities]
    replaced = list(
        IatiActivity.objects.filter(
            partnership=partnership, iati_identifier__in=identifiers, replaced_by=None
        )
    )
    for old in replaced:
        old.replaced_by = record
    bulk_update_with_history(
        replaced,
        IatiActivity,
        ["replaced_by"],
        default_user=by,
        default_change_reason=f"Imported again from {filename}"[:100],
    )

    activities = bulk_create_with_history(
        [
            IatiActivity(
                partnership=partnership,
                source_import=record,
                **_values(a, leave_out="transactions"),
            )
            for a in parsed.activities
        ],
        IatiActivity,
        default_user=by,
    )
    by_identifier = {a.iati_identifier: a for a in activities}
    bulk_create_with_history(
        [
            IatiTransaction(
                partnership=partnership,
                activity=by_identifier[a.iati_identifier],
                **_values(t),
            )
            for a in parsed.activities
            for t in a.transactions
        ],
        IatiTransaction,
        default_user=by,
    )
    caching.changed()  # bulk writes send no signal
    return ImportResult(record=record, replaced=len(replaced))


def record_file_check(
    *,
    partnership: Partnership,
    kind: str,
    filename: str,
    size: int | None,
    problems: int,
    data_version: int,
) -> None:
    """Keep what the latest build of one of the partnership's files found: valid (no
    problems) and its size, or how many problems kept it from being served. Written in one
    statement that sends no signal: the check is derived from the records, not a change to
    them, so it does not move the data version (which would discard the file just built).
    ``data_version`` is the records' version read before the file was built."""
    check = FileCheck(
        partnership=partnership,
        kind=kind,
        filename=filename,
        size=size,
        problems=problems,
        data_version=data_version,
        checked_at=timezone.now(),
    )
    FileCheck.objects.bulk_create(
        [check],
        update_conflicts=True,
        unique_fields=["partnership", "kind"],
        update_fields=["filename", "size", "problems", "data_version", "checked_at"],
    )
