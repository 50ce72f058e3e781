"""The consultation pages as people use them, without JavaScript and through htmx."""

from __future__ import annotations

import pytest
from django.conf import settings

from consultations import services
from consultations.models import AgendaItem
from consultations.models import Consultation
from tests.consultations import factories
from tests.languages import languages_of

SLUG = "denmark-iom-2018-2020"
BASE = f"/p/{SLUG}/consultations"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def c2019(iom, geneva):
    return factories.consultation(iom, year=2019, created_by=geneva)


def test_mission_staff_create_a_consultation_with_the_standard_agenda(geneva, login, iom):
    response = login(geneva).post(
        f"{BASE}/",
        {"year": 2019, "date": "2019-05-14", "place": "Geneva", "participants": "A\nB"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The 2019 consultation was created with the standard agenda." in page
    assert "Annual consultation 2019" in page
    assert "IOM&#x27;s utilization of the Danish contribution for priority area 1 and 2" in page
    assert "Transparency in this regard" in page
    consultation = Consultation.objects.get(partnership=iom, year=2019)
    assert (consultation.place, consultation.participant_list) == ("Geneva", ["A", "B"])
    assert consultation.created_by == geneva


def test_a_second_consultation_for_the_same_year_is_refused_at_the_field(geneva, login, c2019):
    response = login(geneva).post(f"{BASE}/", {"year": 2019})
    assert response.status_code == 400
    assert "There is already a consultation for 2019." in response.content.decode()
    assert Consultation.objects.count() == 1


def test_a_year_outside_the_agreement_is_refused_at_the_field(geneva, login, iom):
    response = login(geneva).post(f"{BASE}/", {"year": 2024})
    assert response.status_code == 400
    assert "The agreement runs 2018–2020: choose a year in that period." in (
        response.content.decode()
    )
    assert not Consultation.objects.exists()
    assert not AgendaItem.objects.exists()


def test_the_consultation_page_shows_the_agenda_in_order(desk, login, c2019):
    page = login(desk).get(f"{BASE}/2019/").content.decode()
    titles = list(c2019.agenda_items.order_by("order").values_list("title", flat=True))
    positions = [page.index(t.replace("'", "&#x27;")) for t in titles]
    assert positions == sorted(positions)
    assert len(titles) == 12


def test_the_agenda_marks_the_strategys_items_with_its_language_not_those_added(
    geneva, login, c2019
):
    """On a Danish page the standard agenda's English titles and citations are spoken in
    English; an item added at the consultation is in a language nobody recorded."""
    added = services.agenda_item_add(consultation=c2019, by=geneva, title="Samarbejdet i Sahel")
    standard = c2019.agenda_items.get(code="i")
    raised = c2019.agenda_items.filter(kind=AgendaItem.Kind.RAISED).first()
    page = login(geneva).get(f"{BASE}/2019/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert '<html lang="da">' in page
    # The form's choices (an <option> holds text only) are not looked at.
    for text in (standard.title[:40], standard.citation, raised.title[:40]):
        found = languages_of(page, text, leaving_out="//option")
        assert found, text
        assert set(found) == {"en"}, (text, found)
    assert set(languages_of(page, added.title, leaving_out="//option")) == {"da"}


def test_the_list_suggests_the_first_year_without_a_consultation(geneva, login, c2019):
    page = login(geneva).get(f"{BASE}/").content.decode()
    assert 'name="year" value="2018"' in page
    assert "Consultation 2019" in page


def test_auditors_read_the_consultation_without_any_editing_control(auditor, geneva, login, c2019):
    item = c2019.agenda_items.get(code="i")
    services.note_create(agenda_item=item, by=geneva, body="Logged.")
    page = login(auditor).get(f"{BASE}/2019/").content.decode()
    assert "<p>Logged.</p>" in page
    controls = ("Add a note", "Move up", "Move down", "Add an action point", "hx-post",
                "Add to the agenda", "Edit details", "Mark ready", "data-autosave")  # fmt: skip
    for control in controls:
        assert control not in page, control


def test_mission_staff_do_not_see_the_clear_button(geneva, desk, login, c2019):
    note = services.note_create(
        agenda_item=c2019.agenda_items.get(code="i"), by=geneva, body="Logged."
    )
    services.note_mark_ready(note=note, by=geneva, version=1)
    assert "Clear the note" not in login(geneva).get(f"{BASE}/2019/").content.decode()
    assert "Clear the note" in login(desk).get(f"{BASE}/2019/").content.decode()


def test_the_consultation_page_has_a_print_stylesheet_for_minutes(desk, login, c2019):
    page = login(desk).get(f"{BASE}/2019/").content.decode()
    assert '<p class="print-only minutes-heading">Minutes · ' in page
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    consultations_css = css[css.index("/* --- Consultations") :]
    assert "@media print" in consultations_css
    assert ".print-only { display: block; }" in consultations_css


def test_a_date_outside_the_consultations_year_is_refused_at_the_field(geneva, login, c2019):
    client = login(geneva)
    created = client.post(f"{BASE}/", {"year": 2018, "date": "2016-05-01"})
    assert created.status_code == 400
    assert created.context["form"].errors == {
        "date": ["Give a date in 2018, the consultation's year."]
    }
    assert not Consultation.objects.filter(year=2018).exists()
    edited = client.post(
        f"{BASE}/2019/edit/", {"date": "2031-01-01", "place": "Geneva", "status": "planned"}
    )
    assert edited.status_code == 400
    assert edited.context["form"].errors == {
        "date": ["Give a date in 2019, the consultation's year."]
    }
    c2019.refresh_from_db()
    assert (c2019.date, c2019.place) == (None, "")
