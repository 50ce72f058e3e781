"""Import exchange rates to DKK from CSV (currency, date, rate, source)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError

from funding import services
from partnership.management.base import PartnershipFileCommand


class Command(PartnershipFileCommand):
    help = "Import exchange rates (CSV: currency, date, rate, source); all or nothing."

    def handle(self, *args, partnership: str, file: Path, **options) -> None:
        target = self.partnership(partnership)
        content = self.read(file, services.RATE_IMPORT_LIMITS)
        try:
            added, skipped = services.exchange_rates_import_csv(partnership=target, content=content)
        except ValidationError as error:
            raise self.refused(error.messages, "Nothing was imported.") from error
        self.stdout.write(self.style.SUCCESS(f"{added} rate(s) added, {skipped} already there."))
