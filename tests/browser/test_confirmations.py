"""Actions that cannot be undone, in Chromium: each asks for confirmation and a reason, says
what it will do, and the reason is kept with the history. The desk officer issues the
mid-term review (its issued PDF says so), clears a note; mission staff drop an action
point; the desk officer finds and uploads evidence for a goal update. axe checks every
page on the way."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from consultations import services as consultation_services
from consultations.models import Consultation

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_desk_officer_issues_the_review_after_confirming_with_a_reason(
    browser_as, demo, desk, worker, tmp_path
):
    journey = browser_as(desk)
    page = journey.page
    journey.goto(f"{P}/reviews/")
    journey.audit("reviews")
    expect(page.get_by_role("row", name=re.compile("Mid-term review"))).to_contain_text(
        "Overdue since 1 Dec 2019"
    )
    page.get_by_role("link", name="Mid-term review of the strategy").click()
    journey.audit("review")

    # A draft first: it says DRAFT on every page.
    page.get_by_role("button", name="Render report").click()
    versions = page.get_by_role("table", name="Report versions, newest first")
    expect(versions.locator(".badge").first).to_have_text("Queued")
    assert worker.run() == ["done"]
    expect(versions.locator(".badge").first).to_have_text("Done", timeout=20_000)
    expect(versions).to_contain_text("Draft")
    with page.expect_download() as info:
        versions.get_by_role("link", name="Download version 1").click()
    draft = tmp_path / "draft.pdf"
    info.value.save_as(draft)
    assert all("DRAFT" in text for text in _pages(draft.read_bytes()))
    journey.audit("review-draft")

    # Issuing: a confirmation that says what it will do, and wants a reason.
    versions.get_by_role("link", name="Issue… the report from version 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Issue the report of “Mid-term review of the strategy”"
    )
    consequences = page.get_by_role("note")
    expect(consequences).to_contain_text("Render version 2 of the report")
    expect(consequences).to_contain_text("Version 1, the draft, stays a draft.")
    expect(consequences).to_contain_text("overall goal 9")
    journey.audit("issue-confirm")
    page.get_by_role("button", name="Issue the report").click()
    expect(page.get_by_text("Give a reason: it is kept with the change history.")).to_be_visible()
    journey.audit("issue-without-reason")
    page.get_by_label("Reason").fill("Approved by the head of department.")
    page.get_by_role("button", name="Issue the report").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Version 2 is being rendered as the issued report"
    )
    expect(page.get_by_role("button", name="Render report")).to_have_count(0)
    journey.audit("review-issuing")
    assert worker.run() == ["done"]
    expect(versions.get_by_text(re.compile("^Issued \\d"))).to_be_visible(timeout=20_000)
    page.reload()
    expect(page.get_by_text(re.compile("This review is issued with version 2"))).to_be_visible()
    expect(page.get_by_text("Overdue since")).to_have_count(0)
    journey.audit("review-issued")

    with page.expect_download() as info:
        versions.get_by_role("link", name="Download version 2").click()
    issued = tmp_path / "issued.pdf"
    info.value.save_as(issued)
    pages = _pages(issued.read_bytes())
    assert re.search(r"ISSUED by Test desk on \d+ \w+ \d{4}", pages[0])
    assert not any("DRAFT" in text for text in pages)

    # The auditor's question, from the file alone: which is it?
    page.get_by_role("link", name="Reviews", exact=True).first.click()
    page.get_by_role("link", name="Verify a report").click()
    journey.audit("verify")
    page.get_by_label("Report PDF").set_input_files(issued)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Match"))).to_have_text(
        "Match: Mid-term review of the strategy, version 2 — the issued report"
    )
    journey.audit("verified-issued")

    # The goal the review fulfils keeps its status, and says the review was issued.
    journey.goto(f"{P}/goals/9/")
    expect(page.get_by_role("region", name="The review that fulfils this goal")).to_contain_text(
        "Issuing it does not change this goal's status, which is still Not started."
    )
    page.get_by_role("link", name="Update the goal's status").click()
    expect(page.get_by_label("As of")).to_be_visible()
    journey.audit("goal-9")

    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_desk_officer_clears_a_note_after_confirming_with_a_reason(browser_as, demo, desk, geneva):
    c2019 = Consultation.objects.get(partnership=demo, year=2019)
    item = c2019.agenda_items.get(code="iv")
    note = consultation_services.note_create(
        agenda_item=item, by=geneva, body="IOM presented its plans for the GCM."
    )
    consultation_services.note_mark_ready(note=note, by=geneva, version=1)

    journey = browser_as(desk)
    page = journey.page
    journey.goto(f"{P}/consultations/2019/")
    journey.audit("consultation")
    page.get_by_role("link", name="Clear the note… by Test geneva").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clear the note by Test geneva")
    expect(page.get_by_role("note")).to_contain_text("it is locked")
    journey.audit("clear-confirm")
    page.get_by_label("Reason").fill("Agreed with IOM at the session.")
    page.get_by_role("button", name="Clear the note").click()
    expect(page.get_by_role("status")).to_contain_text("Cleared: the note is locked")
    expect(page.locator(f"#note-{note.pk} .badge").first).to_have_text("Cleared")
    assert page.url.endswith(f"#note-{note.pk}")
    journey.audit("note-cleared")

    page.get_by_role("link", name="Change history").click()
    expect(page.get_by_role("main")).to_contain_text("Agreed with IOM at the session.")
    journey.audit("history")

    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_mission_staff_drop_an_action_point_after_confirming_with_a_reason(
    browser_as, demo, geneva
):
    c2019 = Consultation.objects.get(partnership=demo, year=2019)
    point = consultation_services.action_point_create(
        consultation=c2019,
        by=geneva,
        agenda_item=c2019.agenda_items.get(code="vii"),
        description="IOM to share its new results framework.",
        owner="IOM",
    )
    journey = browser_as(geneva)
    page = journey.page
    journey.goto(f"{P}/consultations/2019/")
    row = page.locator(f"#ap-{point.pk}")
    row.get_by_label(re.compile("^Status of")).select_option("dropped")
    row.get_by_role("button", name="Set status").click()
    # htmx sends the browser to the confirmation: nothing is dropped yet.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Drop the action point")
    expect(page.get_by_role("note")).to_contain_text("no longer comes back as a matter arising")
    journey.audit("drop-confirm")
    page.get_by_label("Reason").fill("Overtaken by IOM's new strategy.")
    page.get_by_role("button", name="Drop the action point").click()
    expect(page.get_by_role("status")).to_contain_text("The action point is dropped.")
    expect(page.locator(f"#ap-{point.pk} .badge")).to_have_text("Dropped")
    journey.audit("consultation-after-drop")

    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_desk_officer_finds_evidence_and_uploads_a_new_document_with_an_update(
    browser_as, demo, desk, tmp_path
):
    journey = browser_as(desk)
    page = journey.page
    journey.goto(f"{P}/goals/4/")
    journey.audit("goal")
    options = page.locator("#evidence-options label")
    total = options.count()
    assert total >= 5
    box = page.get_by_label("Find documents by title, reference, kind or year")
    box.press_sequentially("financial 2017")
    count = page.locator("#evidence-count")
    expect(count).to_have_text(
        re.compile(rf"^Showing \d+ of {total} documents, matching “financial 2017”\.$")
    )
    shown = int(count.inner_text().split()[1])
    assert 0 < shown < total
    visible = options.filter(visible=True)
    expect(visible).to_have_count(shown)
    for label in visible.all_inner_texts():
        assert "financial" in label.lower(), label
        assert "2017" in label, label
    box.press("Enter")  # the search's own form: with the script, no reload
    expect(box).to_have_value("financial 2017")
    page.get_by_role("checkbox", name=re.compile("^Annual Financial Report 2017")).check()
    journey.audit("goal-evidence-found")

    form = page.locator("form", has=page.get_by_role("button", name="Add update"))
    form.get_by_label("As of").fill("2019-06-30")
    form.get_by_label("Status").select_option(label="On track")
    form.get_by_label("Narrative").fill("Two more member states pledged un-earmarked funding.")
    page.get_by_text("Upload a new document as evidence").click()
    upload = tmp_path / "pledges.pdf"
    upload.write_bytes(PDF)
    form.get_by_label("Document file").set_input_files(upload)
    form.get_by_label("Document title").fill("Pledging conference summary 2019")
    journey.audit("goal-upload")
    form.get_by_role("button", name="Add update").click()
    expect(page.get_by_role("status")).to_contain_text("The update was added")
    latest = page.locator(".timeline li").first
    expect(latest).to_contain_text("Annual Financial Report 2017")
    expect(latest).to_contain_text("Pledging conference summary 2019")
    journey.audit("goal-updated")

    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
