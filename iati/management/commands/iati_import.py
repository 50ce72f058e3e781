"""``manage.py iati_import <slug> <file.xml>``: import the organisation's IATI activity file."""

from __future__ import annotations

from pathlib import Path

from iati import selectors
from iati import services
from iati.importer import ImportRefusedError
from partnership.management.base import PartnershipFileCommand


class Command(PartnershipFileCommand):
    help = (
        "Import an IATI activity file the partnership's organisation publishes: its "
        "activities that Denmark funds and their transactions from Denmark. All or nothing; "
        "the same file twice adds nothing. Refused unread when larger than IATI_IMPORT_MAX_MB."
    )

    def handle(self, *args, partnership: str, file: Path, **options) -> None:
        target = self.partnership(partnership)
        self.check_file(file)
        try:
            with file.open("rb") as handle:
                result = services.iati_import(
                    partnership=target,
                    file=handle,
                    filename=file.name,
                    size=file.stat().st_size,
                )
        except ImportRefusedError as error:
            raise self.refused(error.reasons, f"Nothing was imported from {file.name}.") from error
        record = result.record
        self.said_imported(
            file,
            result,
            f"Imported {file.name}: {record.activities_kept} of {record.activities_read} "
            f"activities with Denmark as a funder, {record.transactions_kept} "
            f"transaction(s) from Denmark; {result.replaced} activit"
            f"{'y' if result.replaced == 1 else 'ies'} imported before replaced.",
        )
        self.said_counts(selectors.reconciliation(partnership=target).counts)
