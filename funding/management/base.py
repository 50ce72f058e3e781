"""What the funding's import commands share: a partnership, by slug, and a file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import tabular
from partnership.models import Partnership


class PartnershipFileCommand(BaseCommand):
    def add_arguments(self, parser) -> None:
        parser.add_argument("partnership", help="The partnership's slug.")
        parser.add_argument("file", type=Path)

    def read(self, file: Path, limits: tabular.Limits) -> bytes:
        """The file's bytes; one past the import's size limit is refused unread."""
        try:
            size = file.stat().st_size
            if problem := tabular.size_problem(size, limits):
                raise CommandError(f"{file}: {problem}")
            return file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc

    def partnership(self, slug: str) -> Partnership:
        try:
            return Partnership.objects.get(slug=slug)
        except Partnership.DoesNotExist as exc:
            raise CommandError(f"No partnership with the slug {slug!r}.") from exc
