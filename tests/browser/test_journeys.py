"""The main journeys of the three kinds of users, in Chromium against a live server, with
axe's WCAG 2.1 AA rules run on every page they visit.

Each journey keeps screenshots of its key pages in test-artifacts/.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funding.models import BudgetLine
from funding.models import Component
from reviews import dossier as dossier_files
from reviews import services as review_services
from reviews.models import Review

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}"
FINANCE_ACT_2019 = "Finance Act for 2019 (§ 06.32.01)"
COMPONENTS_2019 = [
    ("Core funds (un-earmarked)", Decimal(15_000_000)),
    ("Priority area 1 (thematically earmarked)", Decimal(4_000_000)),
    ("Priority area 2 (thematically earmarked)", Decimal(4_000_000)),
    ("Personnel component, i.e. secondments, not including JPO's", Decimal(2_000_000)),
]


def _nav(journey, name: str):
    journey.page.get_by_role("navigation", name=re.compile("Strategic|IOM|Denmark")).get_by_role(
        "link", name=name, exact=True
    ).click()


def _no_reload_marker(journey) -> None:
    journey.page.evaluate("window.journeyMarker = 'not reloaded'")


def _not_reloaded(journey) -> bool:
    return journey.page.evaluate("window.journeyMarker") == "not reloaded"


# --- The desk officer ---------------------------------------------------------------


def test_desk_officer_updates_a_goal_commits_2019_pays_and_renders_the_review(
    browser_as, demo, desk, worker, tmp_path
):
    journey = browser_as(desk, logged_in=False)
    page = journey.page

    # Log in by typing, through django-axes, and land on the list of partnerships.
    journey.log_in(desk)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your partnerships")
    journey.audit("home")
    page.get_by_role("link", name=demo.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.title)
    expect(page.get_by_text("You are a desk officer in this partnership.")).to_be_visible()
    journey.audit("dashboard")

    # A goal update with a document of the partnership as its evidence.
    page.get_by_role("link", name=re.compile("^More member states will provide core")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goal 4")
    journey.audit("goal")
    form = page.locator("form", has=page.get_by_role("button", name="Add update"))
    form.get_by_label("As of").fill("2019-06-30")
    form.get_by_label("Status").select_option(label="On track")
    form.get_by_label("Narrative").fill("Two more member states pledged un-earmarked funding.")
    form.get_by_label("Annual Financial Report 2017").check()
    form.get_by_role("button", name="Add update").click()
    expect(page.get_by_role("status")).to_contain_text("The update was added")
    update = page.locator(".timeline li").first
    expect(update).to_contain_text("30 June 2019")
    expect(update).to_contain_text("Two more member states pledged un-earmarked funding.")
    expect(update.get_by_text("On track")).to_be_visible()
    expect(update).to_contain_text("Evidence: Annual Financial Report 2017")
    journey.audit("goal-updated")

    # The four budget lines of 2019, committed in one action under the Finance Act: the
    # confirmation says what each line is committed for, and asks for the reason.
    _nav(journey, "Funding")
    journey.audit("funding")
    page.get_by_role("link", name=re.compile("^Commit 2019")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commit the budget lines of 2019")
    consequences = page.get_by_role("note")
    for component, amount in COMPONENTS_2019:
        expect(consequences).to_contain_text(f"Commit 2019 · {component}: DKK {amount:,.2f}.")
    journey.audit("commit-2019")
    page.get_by_label("Finance Act reference").fill(FINANCE_ACT_2019)
    page.get_by_label("Reason").fill("Finance Act adopted by the Folketing")
    page.get_by_role("button", name="Commit the 4 lines of 2019").click()
    expect(page.get_by_role("status")).to_contain_text("The 4 lines of 2019 are committed")
    for n, (component, _) in enumerate(COMPONENTS_2019):
        page.get_by_role("link", name=re.compile(rf"2019 {re.escape(component)}$")).click()
        expect(page.locator("dl.facts")).to_contain_text(FINANCE_ACT_2019)
        expect(page.locator("dl.facts .badge")).to_have_text("Committed")
        journey.audit(f"budget-line-{n + 1}-committed", screenshot=n == 0)
        if n < len(COMPONENTS_2019) - 1:
            page.get_by_role("link", name="Funding", exact=True).first.click()

    # A payment on the last of them, and what is left of it.
    form = page.locator("form", has=page.get_by_role("button", name="Record"))
    form.get_by_label("Value date").fill("2019-07-01")
    form.get_by_label("Amount").fill("1500000")
    form.get_by_label("Reference").fill("SEC-2019-01")
    form.get_by_role("button", name="Record").click()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Disbursed (net)DKK 1,500,000")
    expect(facts).to_contain_text("LeftDKK 500,000")
    expect(page.get_by_role("table", name=re.compile("Payments and refunds"))).to_contain_text(
        "SEC-2019-01"
    )
    journey.audit("budget-line-paid")
    _nav(journey, "Funding")
    # The chart says in words what it draws, and the table beside it has the figures.
    chart = page.get_by_role("img", name=re.compile("^Funding per year, DKK million"))
    expect(chart).to_have_accessible_name(
        re.compile("2019: planned 25.0, committed 25.0, disbursed 1.5, annual amount 25.0")
    )
    per_year = page.get_by_role("table", name=re.compile(r"^Per year"))
    expect(per_year.get_by_role("row", name=re.compile("^2019"))).to_have_text(
        re.compile(r"2019\s*25,000,000\s*25,000,000\s*1,500,000")
    )

    # The mid-term review, rendered in the background, watched until done, downloaded.
    _nav(journey, "Reviews")
    journey.audit("reviews")
    page.get_by_role("link", name="Mid-term review of the strategy").click()
    journey.audit("review")
    _no_reload_marker(journey)
    page.get_by_role("button", name="Render report").click()
    versions = page.get_by_role("table", name="Report versions, newest first")
    expect(versions.locator(".badge").first).to_have_text("Queued")
    journey.audit("review-queued")
    assert worker.run() == ["done"]
    # No reload: the page's own polling brings the finished version.
    expect(versions.locator(".badge").first).to_have_text("Done", timeout=20_000)
    assert _not_reloaded(journey)
    shown_hash = versions.locator(".hash").first.inner_text().removeprefix("SHA-256 ")
    journey.audit("review-done")
    with page.expect_download() as info:
        versions.get_by_role("link", name="Download version 1").click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.suffix == ".pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == shown_hash

    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


# --- Geneva mission staff -------------------------------------------------------------


def test_mission_staff_log_the_2019_consultation_and_find_it_arising_in_2020(
    browser_as, demo, geneva
):
    journey = browser_as(geneva)
    page = journey.page
    journey.goto(f"{P}/")
    journey.audit("dashboard")
    _nav(journey, "Consultations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual consultations")
    journey.audit("consultations")
    # The demo has the 2019 consultation planned: open it.
    page.get_by_role("link", name="Consultation 2019").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual consultation 2019")
    journey.audit("consultation-2019")

    notes = {
        "IOM's utilization of the Danish contribution": "IOM reported on the **core** funds.",
        "Danish policy priorities": "Denmark raised migration management and return.",
    }
    for item_title, text in notes.items():
        page.get_by_role("button", name=f"Add a note on {item_title}").click()
        box = page.get_by_role("textbox", name=f"Note on “{item_title}")
        expect(box).to_be_focused()
        box.press_sequentially(text)
        page.get_by_role("button", name="Save and close").click()
        expect(box).to_have_count(0)
    for text in ("IOM reported on the core funds.", notes["Danish policy priorities"]):
        expect(page.locator(".note-body", has_text=text)).to_be_visible()

    item = page.locator(".agenda-item", has_text="Danish policy priorities")
    item.get_by_text("Add an action point").click()
    item.get_by_label("What was agreed").fill("IOM to share its new results framework.")
    item.get_by_label("Owner").fill("IOM")
    item.get_by_label("Due date").fill("2020-03-31")
    item.get_by_role("button", name="Add action point").click()
    expect(item.get_by_role("table")).to_contain_text("IOM to share its new results framework.")
    journey.audit("consultation-2019-logged")

    # The 2020 consultation: the open action point is a matter arising there.
    page.get_by_role("link", name="Consultations", exact=True).first.click()
    form = page.locator("form", has=page.get_by_role("button", name="Add consultation"))
    form.get_by_label("Year").fill("2020")
    form.get_by_role("button", name="Add consultation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual consultation 2020")
    arising = page.get_by_role("region", name="Matters arising")
    row = arising.get_by_role("row", name=re.compile("IOM to share its new results framework"))
    expect(row).to_contain_text("Consultation 2019")
    expect(row).to_contain_text("IOM")
    expect(row).to_contain_text("31 Mar 2020")
    expect(row).to_contain_text("Open")
    journey.audit("consultation-2020")

    # Funding: readable, but nothing to edit, and a form posted by hand is refused.
    _nav(journey, "Funding")
    journey.audit("funding")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Funding")
    expect(main.locator("form")).to_have_count(0)
    page.get_by_role("link", name=re.compile("2019 Core funds")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2019: Core funds (un-earmarked)")
    journey.audit("budget-line")
    expect(main.locator("form")).to_have_count(0)
    expect(main.get_by_role("button")).to_have_count(0)
    expect(main.get_by_role("textbox")).to_have_count(0)
    line_path = journey.path
    for action, data in [
        ("close/", {"reason": "by hand"}),
        (
            "",
            {
                "kind": "payment",
                "value_date": "2019-07-01",
                "amount": "1",
                "currency": "DKK",
                "reference": "by hand",
            },
        ),
    ]:
        response = journey.post_by_hand(line_path + action, data)
        assert response.status == 403, (action, response.status)
    line = journey.api_get(f"/api/v1/budget-lines/{line_path.rstrip('/').rsplit('/', 1)[1]}/")
    assert (line["status"], line["finance_act_reference"]) == ("indicative", "")
    commit = journey.post_by_hand(
        f"{P}/funding/years/2019/commit/",
        {"finance_act_reference": FINANCE_ACT_2019, "reason": "by hand"},
    )
    assert commit.status == 403
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


# --- The auditor ----------------------------------------------------------------------


@pytest.fixture
def audited(demo, desk, worker, login):
    """What an auditor comes to check: a 2019 line the desk officer committed (through
    the page, so the history knows who), and a rendered version of the mid-term review."""
    line = BudgetLine.objects.get(partnership=demo, year=2019, component=Component.CORE)
    response = login(desk).post(
        f"{P}/funding/years/2019/commit/",
        {"finance_act_reference": FINANCE_ACT_2019, "reason": "Finance Act adopted"},
    )
    assert response.status_code == 302
    review = Review.objects.get(partnership=demo, kind=Review.Kind.MID_TERM)
    version = review_services.report_version_request(review=review, by=desk)
    assert worker.run() == ["done"]
    version.refresh_from_db()
    return {"line": line, "review": review, "version": version}


def test_auditor_reads_a_lines_history_downloads_a_report_and_verifies_it(
    browser_as, audited, auditor, tmp_path, worker
):
    journey = browser_as(auditor)
    page = journey.page
    journey.goto(f"{P}/")
    journey.audit("dashboard")

    # The change history of a budget line: who committed it, from which status to which.
    _nav(journey, "Funding")
    journey.audit("funding")
    page.get_by_role("link", name=re.compile("2019 Core funds")).click()
    history = page.get_by_role("table", name="Changes to this line, newest first")
    change = history.get_by_role("row").nth(1)
    expect(change).to_contain_text("desk")
    expect(change).to_contain_text("Indicative (subject to parliamentary approval)")
    expect(change).to_contain_text("Committed")
    expect(change).to_contain_text(FINANCE_ACT_2019)
    journey.audit("budget-line-history")
    _nav(journey, "Change history")
    page.get_by_label("Kind of record").select_option(label="Budget line")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table", name="Changes, newest first")).to_contain_text(
        FINANCE_ACT_2019
    )
    journey.audit("history")

    # The review's report: downloaded, then verified by uploading the very file.
    _nav(journey, "Reviews")
    journey.audit("reviews")
    page.get_by_role("link", name="Mid-term review of the strategy").click()
    journey.audit("review")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download version 1").click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == audited["version"].sha256

    page.get_by_role("link", name="Reviews", exact=True).first.click()
    page.get_by_role("link", name="Verify a report").click()
    journey.audit("verify")
    page.get_by_label("Report PDF").set_input_files(pdf)
    page.get_by_role("button", name="Verify").click()
    result = page.get_by_role("heading", level=2, name=re.compile("Match"))
    expect(result).to_have_text(
        "Match: Mid-term review of the strategy, version 1 — a draft, not issued"
    )
    expect(page.get_by_role("status")).to_contain_text("not issued")
    journey.audit("verified")

    # The review's dossier: collected on the review's page, built by the worker, downloaded,
    # checked against its manifest and recognised by the verification page.
    page.get_by_role("link", name="Reviews", exact=True).first.click()
    page.get_by_role("link", name="Mid-term review of the strategy").click()
    page.get_by_role("button", name="Collect the dossier").click()
    dossiers = page.locator("#dossiers")
    expect(dossiers).to_contain_text("Being collected…")
    assert worker.run() == ["done"]
    # The table polls itself while the dossier is pending: no reload.
    expect(dossiers.get_by_role("link", name=re.compile("Download the ZIP"))).to_be_visible(
        timeout=20_000
    )
    expect(dossiers).not_to_have_attribute("hx-get", re.compile("."))
    journey.audit("review-dossier")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Download the ZIP")).click()
    dossier = tmp_path / info.value.suggested_filename
    info.value.save_as(dossier)
    assert dossier_files.verify(dossier.read_bytes()) == []
    page.get_by_role("link", name="Reviews", exact=True).first.click()
    page.get_by_role("link", name="Dossiers").click()
    journey.audit("dossiers")
    page.get_by_role("link", name="Reviews", exact=True).first.click()
    page.get_by_role("link", name="Verify a report").click()
    page.get_by_label("Report PDF").set_input_files(dossier)
    page.get_by_role("button", name="Verify").click()
    result = page.get_by_role("heading", level=2, name=re.compile("Match"))
    expect(result).to_have_text(re.compile("Match: dossier [0-9]+ — Mid-term review"))
    journey.audit("verified-dossier")

    # The risks' heat map is a table, its cells named.
    _nav(journey, "Risks")
    heat_map = page.get_by_role("table", name=re.compile("Latest residual ratings"))
    expect(heat_map.get_by_role("columnheader", name="Impact 5")).to_be_visible()
    expect(heat_map.get_by_role("rowheader", name="Likelihood 5")).to_be_visible()
    journey.audit("risks")

    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
