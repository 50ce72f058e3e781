"""What the import commands share: a partnership, by slug, a file, and what the import
did."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from core import tabular
from partnership.models import Partnership


class PartnershipFileCommand(BaseCommand):
    def add_arguments(self, parser) -> None:
        parser.add_argument("partnership", help="The partnership's slug.")
        parser.add_argument("file", type=Path)

    def check_file(self, file: Path) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")

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
            return Partnership.objects.select_related("organisation").get(slug=slug)
        except Partnership.DoesNotExist as exc:
            raise CommandError(f"No partnership with the slug {slug!r}.") from exc

    def refused(self, problems: Iterable[object], message: str) -> CommandError:
        """The error that ends an import which stored nothing, once its problems are
        written, one a line."""
        for problem in problems:
            self.stderr.write(str(problem))
        return CommandError(message)

    def said_imported(self, file: Path, result: Any, imported: str) -> None:
        """``imported``, or that the same file was imported before (and nothing added)."""
        if result.already_imported:
            self.stdout.write(
                f"{file.name} was already imported on {result.record.created_at:%Y-%m-%d}."
            )
        else:
            self.stdout.write(self.style.SUCCESS(imported))

    def said_counts(self, counts: Iterable[tuple[Any, str, int]]) -> None:
        """The reconciliation's counts after the import, one a line."""
        for _, label, count in counts:
            self.stdout.write(f"  {label}: {count}")
