"""Factories for consultations. A consultation made here goes through the service, so it
has the agenda a real one has."""

from __future__ import annotations

import datetime as dt

import factory

from consultations import services
from consultations.models import ActionPoint
from consultations.models import Consultation
from consultations.models import Note
from tests.factories import UserFactory


def consultation(partnership, *, year: int = 2019, created_by=None, **fields) -> Consultation:
    return services.consultation_create(partnership=partnership, by=created_by, year=year, **fields)


def held(partnership, *, year: int, date: dt.date, **fields) -> Consultation:
    made = consultation(partnership, year=year, date=date, **fields)
    Consultation.objects.filter(pk=made.pk).update(status=Consultation.Status.HELD)
    made.refresh_from_db()
    return made


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    agenda_item = None  # give one
    author = factory.SubFactory(UserFactory)
    last_edited_by = factory.SelfAttribute("author")
    body = factory.Sequence(lambda n: f"IOM reported on item {n}.")


class ActionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPoint

    consultation = None  # give one
    agenda_item = None
    description = factory.Sequence(lambda n: f"IOM to share the draft results framework ({n}).")
    owner = "IOM"
    due_date = dt.date(2019, 12, 1)
    status = ActionPoint.Status.OPEN
