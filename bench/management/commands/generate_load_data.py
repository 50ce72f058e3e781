"""``manage.py generate_load_data --scale N [--seed S] [--into-demo]`` and/or
``--portfolio N``: see :mod:`bench.loaddata`. A benchmark settings' command
(``bench.settings``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from bench import loaddata


class Command(BaseCommand):
    help = (
        "--scale N: make a partnership like the demo's with N times its activity and add "
        "N−1 partnerships, in which the demo users hold their roles (run setup_demo first); "
        "the demo partnership is left as it is, unless --into-demo. --portfolio N: N "
        "partnerships of three to five years with a year's activity for each year, the demo "
        "users in their roles and a portfolio administrator."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=int, help="N, a whole number from 1.")
        parser.add_argument(
            "--portfolio", type=int, help="N partnerships of a ministry's portfolio, from 1."
        )
        parser.add_argument("--seed", type=int, default=0, help="The same seed, the same rows.")
        parser.add_argument(
            "--into-demo",
            action="store_true",
            help="Add the activity to the demo partnership itself (--scale: and extend its "
            "period; --portfolio: a year's activity for each of its years) (a throwaway "
            "database: the benchmarks measure the demo's pages).",
        )

    def handle(
        self,
        *args,
        scale: int | None,
        portfolio: int | None,
        seed: int,
        into_demo: bool,
        **options,
    ) -> None:
        if scale is None and portfolio is None:
            raise CommandError("Give --scale N, --portfolio N or both.")
        if scale is not None and scale < 1:
            raise CommandError("--scale is a whole number from 1.")
        if portfolio is not None and portfolio < 1:
            raise CommandError("--portfolio is a whole number from 1.")
        try:
            if scale is not None:
                self._scale(scale, seed, into_demo)
            if portfolio is not None:
                self._portfolio(portfolio, seed, into_demo)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc

    def _scale(self, scale: int, seed: int, into_demo: bool) -> None:
        started = time.monotonic()
        report = loaddata.generate(scale=scale, seed=seed, into_demo=into_demo)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Scale {scale}, seed {seed}: {report.loaded.slug} runs "
            f"{report.loaded.years[0]}–{report.loaded.years[-1]}, "
            f"{len(report.partnerships)} further partnership(s) added ({seconds:.0f} s)."
        )
        self._counts(report)

    def _portfolio(self, count: int, seed: int, into_demo: bool) -> None:
        started = time.monotonic()
        report = loaddata.generate_portfolio(count=count, seed=seed, into_demo=into_demo)
        seconds = time.monotonic() - started
        years = [len(p.years) for p in report.partnerships]
        self.stdout.write(
            f"Portfolio of {count}, seed {seed}: {len(report.partnerships)} partnership(s) of "
            f"{min(years)}–{max(years)} years, {sum(years)} partnership years; the portfolio "
            f"administrator is “portfolio” ({seconds:.0f} s)."
        )
        self._counts(report)

    def _counts(self, report: loaddata.Report) -> None:
        for kind, count in sorted(report.added.items()):
            self.stdout.write(f"  {kind:<24} {count:>8}")
