"""A desk officer whose browser asks for Danish: every page of the journey in Danish, with
Danish dates and amounts, axe's WCAG 2.1 AA rules on each; a payment typed as a Dane
writes it, an ambiguous amount refused at its field, the review's report rendered in
Danish, a Danish CSV; and English again in one click of the header's switcher."""

from __future__ import annotations

import csv
import io
import re

import pikepdf
import pytest
from playwright.sync_api import expect

from tests.browser.i18n import said
from tests.browser.i18n import said_of
from tests.browser.test_journeys import COMPONENTS_2019
from tests.browser.test_journeys import FINANCE_ACT_2019
from tests.browser.test_journeys import P

pytestmark = pytest.mark.browser


def t(text: str) -> str:
    return said(text, "da")


def test_a_danish_desk_officer_works_in_danish_and_switches_to_english(
    browser_as, demo, desk, worker, tmp_path
):
    journey = browser_as(desk, logged_in=False, locale="da-DK")
    page = journey.page
    html = page.locator("html")

    journey.goto("/accounts/login/")
    expect(html).to_have_attribute("lang", "da")
    journey.audit("login")
    page.get_by_label("Brugernavn").fill(desk.username)
    page.get_by_label("Adgangskode").fill("a-long-test-password")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine partnerskaber")
    journey.audit("home")

    page.get_by_role("link", name=demo.title).click()
    expect(page.get_by_text("Du er sagsbehandler i dette partnerskab.")).to_be_visible()
    # The strategy's own texts stay in the language of the document.
    expect(page.get_by_role("heading", name="Overordnede mål efter status")).to_be_visible()
    journey.audit("dashboard")

    # A goal update: the form and the timeline in Danish, the date as a Dane reads it.
    page.get_by_role("link", name=re.compile("^More member states will provide core")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mål 4")
    form = page.locator("form", has=page.get_by_role("button", name="Tilføj opdatering"))
    form.get_by_label("Pr.").fill("2019-06-30")
    form.get_by_label("Status").select_option(label="På rette spor")
    form.get_by_label("Beskrivelse").fill("To medlemslande mere har givet kernebidrag.")
    form.get_by_role("button", name="Tilføj opdatering").click()
    expect(page.get_by_role("status")).to_contain_text("Opdateringen er føjet til målets")
    expect(page.locator(".timeline li").first).to_contain_text("30. juni 2019")
    journey.audit("goal-updated")

    # The budget in Danish figures; the 2019 lines committed under the Finance Act.
    page.get_by_role("navigation", name=demo.title).get_by_role(
        "link", name="Finansiering", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Budgetlinjer pr. år")).to_be_visible()
    per_year = page.get_by_role("table", name=re.compile(r"^Pr\. år"))
    expect(per_year.get_by_role("row", name=re.compile("^2019"))).to_have_text(
        re.compile(r"2019\s*25\.000\.000\s*0\s*0")
    )
    journey.audit("funding")
    page.get_by_role("link", name=re.compile("^Bevilg 2019")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevilg budgetlinjerne for 2019")
    consequences = page.get_by_role("note")
    # What it will do, in the infinitive after "Dette vil:" (the button says "Bevilg").
    expect(consequences).to_contain_text(
        f"Bevilge 2019 · {t(COMPONENTS_2019[0][0])}: DKK 15.000.000,00."
    )
    journey.audit("commit-2019")
    page.get_by_label("Finanslovshenvisning").fill(FINANCE_ACT_2019)
    page.get_by_label("Begrundelse").fill("Finansloven er vedtaget")
    page.get_by_role("button", name="Bevilg de 4 linjer for 2019").click()
    expect(page.get_by_role("status")).to_contain_text("De 4 linjer for 2019 er bevilget")

    component = t(COMPONENTS_2019[-1][0])
    page.get_by_role("link", name=re.compile(rf"2019 {re.escape(component)}$")).click()
    expect(page.locator("dl.facts .badge")).to_have_text("Bevilget")
    form = page.locator("form", has=page.get_by_role("button", name="Registrér", exact=True))
    form.get_by_label("Valørdato").fill("2019-07-01")
    form.get_by_label("Reference").fill("SEC-2019-01")
    # 1.500 reads as fifteen hundred to a Dane and as one and a half to an English
    # reader: refused at the field, with the way to write it.
    form.get_by_label("Beløb").fill("1.500")
    form.get_by_role("button", name="Registrér", exact=True).click()
    error = page.locator(".errorlist", has_text="kan læses på to måder")
    expect(error).to_contain_text("Skriv 1500")
    journey.audit("payment-ambiguous")
    form = page.locator("form", has=page.get_by_role("button", name="Registrér", exact=True))
    form.get_by_label("Beløb").fill("1.500.000,50")
    form.get_by_role("button", name="Registrér", exact=True).click()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Udbetalt (netto)DKK 1.500.000,50")
    expect(facts).to_contain_text("TilbageDKK 499.999,50")
    journey.audit("budget-line-paid")

    # A Danish CSV opens in columns in a Danish Excel (fetched as the browser asks: da-DK).
    response = page.request.get(
        journey.base_url + f"{P}/funding/export/budget-lines.csv",
        headers={"Accept-Language": "da-DK,da;q=0.9"},
    )
    content = response.body()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 13
    assert all(len(row) == len(rows[0]) > 1 for row in rows)

    # The annual consultations and the change history, in Danish.
    page.get_by_role("navigation", name=demo.title).get_by_role(
        "link", name="Konsultationer", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Årlige konsultationer")
    journey.audit("consultations")
    journey.goto(f"{P}/history/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ændringshistorik")
    journey.audit("history")

    # The mid-term review's report, asked for in Danish, is written and declared Danish.
    journey.goto(f"{P}/reviews/")
    journey.audit("reviews")
    page.get_by_role("link", name="Mid-term review of the strategy").click()
    journey.audit("review")
    page.get_by_role("button", name="Dan rapport").click()
    versions = page.get_by_role("table", name="Rapportversioner, nyeste først")
    expect(versions.locator(".badge").first).to_have_text("I kø")
    assert worker.run() == ["done"]
    expect(versions.locator(".badge").first).to_have_text(
        said_of("a report version's status", "Done", "da"), timeout=20_000
    )
    journey.audit("review-done")
    with page.expect_download() as info:
        versions.get_by_role("link", name="Hent version 1").click()
    pdf = tmp_path / "rapport.pdf"
    info.value.save_as(pdf)
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == "da"

    # English in one click, from any page; the choice is kept on the profile.
    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en-gb")
    expect(page.get_by_role("button", name="Render report")).to_be_visible()
    assert journey.path.startswith(f"{P}/reviews/")
    journey.audit("review-in-english")
    journey.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your partnerships")

    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
