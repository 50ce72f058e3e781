"""What needs attention, in the browser: the desk officer opens the dashboard on
15 February 2020 and finds at its top what is late, goes to My work and hands the overdue
action point to mission staff by name, all by keyboard; mission staff find it in their
work; the pages read at 390 px without scrolling sideways. Axe checks every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.models import Profile
from attention import services as attention_services
from consultations import services as consultation_services
from consultations.models import Consultation
from funding.models import BudgetLine
from tests.browser.keyboard import Keyboard

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}"
PHONE = (390, 844)
POINT = "IOM to share the draft results framework of its new strategy."


@pytest.fixture
def late(demo, geneva, settings):
    """The demo on 15 February 2020, with the action point agreed at the 2019 consultation
    that fell due on 31 January."""
    settings.ATTENTION_TODAY = "2020-02-15"
    consultation = Consultation.objects.get(partnership=demo, year=2019)
    return consultation_services.action_point_create(
        consultation=consultation,
        by=geneva,
        agenda_item=consultation.agenda_items.get(code="iv"),
        description=POINT,
        owner="IOM",
        due_date=dt.date(2020, 1, 31),
    )


def test_desk_officer_finds_what_is_late_and_hands_the_point_over_by_keyboard(
    browser_as, late, desk, geneva
):
    journey = browser_as(desk)
    page = journey.page
    keys = Keyboard(page)

    journey.goto(f"{P}/")
    panel = page.get_by_role("region", name=re.compile("^Needs attention"))
    expect(panel).to_contain_text("Needs attention (23)")
    expect(panel).to_contain_text("Overdue since 1 February 2020")
    expect(panel).to_contain_text("Overdue since 1 December 2019; due in the fall of 2019")
    expect(panel).to_contain_text("2018 budget lines")
    expect(panel).to_contain_text("Committed, and nothing paid by 30 June 2018")
    expect(panel).to_contain_text("Still indicative: the Finance Act for 2020 had passed")
    journey.audit("dashboard")

    # My work, from the header, by keyboard.
    keys.activate(
        page.get_by_role("navigation", name="Account").get_by_role("link", name="My work")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    work = page.get_by_role("region", name=demo_title(late))
    expect(work).to_contain_text("23 things need your attention")
    expect(work.get_by_role("listitem").first).to_contain_text("Committed, and nothing paid")
    journey.audit("my-work")

    # The point, where it is dealt with: its consultation, then its edit page.
    keys.activate(work.get_by_role("link", name=POINT))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2019")
    journey.audit("consultation")
    row = page.locator(f"#ap-{late.pk}")
    keys.activate(row.get_by_role("link", name=re.compile("^Edit")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit an action point")
    responsible = page.get_by_label("Followed up by")
    expect(responsible.locator("option")).to_have_text(["Nobody", "Test desk", "Test geneva"])
    keys.focus(responsible)
    while responsible.input_value() != str(geneva.pk):
        keys.press("ArrowDown")
    journey.audit("action-point-edit")
    keys.activate(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("The action point was saved.")
    expect(page.locator(f"#ap-{late.pk}")).to_contain_text("Followed up by Test geneva")
    saved = journey.api_get(f"/api/v1/action-points/{late.pk}/")
    assert saved["assignee"] == "geneva", saved
    assert (saved["status"], saved["due_date"]) == ("open", "2020-01-31"), saved

    # It is no longer the desk officer's to follow up.
    keys.activate(page.get_by_role("link", name="My work", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_role("main")).not_to_contain_text(POINT)
    journey.audit("my-work-after")

    # The digest: weekly, on Friday mornings.
    keys.activate(page.get_by_role("link", name="E-mail digest", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your e-mail digest")
    journey.audit("digest")
    # A radio group takes focus on its chosen button; the arrow keys choose another.
    keys.focus(page.get_by_label("Daily", exact=True))
    keys.press("ArrowDown")
    expect(page.get_by_label("Weekly", exact=True)).to_be_checked()
    keys.fill(page.locator("input[name=time]"), "0830")
    weekday = page.get_by_label("On (weekly)")
    keys.focus(weekday)
    while weekday.input_value() != "4":
        keys.press("ArrowDown")
    keys.activate(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Your e-mail digest is saved.")
    journey.audit("digest-saved")
    assert keys.problems == [], "\n".join(keys.problems)
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)

    profile = Profile.objects.get(user=desk)
    assert (profile.digest_frequency, profile.digest_time, profile.digest_weekday) == (
        "weekly",
        dt.time(8, 30),
        4,
    )

    # Mission staff find the point in their work, and nothing of the funding.
    theirs = browser_as(geneva)
    theirs.goto("/my-work/")
    mine = theirs.page.get_by_role("region", name=demo_title(late))
    expect(mine).to_contain_text("1 thing needs your attention")
    expect(mine).to_contain_text(POINT)
    expect(mine).not_to_contain_text("Budget line")
    theirs.audit("geneva-my-work")
    theirs.assert_accessible()
    assert theirs.errors == [], "\n".join(theirs.errors)


def demo_title(point) -> str:
    return point.consultation.partnership.title


def test_the_attention_pages_read_at_390_px_without_scrolling_sideways(
    browser_as, late, desk, geneva
):
    geneva.email = "geneva@example.org"
    geneva.save(update_fields=["email"])
    Profile.objects.create(user=geneva, digest_time=dt.time(0, 0))
    attention_services.digests_prepare()  # who was reminded of what has a row
    line = BudgetLine.objects.get(
        partnership=late.consultation.partnership, year=2020, component="core"
    )
    journey = browser_as(desk, viewport=PHONE)
    wide = {}
    for step, path in [
        ("dashboard", f"{P}/"),
        ("my-work", "/my-work/"),
        ("reminders", f"{P}/reminders/"),
        ("digest", "/account/digest/"),
        ("line-responsible", f"{P}/funding/lines/{line.pk}/responsible/"),
    ]:
        journey.goto(path)
        expect(journey.page.get_by_role("heading", level=1)).to_be_visible()
        journey.audit(f"390-{step}")
        width = journey.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE[0]:
            wide[step] = width
    expect(journey.page.get_by_label("Responsible").locator("option")).to_have_text(
        ["Nobody", "Test desk"]
    )
    assert wide == {}
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
