"""Demo data: the 2019 annual consultation, planned, with the partnership's standard agenda
(loaded with the strategy, ``fixtures/strategies/``).

The strategy says annual consultations will be held (section 4.1) but describes no
meeting, so the demo invents none: no date, place, participants, notes or action points.
Idempotent: matched on (partnership, year) and on each item's code.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from partnership.models import Partnership

from .models import AgendaItem
from .models import Consultation
from .selectors import standard_agenda

DEMO_YEAR = 2019


@transaction.atomic
def load_demo(partnership: Partnership) -> Consultation | None:
    agenda = standard_agenda(partnership=partnership)
    if not agenda or DEMO_YEAR not in partnership.years:
        return None
    consultation, _ = Consultation.objects.get_or_create(partnership=partnership, year=DEMO_YEAR)
    last = consultation.agenda_items.aggregate(m=Max("order"))["m"] or 0
    for item in agenda:
        _, created = AgendaItem.objects.get_or_create(
            consultation=consultation,
            code=item.code,
            defaults={
                "order": last + 1,
                "kind": item.kind,
                "title": item.title,
                "citation": item.citation,
            },
        )
        last += int(created)
    return consultation
