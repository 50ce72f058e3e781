"""Exit 0 when the database and the broker answer, 1 otherwise (for container probes)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from ops import health


class Command(BaseCommand):
    help = "Check that the database and the Celery broker answer; exit 1 if one does not."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "checks",
            nargs="*",
            help=f"Only these checks: {', '.join(health.CHECKS)} (default: all).",
        )

    def handle(self, *args, checks: list[str], **options) -> None:
        unknown = sorted(set(checks) - set(health.CHECKS))
        if unknown:
            raise CommandError(f"No such check: {', '.join(unknown)}.")
        results = health.run_checks(checks)
        self.stdout.write(json.dumps(results, sort_keys=True))
        if not health.healthy(results):
            raise CommandError(
                "unhealthy: " + ", ".join(k for k, v in results.items() if v != "ok")
            )
