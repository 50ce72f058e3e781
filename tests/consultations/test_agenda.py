"""The agenda: created from section 4.1 of the strategy, then extra items, reordering and
removing (extra items only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from consultations import services
from consultations.models import AgendaItem
from tests.consultations import factories

SLUG = "denmark-iom-2018-2020"
BASE = f"/p/{SLUG}/consultations"
HTMX = {"HTTP_HX_REQUEST": "true"}
STRATEGY = Path(settings.BASE_DIR) / "fixtures" / "denmark-iom-organisation-strategy-2018.txt"


def _section_4_1() -> tuple[list[tuple[str, str]], str]:
    """Section 4.1 as the strategy prints it: the items i)–ix) after "annual consultations
    will be held in order to discuss:" (without the list's "; as well as" and closing
    punctuation), and the paragraph after the list."""
    lines = STRATEGY.read_text(encoding="utf-8").splitlines()
    section = lines[lines.index("4.1. Funding, reporting and monitoring") :]
    start = next(n for n, line in enumerate(section) if line.endswith("in order to discuss:"))
    items: list[tuple[str, str]] = []
    for line in section[start + 1 :]:
        item = re.fullmatch(r"- ([ivx]+)\) (.+?)(?:; as well as|;|\.)", line)
        if item:
            items.append((item[1], item[2]))
        elif items and line.strip():
            return items, line
    raise AssertionError("section 4.1's list of what the consultations discuss is not there")


SECTION_4_1_ITEMS, AFTER_THE_LIST = _section_4_1()
# The issues Denmark raises, as the agenda words them from the paragraph after the list.
DENMARK_RAISES = [
    "Continually working on efficiency improvement within the organization",
    "The fight against corruption and misconduct, including sexual exploitation, abuse and "
    "harassment",
    "Transparency in this regard",
]


def test_the_strategy_lists_nine_items_and_names_the_issues_denmark_raises():
    assert [code for code, _ in SECTION_4_1_ITEMS] == [
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"
    ]  # fmt: skip
    assert AFTER_THE_LIST.startswith("Moreover, the annual consultations are an opportunity")
    where = [AFTER_THE_LIST.find(title[0].lower() + title[1:]) for title in DENMARK_RAISES]
    assert -1 not in where
    assert where == sorted(where)


def _agenda(consultation):
    return list(consultation.agenda_items.order_by("order"))


@pytest.fixture
def c2019(iom, geneva):
    return factories.consultation(iom, year=2019, created_by=geneva)


def test_the_agenda_holds_the_nine_items_of_section_4_1_then_what_denmark_raises(c2019):
    items = _agenda(c2019)
    assert [(i.code, i.title) for i in items[:9]] == SECTION_4_1_ITEMS
    assert [i.title for i in items[9:]] == DENMARK_RAISES
    assert [i.order for i in items] == list(range(1, 13))
    assert {i.kind for i in items[:9]} == {AgendaItem.Kind.STANDARD}
    assert {i.kind for i in items[9:]} == {AgendaItem.Kind.RAISED}
    assert items[3].citation == "Section 4.1, annual consultations, item iv)"
    assert all(i.citation.startswith("Section 4.1") for i in items)


def test_each_consultation_gets_its_own_agenda(iom, c2019):
    c2020 = factories.consultation(iom, year=2020)
    assert len(_agenda(c2020)) == 12
    assert not set(_agenda(c2019)) & set(_agenda(c2020))


def test_a_partnership_whose_strategy_prescribes_no_agenda_starts_empty(other_partnership):
    consultation = factories.consultation(other_partnership, year=2022)
    assert _agenda(consultation) == []


def test_extra_items_go_after_the_standard_ones(geneva, login, c2019):
    response = login(geneva).post(
        f"{BASE}/2019/items/", {"title": "IOM's MOPAN assessment 2019"}, follow=True
    )
    assert response.status_code == 200
    assert "The item was added to the agenda." in response.content.decode()
    items = _agenda(c2019)
    assert (items[-1].title, items[-1].order, items[-1].kind, items[-1].code) == (
        "IOM's MOPAN assessment 2019",
        13,
        AgendaItem.Kind.EXTRA,
        "",
    )


def test_an_empty_extra_item_is_refused_at_the_field(geneva, login, c2019):
    response = login(geneva).post(f"{BASE}/2019/items/", {"title": "  "}, **HTMX)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert len(_agenda(c2019)) == 12


def test_adding_an_item_in_place_answers_the_agenda_fragment(geneva, login, c2019):
    response = login(geneva).post(f"{BASE}/2019/items/", {"title": "Budget reform"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="agenda"')
    assert "Budget reform" in page
    assert "<html" not in page


def test_moving_an_item_up_reorders_the_agenda(geneva, login, c2019):
    transparency = _agenda(c2019)[11]
    response = login(geneva).post(
        f"{BASE}/items/{transparency.pk}/move/", {"position": "1"}, **HTMX
    )
    assert response.status_code == 200
    codes = [i.code for i in _agenda(c2019)]
    assert codes == ["transparency", *[c for c, _ in SECTION_4_1_ITEMS], "efficiency",
                     "corruption-misconduct"]  # fmt: skip
    page = response.content.decode()
    assert page.index("Transparency in this regard") < page.index("Plans for use of Danish")


def test_moving_down_and_back_restores_the_order(geneva, c2019):
    first = _agenda(c2019)[0]
    services.agenda_item_move(item=first, by=geneva, position=5)
    assert [i.code for i in _agenda(c2019)][:5] == ["ii", "iii", "iv", "v", "i"]
    services.agenda_item_move(item=first, by=geneva, position=1)
    assert [(i.code, i.order) for i in _agenda(c2019)][:2] == [("i", 1), ("ii", 2)]


def test_a_position_outside_the_agenda_is_refused(geneva, login, c2019):
    item = _agenda(c2019)[0]
    with pytest.raises(ValidationError) as error:
        services.agenda_item_move(item=item, by=geneva, position=13)
    assert error.value.message_dict == {"order": ["Choose a position from 1 to 12."]}
    response = login(geneva).post(f"{BASE}/items/{item.pk}/move/", {"position": "0"}, **HTMX)
    assert response.status_code == 400
    assert "Choose a position from 1 to 12." in response.content.decode()
    assert _agenda(c2019)[0].code == "i"


def test_an_extra_item_can_be_removed_and_the_rest_close_up(geneva, login, c2019):
    extra = services.agenda_item_add(consultation=c2019, by=geneva, title="Budget reform")
    services.agenda_item_move(item=extra, by=geneva, position=2)
    response = login(geneva).post(f"{BASE}/items/{extra.pk}/remove/")
    assert response.status_code == 302
    items = _agenda(c2019)
    assert [i.order for i in items] == list(range(1, 13))
    assert "Budget reform" not in [i.title for i in items]


@pytest.mark.parametrize("index", [0, 8, 9, 11])
def test_standard_items_are_kept(geneva, login, c2019, index):
    item = _agenda(c2019)[index]
    response = login(geneva).post(f"{BASE}/items/{item.pk}/remove/", follow=True)
    assert "Standard items stay on the agenda." in response.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    assert len(_agenda(c2019)) == 12


def test_an_extra_item_with_notes_is_kept(geneva, c2019):
    extra = services.agenda_item_add(consultation=c2019, by=geneva, title="Budget reform")
    services.note_create(agenda_item=extra, by=geneva, body="Discussed.")
    with pytest.raises(ValidationError, match="has notes or action points"):
        services.agenda_item_remove(item=extra, by=geneva)
    assert AgendaItem.objects.filter(pk=extra.pk).exists()


def test_the_api_lists_a_consultations_agenda_in_order(desk, api_login, iom, c2019):
    factories.consultation(iom, year=2020)
    response = api_login(desk).get("/api/v1/agenda-items/", {"consultation": c2019.pk})
    rows = response.json()["results"]
    assert [(r["order"], r["code"], r["title"]) for r in rows[:9]] == [
        (n, code, title) for n, (code, title) in enumerate(SECTION_4_1_ITEMS, start=1)
    ]
    assert len(rows) == 12
    assert {r["consultation"] for r in rows} == {c2019.pk}


def test_the_api_adds_moves_renames_and_removes_extra_items(geneva, api_login, c2019):
    client = api_login(geneva)
    created = client.post(
        "/api/v1/agenda-items/",
        {"consultation": c2019.pk, "title": "Budget reform", "order": 3},
        format="json",
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert [i.code for i in _agenda(c2019)][:4] == ["i", "ii", "", "iii"]
    moved = client.patch(f"/api/v1/agenda-items/{item_id}/", {"order": 13}, format="json")
    assert (moved.status_code, moved.json()["order"]) == (200, 13)
    renamed = client.patch(
        f"/api/v1/agenda-items/{item_id}/", {"title": "IOM budget reform"}, format="json"
    )
    assert renamed.json()["title"] == "IOM budget reform"
    assert client.delete(f"/api/v1/agenda-items/{item_id}/").status_code == 204
    assert len(_agenda(c2019)) == 12


def test_the_api_keeps_standard_items_and_their_words(geneva, api_login, c2019):
    client = api_login(geneva)
    item = _agenda(c2019)[0]
    renamed = client.patch(f"/api/v1/agenda-items/{item.pk}/", {"title": "x"}, format="json")
    assert renamed.status_code == 400
    assert renamed.json() == {"title": ["A standard item keeps the strategy's words."]}
    removed = client.delete(f"/api/v1/agenda-items/{item.pk}/")
    assert removed.status_code == 400
    assert removed.json() == {"non_field_errors": ["Standard items stay on the agenda."]}
    item.refresh_from_db()
    assert item.title == SECTION_4_1_ITEMS[0][1]
