"""A partnership's people in the browser: the desk officer goes from the partnership's
navigation to its people, gives mission staff another role and removes the auditor, all by
keyboard (focus visible on every stop); the pages, and a person's own account page, read at
390 px without scrolling sideways. Axe checks every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from partnership.models import Membership
from tests.browser.keyboard import Keyboard

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}"
PHONE = (390, 844)


def test_desk_officer_changes_a_role_and_removes_someone_by_keyboard(
    browser_as, iom, desk, geneva, auditor
):
    journey = browser_as(desk)
    page = journey.page
    keys = Keyboard(page)
    journey.goto(f"{P}/")
    journey.audit("dashboard")

    keys.activate(page.get_by_role("navigation", name=iom.title).get_by_role("link", name="People"))
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    table = page.get_by_role("table", name=f"Members of {iom.title}")
    expect(table.get_by_role("row")).to_have_count(4)
    journey.audit("people")

    keys.activate(page.get_by_role("link", name="Change role of Test geneva"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the role of Test geneva")
    journey.audit("change-role")
    # A radio group takes focus on its chosen button; the arrow keys choose another.
    keys.focus(page.get_by_label("Mission staff", exact=True))
    keys.press("ArrowDown")
    expect(page.get_by_label("Auditor", exact=True)).to_be_checked()
    keys.fill(page.get_by_label("Reason for the change"), "Joined the audit unit")
    keys.activate(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Test geneva is now auditor.")
    journey.audit("role-changed")

    keys.activate(page.get_by_role("link", name="Remove Test auditor"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove Test auditor from the partnership"
    )
    keys.activate(page.get_by_role("button", name="Remove from the partnership"))
    expect(page.get_by_text("Give a reason: it is kept with the change history.")).to_be_visible()
    journey.audit("remove-refused")
    keys.fill(page.get_by_label("Reason"), "Audit completed")
    keys.activate(page.get_by_role("button", name="Remove from the partnership"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Test auditor is no longer a member of {iom.title}."
    )
    expect(table.get_by_role("row")).to_have_count(3)
    journey.audit("removed")

    assert keys.problems == [], "\n".join(keys.problems)
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
    assert journey.api_get("/api/v1/memberships/?role=auditor")["count"] == 1
    assert not Membership.objects.filter(user=auditor).exists()


def test_the_people_pages_read_at_390_px_without_scrolling_sideways(browser_as, iom, desk, geneva):
    desk.email = "a.rather-long-address.of.the.desk.officer@um.dk"
    desk.save(update_fields=["email"])
    target = Membership.objects.get(user=geneva, partnership=iom)
    journey = browser_as(desk, viewport=PHONE)
    wide = {}
    for step, path in [
        ("people", f"{P}/members/"),
        ("change-role", f"{P}/members/{target.pk}/role/"),
        ("remove", f"{P}/members/{target.pk}/remove/"),
        ("account", "/account/"),
    ]:
        journey.goto(path)
        expect(journey.page.get_by_role("heading", level=1)).to_be_visible()
        journey.audit(f"390-{step}")
        width = journey.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE[0]:
            wide[step] = width
    assert wide == {}
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
