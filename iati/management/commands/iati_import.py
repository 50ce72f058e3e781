"""``manage.py iati_import <slug> <file.xml>``: import the organisation's IATI activity file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from iati import selectors, services
from iati.importer import ImportRefusedError
from partnership.models import Partnership


class Command(BaseCommand):
    help = (
        "Import an IATI activity file the partnership's organisation publishes: its "
        "activities that Denmark funds and their transactions from Denmark. All or nothing; "
        "the same file twice adds nothing. Refused unread when larger than IATI_IMPORT_MAX_MB."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("partnership", help="The partnership's slug.")
        parser.add_argument("file", type=Path)

    def handle(self, *args, partnership: str, file: Path, **options) -> None:
        try:
            target = Partnership.objects.select_related("organisation").get(slug=partnership)
        except Partnership.DoesNotExist as exc:
            raise CommandError(f"No partnership with the slug {partnership!r}.") from exc
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            with file.open("rb") as handle:
                result = services.iati_import(
                    partnership=target,
                    file=handle,
                    filename=file.name,
                    size=file.stat().st_size,
                )
        except ImportRefusedError as error:
            for reason in error.reasons:
                self.stderr.write(reason)
            raise CommandError(f"Nothing was imported from {file.name}.") from error
        record = result.record
        if result.already_imported:
            self.stdout.write(f"{file.name} was already imported on {record.created_at:%Y-%m-%d}.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {file.name}: {record.activities_kept} of {record.activities_read} "
                    f"activities with Denmark as a funder, {record.transactions_kept} "
                    f"transaction(s) from Denmark; {result.replaced} activit"
                    f"{'y' if result.replaced == 1 else 'ies'} imported before replaced."
                )
            )
        recon = selectors.reconciliation(partnership=target)
        for _, label, count in recon.counts:
            self.stdout.write(f"  {label}: {count}")
