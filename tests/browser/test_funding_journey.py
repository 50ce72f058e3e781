"""The desk officer's funding journey: an allocation to a country chosen by its name, the
2020 lines committed in one confirmed action with a reason, and that reason read back in a
line's history. Axe checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}/funding"
FINANCE_ACT_2020 = "Finance Act for 2020 (§ 06.32.01)"
REASON = "Finance Act adopted by the Folketing on 19 December 2019"


def test_desk_officer_allocates_to_niger_by_name_and_commits_2020_with_a_reason(
    browser_as, demo, desk
):
    journey = browser_as(desk)
    page = journey.page

    # An allocation to Niger, typed by name: the suggestions offer the DAC list's countries
    # with their income group, and what is saved is Niger's own code (never "NI").
    # The form offers the lines of one year (this year's, within the agreement: 2020);
    # the year is chosen above it.
    journey.goto(f"{P}/allocations/")
    journey.audit("allocations")
    page.get_by_label("Year of the budget lines offered").select_option("2019")
    page.get_by_role("button", name="Show that year's lines").click()
    expect(page).to_have_url(re.compile(r"\?year=2019$"))
    form = page.locator("form", has=page.get_by_role("button", name="Record"))
    form.get_by_label("Budget line").select_option(
        label="2019 · Priority area 2 (thematically earmarked)"
    )
    country = form.get_by_label("Country")
    expect(country).to_have_attribute("list", "id_country-countries")
    suggestion = page.locator("#id_country-countries option[value='Niger (NE)']")
    expect(suggestion).to_have_text("Least Developed Countries")
    country.press_sequentially("Niger")
    form.get_by_label("Amount (DKK)").fill("750000")
    form.get_by_label("Purpose").fill("Migration management and border posts")
    form.get_by_label("Reported in").fill("IOM annual report 2019")
    form.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status")).to_contain_text("The allocation was recorded")
    row = page.get_by_role("table", name="Each allocation with its country").get_by_role(
        "row", name=re.compile("Niger")
    )
    expect(row).to_contain_text("Niger (NE)")
    expect(row).to_contain_text("Least Developed Countries")
    expect(row).to_contain_text("DKK 750,000")
    journey.audit("allocation-recorded")
    saved = journey.api_get(f"/api/v1/allocations/?partnership={SLUG}")["results"]
    assert [(a["country"], a["country_name"]) for a in saved] == [("NE", "Niger")]

    # A country that left the DAC list is refused by name, at the field.
    form.get_by_label("Budget line").select_option(
        label="2019 · Priority area 2 (thematically earmarked)"
    )
    country = form.get_by_label("Country")
    country.fill("Chile")
    form.get_by_label("Amount (DKK)").fill("1000")
    form.get_by_label("Purpose").fill("Not eligible")
    form.get_by_role("button", name="Record").click()
    expect(page.locator(".form-row", has=page.get_by_label("Country"))).to_contain_text(
        "Chile (CL) is not on the DAC List of ODA Recipients 2018–2020 in force for 2019"
    )
    journey.audit("allocation-refused")

    # The 2020 lines: one action, which says what it will commit and asks why.
    page.get_by_role("navigation", name="Funding").get_by_role("link", name="Budget").click()
    journey.audit("funding")
    page.get_by_role("link", name=re.compile("^Commit 2020")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commit the budget lines of 2020")
    consequences = page.get_by_role("note")
    expect(consequences).to_contain_text(
        "Commit 2020 · Core funds (un-earmarked): DKK 15,000,000.00."
    )
    expect(consequences).to_contain_text("In all DKK 25,000,000.00")
    journey.audit("commit-2020")
    page.get_by_label("Finance Act reference").fill(FINANCE_ACT_2020)
    page.get_by_role("button", name="Commit the 4 lines of 2020").click()
    expect(page.get_by_text("Give a reason: it is kept with the change history.")).to_be_visible()
    journey.audit("commit-2020-no-reason")
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Commit the 4 lines of 2020").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"The 4 lines of 2020 are committed under {FINANCE_ACT_2020}"
    )
    journey.audit("funding-2020-committed")

    # The reason, in the line's history and in its lifecycle.
    page.get_by_role("link", name=re.compile(r"2020 Core funds")).click()
    expect(page.locator("dl.facts .badge")).to_have_text("Committed")
    history = page.get_by_role("table", name="Changes to this line, newest first")
    change = history.get_by_role("row").nth(1)
    expect(change).to_contain_text("desk")
    expect(change).to_contain_text(FINANCE_ACT_2020)
    expect(change).to_contain_text(REASON)
    expect(page.get_by_role("table", name="Steps taken")).to_contain_text(REASON)
    journey.audit("budget-line-history")

    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
