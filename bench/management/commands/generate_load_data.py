"""``manage.py generate_load_data --scale N [--seed S] [--into-demo]``: see
:mod:`bench.loaddata`. A benchmark settings' command (``bench.settings``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from bench import loaddata


class Command(BaseCommand):
    help = (
        "Make a partnership like the demo's with N times its activity and add N−1 "
        "partnerships, in which the demo users hold their roles (run setup_demo first). "
        "The demo partnership is left as it is, unless --into-demo."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=int, required=True, help="N, a whole number from 1.")
        parser.add_argument("--seed", type=int, default=0, help="The same seed, the same rows.")
        parser.add_argument(
            "--into-demo",
            action="store_true",
            help="Add the activity to the demo partnership itself and extend its period "
            "(a throwaway database: the benchmarks measure the demo's pages).",
        )

    def handle(self, *args, scale: int, seed: int, into_demo: bool, **options) -> None:
        if scale < 1:
            raise CommandError("--scale is a whole number from 1.")
        started = time.monotonic()
        try:
            report = loaddata.generate(scale=scale, seed=seed, into_demo=into_demo)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Scale {scale}, seed {seed}: {report.loaded.slug} runs "
            f"{report.loaded.years[0]}–{report.loaded.years[-1]}, "
            f"{len(report.partnerships)} further partnership(s) added ({seconds:.0f} s)."
        )
        for kind, count in sorted(report.added.items()):
            self.stdout.write(f"  {kind:<24} {count:>8}")
