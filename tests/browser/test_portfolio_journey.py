"""The ministry's portfolio in the browser: a portfolio administrator renews the IOM
partnership for 2021–2025, creates one with a new organisation and another from a strategy
file (a file with mistakes first), and finds them on the portfolio with their figures, once
with a browser that asks for English and once with one that asks for Danish; a desk
officer adds a goal, retires another and keeps the standard agenda. All by keyboard,
every page checked by axe, and read at 390 px without scrolling sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from partnership.models import Membership
from partnership.models import Partnership
from tests.browser.i18n import LOCALES
from tests.browser.i18n import said
from tests.browser.keyboard import Keyboard
from tests.portfolio.test_strategy_file import UNHCR

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
PHONE = (390, 844)


# What the pages write beyond the catalogue's words: sentences that name a value, read in
# part, and figures in each language's format.
WRITTEN = {
    "en-gb": {
        "portfolio reader": "You read this partnership as a portfolio",
        "goals copied": "9 overall goals, with their indicators",
        "created as a draft": "was created as a draft",
        "created new": "was created as a draft",
        "created from": "was created from unhcr.yaml",
        "figures": "planned 105,000,000, committed 45,000,000",
    },
    "da": {
        "portfolio reader": "Du læser dette partnerskab som porteføljeadministrator",
        "goals copied": "9 overordnede mål med deres indikatorer",
        "created as a draft": "er oprettet som kladde",
        "created new": "er oprettet med status kladde",
        "created from": "er oprettet fra unhcr.yaml",
        "figures": "planlagt 105.000.000, bevilget 45.000.000",
    },
}


@pytest.mark.parametrize("language", ["en-gb", "da"])
def test_a_portfolio_administrator_renews_creates_and_loads_partnerships_by_keyboard(
    browser_as, demo, portfolio_admin, tmp_path, language
):
    journey = browser_as(portfolio_admin, locale=LOCALES[language])
    page = journey.page
    keys = Keyboard(page)
    written = WRITTEN[language]

    def t(text: str) -> str:
        return said(text, language)

    # The IOM partnership, read without a role in it: renewed for 2021–2025.
    journey.goto(f"/p/{SLUG}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("main")).to_contain_text(written["portfolio reader"])
    journey.audit("dashboard")
    keys.activate(page.get_by_role("link", name=t("Renew for the next period")))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Renew for the next period"))
    expect(page.get_by_role("region", name=t("Copied into the draft"))).to_contain_text(
        written["goals copied"]
    )
    journey.audit("renew")
    keys.type_date(page.get_by_label(t("End date")), dt.date(2025, 12, 31))
    keys.activate(page.get_by_role("button", name=t("Create the draft")))
    expect(page.get_by_role("status")).to_contain_text(written["created as a draft"])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Strategic Partnership Agreement between Denmark and IOM 2021–2025"
    )
    journey.audit("renewed-dashboard")

    # A new partnership with a new organisation, from the portfolio.
    account = page.get_by_role("navigation", name=t("Account"))
    keys.activate(account.get_by_role("link", name=t("Portfolio"), exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Portfolio"))
    journey.audit("portfolio")
    keys.activate(page.get_by_role("link", name=t("New partnership"), exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New partnership"))
    journey.audit("create")
    keys.fill(page.get_by_label(t("New organisation's name")), "World Food Programme")
    keys.fill(page.get_by_label(t("New organisation's acronym")), "WFP")
    keys.fill(page.get_by_label(t("Title") + ":", exact=True), "Denmark and WFP 2022–2024")
    keys.type_date(page.get_by_label(t("Start date")), dt.date(2022, 1, 1))
    keys.type_date(page.get_by_label(t("End date")), dt.date(2021, 12, 31))
    keys.fill(page.get_by_label(t("Annual amount")), "20000000")
    keys.activate(page.get_by_role("button", name=t("Create the partnership")))
    expect(page.get_by_text(t("The period must end on or after its start."))).to_be_visible()
    journey.audit("create-refused")
    keys.type_date(page.get_by_label(t("End date")), dt.date(2024, 12, 31))
    keys.activate(page.get_by_role("button", name=t("Create the partnership")))
    expect(page.get_by_role("status")).to_contain_text(written["created new"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Denmark and WFP 2022–2024")
    journey.audit("created-dashboard")

    # From a strategy file: one with mistakes first, then the right one.
    journey.goto("/portfolio/import/")
    journey.audit("import")
    wrong = tmp_path / "unhcr-wrong.yaml"
    wrong.write_text(UNHCR.replace("year: 2022", "year: 2030"), encoding="utf-8")
    right = tmp_path / "unhcr.yaml"
    right.write_text(UNHCR, encoding="utf-8")
    field = page.get_by_label(t("Strategy file"))
    keys.focus(field)
    field.set_input_files(str(wrong))
    keys.activate(page.get_by_role("button", name=t("Load the file")))
    problems = page.get_by_role("region", name=t("Problems found: nothing was stored"))
    expect(problems).to_contain_text("budget[3].year")
    expect(problems).to_contain_text(
        t("The agreement runs %(first)s–%(last)s.") % {"first": 2021, "last": 2025}
    )
    journey.audit("import-refused")
    field = page.get_by_label(t("Strategy file"))
    keys.focus(field)
    field.set_input_files(str(right))
    keys.activate(page.get_by_role("button", name=t("Load the file")))
    expect(page.get_by_role("status")).to_contain_text(written["created from"])
    journey.audit("loaded-dashboard")

    # The portfolio shows them all, with their figures, narrowed by a filter.
    journey.goto("/portfolio/")
    main = page.get_by_role("main")
    for title in (
        "Strategic Partnership Agreement between Denmark and IOM 2018–2020",
        "Strategic Partnership Agreement between Denmark and IOM 2021–2025",
        "Denmark and WFP 2022–2024",
        "Strategic Partnership Agreement between Denmark and UNHCR 2021–2025",
    ):
        expect(main.get_by_role("link", name=title)).to_be_visible()
    expect(page.locator("svg.chart")).to_be_visible()
    journey.audit("portfolio-all")
    organisation = page.get_by_label(t("Organisation"))
    keys.focus(organisation)
    while organisation.input_value() != "UNHCR":
        keys.press("ArrowDown")
    keys.activate(page.get_by_role("button", name=t("Show")))
    expect(main.get_by_role("article")).to_have_count(1)
    expect(main).to_contain_text(written["figures"])
    journey.audit("portfolio-unhcr")
    with page.expect_download() as download:
        keys.activate(page.get_by_role("link", name="CSV"))
    assert download.value.suggested_filename == "portfolio.csv"
    assert keys.problems == [], "\n".join(keys.problems)
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
    assert Partnership.objects.count() == 4


def test_a_desk_officer_keeps_the_strategy_by_keyboard(browser_as, demo, desk):
    journey = browser_as(desk)
    page = journey.page
    keys = Keyboard(page)

    journey.goto(f"/p/{SLUG}/goals/")
    journey.audit("goals")
    keys.activate(page.get_by_role("link", name="Add a goal"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an overall goal")
    journey.audit("goal-create")
    keys.fill(page.get_by_label("Text"), "IOM reports on climate mobility")
    keys.fill(page.get_by_label("Indicator"), "Countries with climate mobility data")
    keys.activate(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goal 10")
    journey.audit("goal-10")
    keys.activate(page.get_by_role("link", name="Retire goal"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Retire goal 10")
    journey.audit("goal-retire")
    keys.fill(page.get_by_label("Reason"), "Added to the wrong partnership")
    keys.activate(page.get_by_role("button", name="Retire"))
    expect(page.get_by_role("status")).to_contain_text("Goal 10 was retired.")
    expect(page.get_by_role("note")).to_contain_text("Retired on")
    journey.audit("goal-retired")

    journey.goto(f"/p/{SLUG}/consultations/standard-agenda/")
    journey.audit("standard-agenda")
    keys.fill(page.get_by_label("Code"), "psea")
    keys.fill(page.get_by_label("Title"), "Protection from sexual exploitation and abuse")
    keys.activate(page.get_by_role("button", name="Add the item"))
    expect(page.get_by_role("status")).to_contain_text("Item psea was added")
    keys.activate(page.get_by_role("link", name="Retire item psea"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Retire item psea")
    journey.audit("standard-agenda-retire")
    keys.fill(page.get_by_label("Reason"), "Raised under item vi")
    keys.activate(page.get_by_role("button", name="Retire"))
    expect(page.get_by_role("region", name="Retired")).to_contain_text("psea")
    journey.audit("standard-agenda-after")
    assert keys.problems == [], "\n".join(keys.problems)
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_the_portfolio_pages_read_at_390_px_without_scrolling_sideways(
    browser_as, demo, portfolio_admin, desk
):
    Membership.objects.create(
        user=portfolio_admin, partnership=demo, role=Membership.Role.DESK_OFFICER
    )
    journey = browser_as(portfolio_admin, viewport=PHONE)
    goal = demo.goals.get(number=4)
    wide = {}
    for step, path in [
        ("portfolio", "/portfolio/"),
        ("create", "/portfolio/new/"),
        ("import", "/portfolio/import/"),
        ("renew", f"/p/{SLUG}/renew/"),
        ("goal-create", f"/p/{SLUG}/goals/new/"),
        ("goal-retire", f"/p/{SLUG}/goals/{goal.number}/retire/"),
        ("standard-agenda", f"/p/{SLUG}/consultations/standard-agenda/"),
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
