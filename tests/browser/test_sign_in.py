"""Signing in with a second factor, by keyboard, with production's rule (MFA_REQUIRED).

A desk officer's first log-in asks for an authenticator app: they read the key off the
page, their "phone" computes the code from it (RFC 6238, as an app does), they confirm,
download the ten recovery codes shown once and land where they were going; there they
create an API token. The next log-in asks for a code: a wrong one is refused at the field,
the right one signs them in. A recovery code signs them in once, and is refused the second
time. An auditor does the same on a phone (390 px), and mission staff, asked for nothing,
are told how to get a token. axe checks every page; focus shows on every stop."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.keyboard import Keyboard

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
PHONE = (390, 844)


@pytest.fixture
def mfa(settings):
    settings.MFA_REQUIRED = True
    # A wrong code is followed at once by the right one here: no second's wait between.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    return settings


def phone_code(key: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key it was given (``steps_ahead`` of 30 s
    later: a code is used once, and two log-ins may fall in one step)."""
    secret = base64.b32decode(key.replace(" ", ""))
    return f"{totp(secret, drift=steps_ahead):06d}"


def password_step(journey, keys: Keyboard, user, next_url: str = "") -> None:
    journey.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    journey.audit("login")
    keys.fill(journey.page.get_by_label("Username"), user.username)
    keys.fill(journey.page.get_by_label("Password"), PASSWORD)
    keys.activate(journey.page.get_by_role("button", name="Log in"))


def code_step(journey, keys: Keyboard, code: str) -> None:
    page = journey.page
    page.wait_for_url(journey.base_url + "/account/sign-in/code/")
    keys.fill(page.get_by_label("Code"), code)
    keys.activate(page.get_by_role("button", name="Sign in"))


def log_out(journey, keys: Keyboard) -> None:
    keys.activate(journey.page.get_by_role("button", name="Log out"))
    journey.page.wait_for_url(re.compile(r"/accounts/login/"))


def fits(journey) -> bool:
    return journey.page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_desk_officer_signs_in_with_a_code_and_a_recovery_code(
    browser_as, demo, desk, mfa, tmp_path
):
    journey = browser_as(desk, logged_in=False)
    page = journey.page
    keys = Keyboard(page)

    # First log-in: the password, then setting up the app.
    password_step(journey, keys, desk, next_url=f"/p/{SLUG}/")
    page.wait_for_url(journey.base_url + "/account/sign-in/set-up/")
    journey.audit("set-up")
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code of the key"))).to_be_visible()
    key = page.locator("#otp-key").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", key)
    keys.fill(page.get_by_label("Code from the app"), phone_code(key))
    keys.activate(page.get_by_role("button", name="Confirm"))

    # The recovery codes, shown once, downloaded as text.
    page.wait_for_url(journey.base_url + "/account/security/recovery-codes/")
    journey.audit("recovery-codes")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery = codes.all_inner_texts()
    with page.expect_download() as info:
        keys.activate(page.get_by_role("link", name="Download the codes as text"))
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert info.value.suggested_filename == "partnership-monitor-recovery-codes.txt"
    assert [line for line in path.read_text().splitlines() if line in recovery] == recovery
    keys.activate(page.get_by_role("button", name="I have kept them: continue"))
    page.wait_for_url(journey.base_url + f"/p/{SLUG}/")
    journey.audit("dashboard")

    # Signed in with a code: the token page creates a token.
    journey.goto("/account/tokens/")
    journey.audit("tokens")
    keys.fill(page.get_by_label("Name"), "Quarterly funding export")
    keys.activate(page.get_by_role("button", name="Create token"))
    expect(page.get_by_role("textbox", name="Token")).to_have_value(re.compile(r"^pm_"))
    journey.audit("token-created")

    # The next log-in asks for a code; a wrong one is refused at the field.
    log_out(journey, keys)
    password_step(journey, keys, desk)
    wrong = "000000" if phone_code(key, 1) != "000000" else "111111"
    code_step(journey, keys, wrong)
    field = page.get_by_label("Code")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    journey.audit("code-refused")
    code_step(journey, keys, phone_code(key, 1))
    page.wait_for_url(journey.base_url + "/")
    journey.audit("home")

    # Without the phone: a recovery code, once.
    log_out(journey, keys)
    password_step(journey, keys, desk)
    code_step(journey, keys, recovery[0])
    page.wait_for_url(journey.base_url + "/")
    expect(
        page.get_by_text("You signed in with a recovery code; it no longer works.")
    ).to_be_visible()
    journey.audit("home-after-recovery-code")
    log_out(journey, keys)
    password_step(journey, keys, desk)
    code_step(journey, keys, recovery[0])
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    journey.audit("recovery-code-used")
    assert page.url == journey.base_url + "/account/sign-in/code/"  # still not signed in

    # The security page says what is set up.
    code_step(journey, keys, recovery[1])
    page.wait_for_url(journey.base_url + "/")
    journey.goto("/account/security/")
    journey.audit("security")
    expect(page.get_by_text("8 of 10 one-time codes left")).to_be_visible()

    assert keys.problems == []
    journey.assert_accessible()
    assert journey.errors == []


def test_on_a_phone_an_auditor_sets_up_and_mission_staff_are_told_how_to_get_a_token(
    browser_as, demo, auditor, geneva, mfa
):
    phone = browser_as(auditor, viewport=PHONE, logged_in=False)
    page = phone.page
    keys = Keyboard(page)
    password_step(phone, keys, auditor)
    page.wait_for_url(phone.base_url + "/account/sign-in/set-up/")
    phone.audit("set-up-390")
    assert fits(phone)
    key = page.locator("#otp-key").inner_text()
    keys.fill(page.get_by_label("Code from the app"), phone_code(key))
    keys.activate(page.get_by_role("button", name="Confirm"))
    page.wait_for_url(phone.base_url + "/account/security/recovery-codes/")
    phone.audit("recovery-codes-390")
    assert fits(phone)
    keys.activate(page.get_by_role("button", name="I have kept them: continue"))
    page.wait_for_url(phone.base_url + "/")
    phone.audit("home-390")
    phone.goto("/account/security/")
    phone.audit("security-390")
    assert fits(phone)
    log_out(phone, keys)
    password_step(phone, keys, auditor)
    page.wait_for_url(phone.base_url + "/account/sign-in/code/")
    phone.audit("code-390")
    assert fits(phone)

    # Mission staff sign in with their password; a token needs a second factor first.
    staff = browser_as(geneva, viewport=PHONE, logged_in=False)
    staff_keys = Keyboard(staff.page)
    password_step(staff, staff_keys, geneva)
    staff.page.wait_for_url(staff.base_url + "/")
    staff.audit("staff-home-390")
    staff.goto("/account/tokens/")
    staff.audit("tokens-without-second-factor-390")
    assert fits(staff)
    expect(staff.page.get_by_role("button", name="Create token")).to_have_count(0)
    staff_keys.activate(staff.page.get_by_role("link", name="Set up an authenticator app"))
    staff.page.wait_for_url(staff.base_url + "/account/security/authenticator/")
    staff.audit("set-up-by-choice-390")
    assert fits(staff)

    assert keys.problems == staff_keys.problems == []
    phone.assert_accessible()
    staff.assert_accessible()
    assert phone.errors == staff.errors == []
