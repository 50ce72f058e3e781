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


def test_an_invited_desk_officer_sets_a_password_from_the_email_and_sees_only_that_partnership(
    browser_as, iom, other_partnership, desk, smtp, settings
):
    """The issue's journey: a desk officer invites a colleague by keyboard, who sets a
    password from the e-mail (read from the SMTP server) and sees only that partnership."""
    journey = browser_as(desk)
    settings.SITE_URL = journey.base_url
    page = journey.page
    keys = Keyboard(page)
    journey.goto(f"{P}/members/")
    journey.audit("people")
    keys.fill(page.get_by_label("E-mail address"), "nadia.nielsen@um.dk")
    keys.fill(page.get_by_label("First name"), "Nadia")
    keys.fill(page.get_by_label("Last name"), "Nielsen")
    keys.focus(page.get_by_label("Mission staff", exact=True))
    keys.press("ArrowUp")
    expect(page.get_by_label("Desk officer", exact=True)).to_be_checked()
    keys.activate(page.get_by_role("button", name="Send the invitation"))
    expect(page.get_by_role("status")).to_contain_text(
        "Nadia Nielsen is invited as desk officer: an e-mail with a link to set a password "
        "went to nadia.nielsen@um.dk."
    )
    expect(page.get_by_role("row", name="Nadia Nielsen")).to_contain_text("no password set yet")
    journey.audit("invited")
    assert keys.problems == [], "\n".join(keys.problems)
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)

    (message,) = smtp.to("nadia.nielsen@um.dk")
    body = message.get_body(("plain",)).get_content()
    link = next(word for word in body.split() if "/accounts/invitation/" in word)

    invited = browser_as(desk, logged_in=False, viewport=PHONE)
    invited.name = "nadia"
    page = invited.page
    keys = Keyboard(page)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    invited.audit("390-set-password")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    keys.fill(page.get_by_label("New password:", exact=True), "a-good-long-pass-phrase")
    keys.fill(page.get_by_label("New password confirmation:"), "a-good-long-pass-phrase")
    keys.activate(page.get_by_role("button", name="Set the password and start"))
    expect(page.get_by_role("status")).to_contain_text("Welcome, Nadia Nielsen.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strategic Partnership")
    invited.audit("390-dashboard")
    page.goto(invited.base_url + "/account/")
    expect(
        page.get_by_role("table", name="Your partnerships and roles").get_by_role("row")
    ).to_have_count(2)
    expect(page.get_by_role("main")).to_contain_text("Desk officer")
    expect(page.get_by_role("main")).not_to_contain_text(other_partnership.title)
    invited.audit("390-account")
    # The link works once.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation does not work")
    invited.audit("390-link-used")
    assert keys.problems == [], "\n".join(keys.problems)
    invited.assert_accessible()
    # The used link answers 400: the page that says so, not an error of the application.
    assert [e for e in invited.errors if "/accounts/invitation/" not in e] == []


def test_the_password_reset_pages_by_keyboard_and_at_390_px(browser_as, desk, smtp, settings):
    desk.email = "desk@um.dk"
    desk.save(update_fields=["email"])
    journey = browser_as(desk, logged_in=False, viewport=PHONE)
    settings.SITE_URL = journey.base_url
    page = journey.page
    keys = Keyboard(page)
    journey.goto("/accounts/login/")
    journey.audit("390-login")
    keys.activate(page.get_by_role("link", name="Forgot your password?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    journey.audit("390-reset")
    keys.fill(page.get_by_label("Email"), "desk@um.dk")
    keys.activate(page.get_by_role("button", name="Send the link"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    journey.audit("390-reset-sent")
    (message,) = smtp.to("desk@um.dk")
    body = message.get_body(("plain",)).get_content()
    link = next(word for word in body.split() if "/accounts/password/reset/" in word)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    journey.audit("390-choose")
    keys.fill(page.get_by_label("New password:", exact=True), "a-brand-new-pass-phrase")
    keys.fill(page.get_by_label("New password confirmation:"), "a-brand-new-pass-phrase")
    keys.activate(page.get_by_role("button", name="Save the password"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is saved")
    journey.audit("390-saved")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    page.goto(link)  # used: it works once
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    journey.audit("390-link-used")
    assert keys.problems == [], "\n".join(keys.problems)
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_the_login_page_with_single_sign_on_by_keyboard_and_at_390_px(browser_as, desk, settings):
    """With single sign-on configured the login page leads to the identity provider first
    (the sign-in itself is tested against a real provider in tests/people/test_sso.py)."""
    settings.OIDC_RP_CLIENT_ID = "partnership-monitor"
    settings.OIDC_PROVIDER_NAME = "the ministry's account"
    journey = browser_as(desk, logged_in=False, viewport=PHONE)
    page = journey.page
    keys = Keyboard(page)
    journey.goto("/accounts/login/")
    sign_in = page.get_by_role("link", name="Sign in with the ministry's account")
    keys.focus(sign_in)
    expect(sign_in).to_have_attribute("href", "/oidc/authenticate/")
    keys.focus(page.get_by_role("button", name="Log in"))
    journey.audit("390-login-sso")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    settings.LOCAL_PASSWORDS = False
    journey.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)
    journey.audit("390-login-sso-only")
    assert keys.problems == [], "\n".join(keys.problems)
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
