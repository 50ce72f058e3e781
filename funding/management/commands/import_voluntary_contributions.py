"""Import a funding-history file in the layout of Annex IV (CSV or XLSX)."""

from __future__ import annotations

from pathlib import Path

from funding import annex
from funding import selectors
from funding import services
from partnership.management.base import PartnershipFileCommand


class Command(PartnershipFileCommand):
    help = (
        "Import voluntary contributions (Annex IV layout, CSV or XLSX) into a partnership: "
        "all or nothing, and importing the same file twice adds nothing."
    )

    def handle(self, *args, partnership: str, file: Path, **options) -> None:
        target = self.partnership(partnership)
        self.check_file(file)
        content = self.read(file, annex.LIMITS)
        try:
            result = services.voluntary_contributions_import(
                partnership=target, content=content, filename=file.name
            )
        except annex.AnnexImportError as error:
            raise self.refused(
                error.row_errors, f"Nothing was imported: {len(error.row_errors)} problem(s)."
            ) from error
        record = result.record
        self.said_imported(
            file,
            result,
            f"Imported {record.contributions_added} contribution(s) and "
            f"{record.subtotals_added} stated total(s) from {record.rows_read} row(s).",
        )
        self.said_counts(selectors.reconciliation(partnership=target).counts)
