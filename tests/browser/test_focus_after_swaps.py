"""The consultation page keeps a keyboard user's place when htmx redraws part of it: after
marking a note ready, saving and closing a note, setting an action point's status or adding
an action point, the focus is on what was just changed (or on what it says happened), not
thrown back to the top of the page where the next Tab would start at the skip link. The
consultation's whole list of action points keeps it too."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from consultations import services
from tests.consultations import factories

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
PAGE = f"/p/{SLUG}/consultations/2019/"

# Where the focus is: the focused element's id, or that of the nearest element around it
# that has one ("" when nothing on the page has the focus).
FOCUS_IN = """() => {
  const active = document.activeElement;
  if (!active || active === document.body) return "";
  const named = active.closest("[id]");
  return named ? named.id : "";
}"""


@pytest.fixture
def c2019(iom, geneva):
    return factories.consultation(iom, year=2019, created_by=geneva)


def _focus_is_in(journey, element_id: str) -> bool:
    return journey.page.evaluate(
        "(id) => Boolean(document.activeElement && document.activeElement.closest('#' + id))",
        element_id,
    )


def _accessible_without_errors(journey, step: str) -> None:
    journey.audit(step)
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


@pytest.mark.parametrize("where", [PAGE, f"{PAGE}notes/"], ids=["consultation", "list"])
def test_marking_a_note_ready_by_keyboard_leaves_the_focus_on_that_note(
    browser_as, geneva, c2019, where
):
    item = c2019.agenda_items.get(code="vii")
    note = services.note_create(agenda_item=item, by=geneva, body="IOM presented its plans.")
    journey = browser_as(geneva)
    journey.goto(where)
    page = journey.page
    article = page.locator(f"#note-{note.pk}")
    article.get_by_role("button", name="Mark ready for clearing").focus()
    page.keyboard.press("Enter")
    message = article.get_by_role("status")
    expect(message).to_have_text("Marked ready for clearing.")
    expect(message).to_be_focused()
    # Mission staff do not clear: where the clear button would be, they read who does.
    expect(article.locator(".note-actions")).to_contain_text(
        "A desk officer clears notes marked ready."
    )
    # The next Tab goes on inside the note (to its Edit button), not to the skip link.
    page.keyboard.press("Tab")
    assert _focus_is_in(journey, f"note-{note.pk}"), page.evaluate(FOCUS_IN)
    _accessible_without_errors(journey, "note-marked-ready")


@pytest.mark.parametrize("where", [PAGE, f"{PAGE}notes/"], ids=["consultation", "list"])
def test_saving_and_closing_a_note_by_keyboard_leaves_the_focus_on_that_note(
    browser_as, geneva, c2019, where
):
    item = c2019.agenda_items.get(code="vii")
    note = services.note_create(agenda_item=item, by=geneva, body="IOM presented its plans.")
    journey = browser_as(geneva)
    journey.goto(where)
    page = journey.page
    page.locator(f"#note-{note.pk}").get_by_role("link", name="Edit").focus()
    page.keyboard.press("Enter")
    box = page.get_by_role("textbox", name="Note on")
    expect(box).to_be_focused()
    box.press_sequentially(" Denmark asked for figures.")
    page.get_by_role("button", name="Save and close").focus()
    page.keyboard.press("Enter")
    expect(box).to_have_count(0)
    article = page.locator(f"#note-{note.pk}")
    expect(article).to_contain_text("Denmark asked for figures.")
    expect(article).to_be_focused()
    _accessible_without_errors(journey, "note-saved-and-closed")


def test_adding_an_action_point_by_keyboard_says_so_where_the_form_was(browser_as, geneva, c2019):
    item = c2019.agenda_items.get(code="vii")
    journey = browser_as(geneva)
    journey.goto(PAGE)
    page = journey.page
    actions = page.locator(f"#item-{item.pk}-actions")
    actions.locator("summary").focus()
    page.keyboard.press("Enter")
    actions.get_by_label("What was agreed").fill("IOM to circulate its evaluation plan.")
    actions.get_by_label("Owner").fill("IOM")
    actions.get_by_role("button", name="Add action point").focus()
    page.keyboard.press("Enter")
    message = actions.get_by_role("status")
    expect(message).to_have_text("The action point was added.")
    expect(message).to_be_focused()
    expect(actions.get_by_role("table")).to_contain_text("IOM to circulate its evaluation plan.")
    page.keyboard.press("Tab")  # on into what was just added, not back to the skip link
    assert _focus_is_in(journey, f"item-{item.pk}-actions"), page.evaluate(FOCUS_IN)
    _accessible_without_errors(journey, "action-point-added")


@pytest.mark.parametrize("where", [PAGE, f"{PAGE}action-points/"], ids=["consultation", "list"])
def test_setting_an_action_points_status_by_keyboard_keeps_the_focus_on_its_row(
    browser_as, geneva, c2019, where
):
    item = c2019.agenda_items.get(code="vii")
    point = services.action_point_create(
        consultation=c2019,
        by=geneva,
        agenda_item=item,
        description="IOM to share its results framework.",
        owner="IOM",
        due_date=dt.date(2019, 12, 31),
    )
    journey = browser_as(geneva)
    journey.goto(where)
    page = journey.page
    row = page.locator(f"#ap-{point.pk}")
    row.get_by_label("Status of").select_option("done")
    row.get_by_role("button", name="Set status").focus()
    page.keyboard.press("Enter")
    expect(row.locator(".action-done")).to_have_text("Done")
    assert _focus_is_in(journey, f"ap-{point.pk}"), page.evaluate(FOCUS_IN)
    _accessible_without_errors(journey, "action-point-status-set")
