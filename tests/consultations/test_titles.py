"""The names the consultations' records give themselves, in the reader's language."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from consultations.models import AgendaItem
from consultations.models import Note
from consultations.models import NoteRevision
from tests.consultations import factories


def test_a_consultation_names_itself_in_the_active_language(iom):
    consultation = factories.consultation(iom, year=2019, date=dt.date(2019, 5, 15))
    with translation.override("da"):
        assert str(consultation) == "Årlig konsultation 2019"
    with translation.override("en-gb"):
        assert str(consultation) == "Annual consultation 2019"


def test_a_note_and_its_revision_name_themselves_in_the_active_language():
    item = AgendaItem(code="a", title="Opening", kind=AgendaItem.Kind.STANDARD)
    note = Note(pk=7, agenda_item=item)
    revision = NoteRevision(note=note, number=2)
    with translation.override("da"):
        assert str(note) == "Notat 7 om a) Opening"
        assert str(revision) == "Revision 2 af notat 7"
    with translation.override("en-gb"):
        assert (str(note), str(revision)) == ("Note 7 on a) Opening", "Revision 2 of note 7")
