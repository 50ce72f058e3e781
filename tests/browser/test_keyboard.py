"""The desk officer's journey again, by keyboard alone: Tab and Shift+Tab to move, Enter
and Space to act, arrow keys and typing to choose. Every element that takes focus on the
way must show it. It runs twice: with a browser that asks for English, and with one that
asks for Danish (the labels, buttons and messages as the catalogue writes them, the
amount typed and shown as a Danish desk officer writes it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from playwright.sync_api import expect

from tests.browser.i18n import LOCALES
from tests.browser.i18n import said
from tests.browser.i18n import said_of
from tests.browser.keyboard import Keyboard
from tests.browser.test_journeys import COMPONENTS_2019
from tests.browser.test_journeys import FINANCE_ACT_2019

pytestmark = pytest.mark.browser


# What differs between the languages beyond the catalogue's words: Django's own login
# labels, the amount as typed, and the money left as the page writes it.
WRITTEN = {
    "en-gb": {
        "Username": "Username",
        "Password": "Password",
        "amount": "1,500,000",
        "left": "LeftDKK 500,000",
        "lines": "The 4 lines of 2019 are committed",
    },
    "da": {
        "Username": "Brugernavn",
        "Password": "Adgangskode",
        "amount": "1.500.000",
        "left": "TilbageDKK 500.000",
        "lines": "De 4 linjer for 2019 er bevilget",
    },
}


@pytest.mark.parametrize("language", ["en-gb", "da"])
def test_desk_officers_journey_by_keyboard_alone(
    browser_as, demo, desk, worker, tmp_path, language
):
    journey = browser_as(desk, logged_in=False, locale=LOCALES[language])
    page = journey.page
    keys = Keyboard(page)
    written = WRITTEN[language]

    def t(text: str) -> str:
        return said(text, language)

    journey.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    keys.fill(page.get_by_label(written["Username"]), desk.username)
    keys.fill(page.get_by_label(written["Password"]), "a-long-test-password")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your partnerships"))
    keys.activate(page.get_by_role("link", name=demo.title))
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.title)

    # A goal update with its evidence.
    keys.activate(page.get_by_role("link", name=re.compile("^More member states will provide")))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t("Goal %(number)s") % {"number": 4}
    )
    keys.type_date(page.get_by_label(t("As of")), dt.date(2019, 6, 30))
    status = page.get_by_label(t("Status"))
    keys.focus(status)
    while status.input_value() != "on_track":
        keys.press("ArrowDown")
    keys.fill(page.get_by_label(t("Narrative")), "Two more member states pledged core funding.")
    evidence = page.get_by_label("Annual Financial Report 2017")
    keys.activate(evidence, "Space")
    expect(evidence).to_be_checked()
    keys.activate(page.get_by_role("button", name=t("Add update")))
    expect(page.get_by_role("status")).to_contain_text(
        t("The update was added to the goal's timeline.")
    )
    expect(page.locator(".timeline li").first).to_contain_text(
        t("Evidence:") + " Annual Financial Report 2017"
    )

    # The 2019 lines committed in one confirmed action, then a payment on the last.
    keys.activate(page.get_by_role("link", name=t("Funding"), exact=True).first)
    keys.activate(
        page.get_by_role("link", name=re.compile("^" + t("Commit %(year)s…") % {"year": 2019}))
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Commit the budget lines of %(year)s") % {"year": 2019}
    )
    keys.fill(page.get_by_label(t("Finance Act reference")), FINANCE_ACT_2019)
    keys.fill(page.get_by_label(t("Reason")), "Finance Act adopted")
    keys.activate(
        page.get_by_role(
            "button",
            name=t("Commit the %(lines_count)s lines of %(year)s")
            % {"lines_count": 4, "year": 2019},
        )
    )
    expect(page.get_by_role("status")).to_contain_text(written["lines"])
    component = t(COMPONENTS_2019[-1][0])
    keys.activate(page.get_by_role("link", name=re.compile(rf"2019 {re.escape(component)}$")))
    expect(page.locator("dl.facts .badge")).to_have_text(t("Committed"))
    keys.type_date(page.get_by_label(t("Value date")), dt.date(2019, 7, 1))
    keys.fill(page.get_by_label(t("Amount")), written["amount"])
    keys.fill(page.get_by_label(t("Reference")), "SEC-2019-01")
    keys.press("Enter")
    expect(page.locator("dl.facts")).to_contain_text(written["left"])

    # The mid-term review rendered and downloaded.
    keys.activate(page.get_by_role("link", name=t("Reviews"), exact=True))
    keys.activate(page.get_by_role("link", name="Mid-term review of the strategy"))
    keys.activate(page.get_by_role("button", name=t("Render report")))
    versions = page.get_by_role("table", name=t("Report versions, newest first"))
    expect(versions.locator(".badge").first).to_have_text(t("Queued"))
    assert worker.run() == ["done"]
    expect(versions.locator(".badge").first).to_have_text(
        said_of("a report version's status", "Done", language), timeout=20_000
    )
    shown_hash = versions.locator(".hash").first.inner_text().removeprefix("SHA-256 ")
    with page.expect_download() as info:
        keys.activate(
            versions.get_by_role(
                "link", name=f"{t('Download')} {t('version %(number)s') % {'number': 1}}"
            )
        )
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == shown_hash
    journey.screenshot("downloaded")

    assert keys.problems == [], "\n".join(keys.problems)
    assert keys.stops > 50  # the journey really went by Tab
    assert journey.errors == [], "\n".join(journey.errors)
