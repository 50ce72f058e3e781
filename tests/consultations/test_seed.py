"""Demo data: a planned 2019 consultation with the standard agenda, and nothing invented."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from consultations import seed
from consultations import services
from consultations.models import ActionPoint
from consultations.models import AgendaItem
from consultations.models import Consultation
from consultations.models import Note


def test_the_demo_plans_the_2019_consultation_with_the_standard_agenda(iom):
    consultation = seed.load_demo(iom)
    assert (consultation.year, consultation.status) == (2019, Consultation.Status.PLANNED)
    assert (consultation.date, consultation.place, consultation.participants) == (None, "", "")
    codes = list(consultation.agenda_items.order_by("order").values_list("code", flat=True))
    assert codes == ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix",
                     "efficiency", "corruption-misconduct", "transparency"]  # fmt: skip
    assert not Note.objects.exists()
    assert not ActionPoint.objects.exists()


def test_loading_the_demo_twice_creates_nothing_new_and_keeps_edits(iom, geneva):
    consultation = seed.load_demo(iom)
    first = consultation.agenda_items.get(code="i")
    services.agenda_item_move(item=first, by=geneva, position=12)
    extra = services.agenda_item_add(consultation=consultation, by=geneva, title="Extra")
    seed.load_demo(iom)
    assert Consultation.objects.count() == 1
    assert AgendaItem.objects.count() == 13
    first.refresh_from_db()
    extra.refresh_from_db()
    assert (first.order, extra.order) == (12, 13)


def test_a_partnership_without_a_standard_agenda_gets_no_demo(other_partnership):
    assert seed.load_demo(other_partnership) is None
    assert not Consultation.objects.exists()


@pytest.mark.django_db
def test_setup_demo_loads_the_planned_consultation(settings):
    settings.DEMO_PASSWORD = "demo-pass-for-test"
    call_command("setup_demo", stdout=None)
    call_command("setup_demo", stdout=None)
    assert list(Consultation.objects.values_list("year", "status")) == [(2019, "planned")]
    assert AgendaItem.objects.count() == 12
