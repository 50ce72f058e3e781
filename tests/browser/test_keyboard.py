"""The desk officer's journey again, by keyboard alone: Tab and Shift+Tab to move, Enter
and Space to act, arrow keys and typing to choose. Every element that takes focus on the
way must show it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from playwright.sync_api import expect

from tests.browser.keyboard import Keyboard
from tests.browser.test_journeys import COMPONENTS_2019, FINANCE_ACT_2019

pytestmark = pytest.mark.browser


def test_desk_officers_journey_by_keyboard_alone(browser_as, demo, desk, worker, tmp_path):
    journey = browser_as(desk, logged_in=False)
    page = journey.page
    keys = Keyboard(page)
    journey.goto("/accounts/login/")

    keys.fill(page.get_by_label("Username"), desk.username)
    keys.fill(page.get_by_label("Password"), "a-long-test-password")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your partnerships")
    keys.activate(page.get_by_role("link", name=demo.title))
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.title)

    # A goal update with its evidence.
    keys.activate(page.get_by_role("link", name=re.compile("^More member states will provide")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goal 4")
    keys.type_date(page.get_by_label("As of"), dt.date(2019, 6, 30))
    status = page.get_by_label("Status")
    keys.focus(status)
    while status.input_value() != "on_track":
        keys.press("ArrowDown")
    keys.fill(page.get_by_label("Narrative"), "Two more member states pledged core funding.")
    evidence = page.get_by_label("Annual Financial Report 2017")
    keys.activate(evidence, "Space")
    expect(evidence).to_be_checked()
    keys.activate(page.get_by_role("button", name="Add update"))
    expect(page.get_by_role("status")).to_contain_text("The update was added")
    expect(page.locator(".timeline li").first).to_contain_text(
        "Evidence: Annual Financial Report 2017"
    )

    # The 2019 lines committed in one confirmed action, then a payment on the last.
    keys.activate(page.get_by_role("link", name="Funding", exact=True).first)
    keys.activate(page.get_by_role("link", name=re.compile("^Commit 2019")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Commit the budget lines of 2019")
    keys.fill(page.get_by_label("Finance Act reference"), FINANCE_ACT_2019)
    keys.fill(page.get_by_label("Reason"), "Finance Act adopted")
    keys.activate(page.get_by_role("button", name="Commit the 4 lines of 2019"))
    expect(page.get_by_role("status")).to_contain_text("The 4 lines of 2019 are committed")
    component = COMPONENTS_2019[-1][0]
    keys.activate(page.get_by_role("link", name=re.compile(rf"2019 {re.escape(component)}$")))
    expect(page.locator("dl.facts .badge")).to_have_text("Committed")
    keys.type_date(page.get_by_label("Value date"), dt.date(2019, 7, 1))
    keys.fill(page.get_by_label("Amount"), "1500000")
    keys.fill(page.get_by_label("Reference"), "SEC-2019-01")
    keys.press("Enter")
    expect(page.locator("dl.facts")).to_contain_text("LeftDKK 500,000")

    # The mid-term review rendered and downloaded.
    keys.activate(page.get_by_role("link", name="Reviews", exact=True))
    keys.activate(page.get_by_role("link", name="Mid-term review of the strategy"))
    keys.activate(page.get_by_role("button", name="Render report"))
    versions = page.get_by_role("table", name="Report versions, newest first")
    expect(versions.locator(".badge").first).to_have_text("Queued")
    assert worker.run() == ["done"]
    expect(versions.locator(".badge").first).to_have_text("Done", timeout=20_000)
    shown_hash = versions.locator(".hash").first.inner_text().removeprefix("SHA-256 ")
    with page.expect_download() as info:
        keys.activate(versions.get_by_role("link", name="Download version 1"))
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == shown_hash
    journey.screenshot("downloaded")

    assert keys.problems == [], "\n".join(keys.problems)
    assert keys.stops > 50  # the journey really went by Tab
    assert journey.errors == [], "\n".join(journey.errors)
