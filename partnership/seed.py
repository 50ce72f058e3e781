"""Load the Denmark–IOM partnership from ``fixtures/iom_strategy_2018.json``.

Idempotent: records are matched on their natural keys and created when missing; a record
that already exists is left as users have edited it.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import (
    Document,
    Organisation,
    OrganisationFact,
    OverallGoal,
    Partnership,
    PriorityArea,
    Risk,
)

STRATEGY_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "iom_strategy_2018.json"
IOM_SLUG = "denmark-iom-2018-2020"


def read_strategy_fixture(path: Path = STRATEGY_FIXTURE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def load(path: Path = STRATEGY_FIXTURE) -> Partnership:
    data = read_strategy_fixture(path)
    org_data = dict(data["organisation"])
    facts = org_data.pop("facts")
    organisation, _ = Organisation.objects.get_or_create(
        name=org_data.pop("name"), defaults=org_data
    )
    for order, fact in enumerate(facts, start=1):
        OrganisationFact.objects.get_or_create(
            organisation=organisation, order=order, defaults=fact
        )

    p_data = dict(data["partnership"])
    p_data["annual_amount"] = Decimal(p_data["annual_amount"])
    for name in ("start_date", "end_date"):
        p_data[name] = date.fromisoformat(p_data[name])
    p_data["strategy_title"] = data["source"]["title"]
    p_data["strategy_date"] = data["source"]["date"]
    partnership, _ = Partnership.objects.get_or_create(
        slug=p_data.pop("slug"), defaults={**p_data, "organisation": organisation}
    )
    for area in data["priority_areas"]:
        PriorityArea.objects.get_or_create(
            partnership=partnership, number=area.pop("number"), defaults=area
        )
    for goal_data in data["goals"]:
        goal = dict(goal_data)
        if goal.get("baseline_value") is not None:
            goal["baseline_value"] = Decimal(goal["baseline_value"])
        OverallGoal.objects.get_or_create(
            partnership=partnership, number=goal.pop("number"), defaults=goal
        )
    for risk in data["risks"]:
        Risk.objects.get_or_create(
            partnership=partnership, number=risk.pop("number"), defaults=risk
        )
    for document in data["documents"]:
        Document.objects.get_or_create(
            partnership=partnership,
            kind=document.pop("kind"),
            title=document.pop("title"),
            defaults=document,
        )
    return partnership
