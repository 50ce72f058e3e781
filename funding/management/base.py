"""What the funding's import commands share: a partnership, by slug, and a file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnership.models import Partnership


class PartnershipFileCommand(BaseCommand):
    def add_arguments(self, parser) -> None:
        parser.add_argument("partnership", help="The partnership's slug.")
        parser.add_argument("file", type=Path)

    def partnership(self, slug: str) -> Partnership:
        try:
            return Partnership.objects.get(slug=slug)
        except Partnership.DoesNotExist as exc:
            raise CommandError(f"No partnership with the slug {slug!r}.") from exc
