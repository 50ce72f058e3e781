"""Logging notes during a consultation, in a real browser: typed, saved while typing,
still there after a reload; two people on one note."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from consultations.models import Note
from tests.consultations import factories

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
PAGE = f"/p/{SLUG}/consultations/2019/"


@pytest.fixture
def c2019(iom, geneva):
    return factories.consultation(iom, year=2019, created_by=geneva)


def _stored(journey, note_id: int) -> str:
    return journey.api_get(f"/api/v1/notes/{note_id}/")["body"]


def _wait_for(condition, *, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("the condition did not come true in time")


def _add_note(journey, item_title: str):
    journey.page.get_by_role("button", name=f"Add a note on {item_title}").click()
    box = journey.page.get_by_role("textbox", name=f"Note on “{item_title}")
    expect(box).to_be_focused()
    article = journey.page.locator("article.note-editing")
    note_id = int(article.get_attribute("id").removeprefix("note-"))
    return box, note_id


def test_a_note_typed_is_saved_while_typing_and_still_there_after_a_reload(
    browser_as, geneva, c2019
):
    journey = browser_as(geneva)
    journey.goto(PAGE)
    box, note_id = _add_note(journey, "IOM's utilization of the Danish contribution")
    text = "IOM reported on the use of the **core contribution** for priority areas 1 and 2."
    box.press_sequentially(text, delay=40)
    # Nothing clicked, the box still has focus: the pause in typing is enough to save.
    status = journey.page.locator(f"#note-{note_id}-status")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d \(version \d+\)\.$"))
    expect(box).to_be_focused()
    _wait_for(lambda: _stored(journey, note_id) == text)
    journey.screenshot("typed")

    journey.page.reload()
    note = journey.page.locator(f"#note-{note_id}")
    expect(note.locator(".note-body strong")).to_have_text("core contribution")
    expect(note).to_contain_text("IOM reported on the use of the core contribution")
    expect(note.locator(".badge")).to_have_text("Draft")
    journey.screenshot("reloaded")
    assert journey.errors == []


def test_typing_without_a_pause_is_saved_every_few_seconds(browser_as, geneva, c2019):
    journey = browser_as(geneva)
    journey.goto(PAGE)
    box, note_id = _add_note(journey, "Plans for use of Danish contributions")
    saves: list[tuple[float, str, int]] = []

    def record(response):
        request = response.request
        if request.method == "POST" and request.url.endswith(f"/notes/{note_id}/"):
            body = parse_qs(request.post_data or "", keep_blank_values=True)["body"][0]
            saves.append((time.monotonic(), body, response.status))

    journey.page.on("response", record)
    words = "IOM plans to use the contribution for its new results framework and for staff. "
    text = words * 2
    started = time.monotonic()
    box.press_sequentially(text, delay=45)  # about seven seconds without a pause
    typing_ended = time.monotonic()
    assert typing_ended - started > 5

    during = [(at, body) for at, body, status in saves if at < typing_ended and status == 200]
    assert during, "nothing was saved while typing went on"
    assert all(text.startswith(body) for _, body in during)
    # The last save before typing stopped is a few seconds old at most (one every three
    # seconds, plus the answer's time on a busy machine).
    assert typing_ended - during[-1][0] < 5
    _wait_for(lambda: _stored(journey, note_id) == text)
    assert journey.errors == []


def test_leaving_the_page_right_after_typing_keeps_the_text(browser_as, geneva, c2019):
    journey = browser_as(geneva)
    journey.goto(PAGE)
    box, note_id = _add_note(journey, "Danish policy priorities")
    box.press_sequentially("Last words before the lid closed.")
    journey.goto("/")  # at once, before the pause that would save
    _wait_for(lambda: _stored(journey, note_id) == "Last words before the lid closed.")


def test_two_people_on_one_note_see_each_others_text_and_nothing_is_overwritten(
    browser_as, geneva, desk, c2019
):
    item = c2019.agenda_items.get(code="vi")
    note = Note.objects.create(
        agenda_item=item, author=geneva, last_edited_by=geneva, body="IOM presented its plans."
    )
    mission, copenhagen = browser_as(geneva), browser_as(desk)
    for journey in (mission, copenhagen):
        journey.goto(PAGE)
        journey.page.locator(f"#note-{note.pk}").get_by_role("link", name="Edit").click()
        expect(journey.page.locator(f"#note-{note.pk} textarea")).to_be_focused()

    mission.page.keyboard.press("End")
    mission.page.keyboard.type(" Geneva adds the figures.")
    expect(mission.page.locator(f"#note-{note.pk}-status")).to_contain_text("Saved at")

    copenhagen.page.keyboard.press("End")
    copenhagen.page.keyboard.type(" Copenhagen adds a concern.")
    conflict = copenhagen.page.locator(f"#note-{note.pk}-conflict")
    expect(conflict).to_contain_text("Not saved: Test geneva changed this note meanwhile")
    expect(conflict.locator(".their-text")).to_have_text(
        "IOM presented its plans. Geneva adds the figures."
    )
    copenhagen.screenshot("refused")
    assert _stored(mission, note.pk) == "IOM presented its plans. Geneva adds the figures."
    # Typing on does not overwrite either: the autosave waits for a choice.
    copenhagen.page.keyboard.type(" More.")
    copenhagen.page.wait_for_timeout(1500)
    assert _stored(mission, note.pk) == "IOM presented its plans. Geneva adds the figures."

    copenhagen.page.get_by_role("button", name="Keep my text (replace theirs)").click()
    expect(conflict).to_be_empty()
    kept = "IOM presented its plans. Copenhagen adds a concern. More."
    _wait_for(lambda: _stored(mission, note.pk) == kept)
    assert mission.errors == copenhagen.errors == []


def test_reordering_the_agenda_keeps_a_note_being_typed(browser_as, geneva, c2019):
    journey = browser_as(geneva)
    journey.goto(PAGE)
    item = c2019.agenda_items.get(code="vii")
    box, note_id = _add_note(journey, "Key issues emanating from IOM's strategies")
    box.press_sequentially("Typed just before the move")
    journey.page.locator(f"#item-{item.pk}-up").click()  # the agenda is swapped in place
    headings = journey.page.locator(".agenda-item h3")
    expect(headings.nth(5)).to_contain_text("vii) Key issues emanating from IOM's strategies")
    expect(headings.nth(6)).to_contain_text("vi) Possible concerns of Denmark")
    expect(box).to_have_value("Typed just before the move")
    _wait_for(lambda: _stored(journey, note_id) == "Typed just before the move")
    assert journey.errors == []


def test_opening_add_an_action_point_by_keyboard_loads_its_form_inside_and_keeps_focus(
    browser_as, geneva, c2019
):
    journey = browser_as(geneva)
    journey.goto(PAGE)
    page = journey.page
    item = c2019.agenda_items.get(code="vii")
    actions = page.locator(f"#item-{item.pk}-actions")
    summary = actions.locator("summary")
    expect(actions.get_by_label("What was agreed")).to_have_count(0)  # not drawn until asked
    summary.focus()
    page.keyboard.press("Enter")
    expect(actions.locator("details form").get_by_label("What was agreed")).to_be_visible()
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")  # on into the form's first field: what was agreed
    expect(actions.get_by_label("What was agreed")).to_be_focused()
    actions.get_by_label("What was agreed").fill("IOM to circulate its evaluation plan.")
    actions.get_by_label("Owner").fill("IOM")
    actions.get_by_role("button", name="Add action point").click()
    expect(page.locator(f"#item-{item.pk}-actions table")).to_contain_text(
        "IOM to circulate its evaluation plan."
    )
    journey.audit("consultation-action-point-form-loaded")
    assert journey.errors == []
