"""``manage.py bench_measure WHAT``: one measurement inside the application, as JSON.

Used by ``make bench`` (``bench/harness.py``); see :mod:`bench.measure`.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from bench import measure
from bench import pages

WHAT = ["session", "urls", "every-url", "queries", "report", "import", "enqueue", "wait", "chaos"]


class Command(BaseCommand):
    help = "One measurement for the benchmark harness, printed as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "what",
            choices=WHAT,
        )
        parser.add_argument("--repeats", type=int, default=3)
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--count", type=int, default=2)
        parser.add_argument("--ids", type=int, nargs="*", default=[])

    def handle(self, *args, what: str, repeats: int, rows: int, count: int, ids, **options):
        if what == "session":
            result = measure.session_cookie()
        elif what == "urls":
            result = measure.urls()
        elif what == "every-url":
            result = measure.every_url()
        elif what == "queries":
            result = pages.query_counts()
        elif what == "report":
            result = measure.report(repeats=repeats)
        elif what == "import":
            result = measure.import_contributions(rows=rows, repeats=repeats)
        elif what == "chaos":
            result = measure.chaos_setup()
        elif what == "enqueue":
            result = measure.enqueue(count=count)
            measure.wait_rendering(result)
        else:
            result = measure.wait_done(ids)
        self.stdout.write(json.dumps(result))
