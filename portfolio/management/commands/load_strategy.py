"""Load a partnership's strategy file (README, *Strategy files*) from the command line."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from portfolio import services
from portfolio import strategy_file


class Command(BaseCommand):
    help = (
        "Load a strategy file: the organisation, the partnership and what its strategy holds. "
        "Safe to repeat: a partnership already loaded keeps what users changed, and only "
        "what it lacks is added."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The strategy file (YAML).")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}.") from exc
        try:
            strategy = strategy_file.read(content)
            saved = services.strategy_save(
                strategy=strategy,
                by=None,
                reason=f"Loaded from the strategy file {file.name[:60]}",
                keep_existing=True,
            )
        except strategy_file.StrategyFileError as error:
            lines = "\n".join(f"  {e}" for e in error.errors)
            raise CommandError(f"{file} was not loaded; nothing was stored:\n{lines}") from error
        self.stdout.write(self.style.SUCCESS(f"Loaded “{saved.partnership.title}”."))
