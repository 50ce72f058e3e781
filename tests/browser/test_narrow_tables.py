"""At 390 px wide (a phone), the funding pages' wide tables scroll in their own box and the
page never scrolls sideways: each box that scrolls is a region a keyboard reaches and a
screen reader names, its caption stays in view, and no word in a cell is broken across
lines. A title made of one long unbroken word wraps; a form-wide error passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consultations import services as consultation_services
from tests.consultations import factories as consultation_factories

pytestmark = pytest.mark.browser

PHONE = (390, 844)
FUNDING = [
    "funding/",
    "funding/voluntary-contributions/",
    "funding/voluntary-contributions/reconciliation/",
    "funding/voluntary-contributions/reconciliation/?show=all",
    "funding/voluntary-contributions/reconciliation/?show=all&page=2",
]

PAGE_WIDTH = "document.documentElement.scrollWidth"

# The table boxes that scroll, each described by what a keyboard and a screen reader get
# from it: its tab stop, its role, its name, and whether its visible caption is in view
# once the box is scrolled to its far end.
SCROLLING_BOXES = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(box => box.scrollWidth > box.clientWidth)
  .map(box => {
    const named = box.getAttribute('aria-labelledby');
    const caption = box.querySelector('caption:not(.visually-hidden)');
    box.scrollLeft = box.scrollWidth;
    const inView = (outer, inner) =>
      inner.left >= outer.left - 1 && inner.right <= outer.right + 1;
    const result = {
      tabindex: box.getAttribute('tabindex'),
      role: box.getAttribute('role'),
      name: (named ? document.getElementById(named)?.textContent : box.getAttribute('aria-label')
        || '').trim(),
      captionInView: caption
        ? inView(box.getBoundingClientRect(), caption.getBoundingClientRect()) : null,
    };
    box.scrollLeft = 0;
    return result;
  })"""

# Words of the tables' cells that are broken across two lines (one letter a line, in a
# column squeezed to its narrowest letter); a line may end at a hyphen or a slash.
BROKEN_WORDS = r"""() => {
  const broken = [];
  document.querySelectorAll('.table-wrap > table:not(.stack) :is(th, td)').forEach(cell => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (text.parentElement.closest('.visually-hidden')) continue;
      for (const match of text.data.matchAll(/[^\s\-\u2010\u2013/]+/g)) {
        const range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  });
  return broken.slice(0, 10);
}"""


@pytest.mark.parametrize("locale", ["en-GB", "da-DK"])
def test_the_funding_tables_scroll_in_their_own_box_at_390_px(browser_as, demo, desk, locale):
    journey = browser_as(desk, viewport=PHONE, locale=locale)
    page = journey.page
    for path in FUNDING:
        journey.goto(f"/p/{demo.slug}/{path}")
        assert page.evaluate(PAGE_WIDTH) <= PHONE[0], (path, "the page scrolls sideways")
        boxes = page.evaluate(SCROLLING_BOXES)
        assert boxes, (path, "no table is wider than the screen: the test shows nothing")
        for box in boxes:
            assert box["tabindex"] == "0", (path, box)
            assert box["role"] == "region", (path, box)
            assert box["name"], (path, box)
            assert box["captionInView"] in (None, True), (path, box)
        assert page.evaluate(BROKEN_WORDS) == [], path
        journey.audit(f"390-{locale}-{path.strip('/').replace('/', '-')}")
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_a_table_box_scrolls_from_the_keyboard(browser_as, demo, desk):
    """The reconciliation's table is wider than a phone: Tab reaches its box, which a
    screen reader names after the table, and the arrow keys scroll it."""
    journey = browser_as(desk, viewport=PHONE)
    page = journey.page
    journey.goto(f"/p/{demo.slug}/funding/voluntary-contributions/reconciliation/")
    box = page.get_by_role("region", name="Stated totals compared with their detail rows")
    page.get_by_role("link", name="Show every comparison").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if box.evaluate("box => box === document.activeElement"):
            break
    expect(box).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    journey.audit("390-reconciliation-box-focused")
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_a_title_of_one_long_word_wraps_at_390_px(browser_as, demo, desk, geneva):
    """An agenda item titled with a 300-character link: the consultation, its action point
    page, and the note under it read without scrolling sideways."""
    title = ("https://www.iom.int/" + "EvaluationOfTheDanishContribution" * 9)[:300]
    c2020 = consultation_factories.consultation(demo, year=2020, created_by=geneva)
    item = consultation_services.agenda_item_add(consultation=c2020, by=geneva, title=title)
    consultation_services.note_create(agenda_item=item, by=geneva, body=f"See {title}")
    journey = browser_as(desk, viewport=PHONE)
    for step, path in [
        ("consultation", f"/p/{demo.slug}/consultations/2020/"),
        ("notes", f"/p/{demo.slug}/consultations/2020/notes/"),
        ("action-point-new", f"/p/{demo.slug}/consultations/items/{item.pk}/action-points/"),
    ]:
        journey.goto(path)
        expect(journey.page.get_by_role("heading", level=1)).to_be_visible()
        assert journey.page.evaluate(PAGE_WIDTH) <= PHONE[0], (step, "scrolls sideways")
        journey.audit(f"390-long-title-{step}")
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_a_form_wide_error_is_announced_and_passes_axe(browser_as, desk):
    """A wrong password is refused for the form as a whole: the error list is read out as
    an alert and stays a list."""
    journey = browser_as(desk, viewport=PHONE, logged_in=False)
    page = journey.page
    journey.goto("/accounts/login/")
    page.get_by_label("Username").fill(desk.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("correct username and password")
    expect(alert.get_by_role("listitem")).to_have_count(1)
    journey.audit("390-login-refused")
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
