"""Demo data from the strategy beyond its budget table (section 5's twelve lines are in
the strategy file, ``fixtures/strategies/``): the assessed contribution, IOM's budget
figures and Annex IV (``fixtures/iom_funding_2018_2020.json`` and
``fixtures/annex_iv_voluntary_contributions.csv``).

Idempotent: records are matched on their natural keys and left as users have edited them.
No exchange rates are seeded: the strategy states none, and rates are not invented.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from partnership.models import Currency
from partnership.models import Partnership

from . import services
from .models import AssessedContribution
from .models import BudgetFigure

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FUNDING_FIXTURE = FIXTURES / "iom_funding_2018_2020.json"


def read_fixture(path: Path = FUNDING_FIXTURE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def load_demo(partnership: Partnership) -> None:
    data = read_fixture()
    for row in data["assessed_contributions"]:
        AssessedContribution.objects.get_or_create(
            partnership=partnership,
            year=row["year"],
            defaults={
                "scale_percent": Decimal(row["scale_percent"]),
                "administrative_budget": Decimal(row["administrative_budget"])
                if row["administrative_budget"]
                else None,
                "stated_amount": Decimal(row["stated_amount"]),
                "currency": Currency.CHF,
                "citation": row["citation"],
            },
        )
    for order, row in enumerate(data["budget_figures"], start=1):
        BudgetFigure.objects.get_or_create(
            partnership=partnership,
            order=order,
            defaults={**row, "amount": Decimal(row["amount"])},
        )
    path = FIXTURES / data["voluntary_contributions_file"]
    services.voluntary_contributions_import(
        partnership=partnership, content=path.read_bytes(), filename=path.name
    )
