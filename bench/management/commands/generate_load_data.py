"""``manage.py generate_load_data --scale N [--seed S]``: see :mod:`bench.loaddata`."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from bench import loaddata


class Command(BaseCommand):
    help = (
        "Multiply the demo partnership's activity by N and add N−1 partnerships in which the "
        "demo users hold the same roles (run setup_demo first)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=int, required=True, help="N, a whole number from 1.")
        parser.add_argument("--seed", type=int, default=0, help="The same seed, the same rows.")

    def handle(self, *args, scale: int, seed: int, **options) -> None:
        if scale < 1:
            raise CommandError("--scale is a whole number from 1.")
        started = time.monotonic()
        try:
            report = loaddata.generate(scale=scale, seed=seed)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Scale {scale}, seed {seed}: {len(report.partnerships)} partnership(s) added, "
            f"the demo agreement runs {report.demo.years[0]}–{report.demo.years[-1]} "
            f"({seconds:.0f} s)."
        )
        for kind, count in sorted(report.added.items()):
            self.stdout.write(f"  {kind:<24} {count:>8}")
