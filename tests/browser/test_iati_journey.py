"""IATI in the browser: the desk officer, by keyboard alone, finds the IATI page from the
partnership's navigation, downloads the activity file (valid IATI 2.03), imports IOM's
file (a refused one first) and reads the reconciliation with its planted differences; the
auditor reads it and cannot import; every IATI page reads at 390 px without scrolling
sideways. Axe checks every page on the way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from iati import validation
from tests.browser.keyboard import Keyboard
from tests.iati.planted import import_bytes
from tests.iati.planted import planted_file
from tests.iati.planted import record_payments

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}/iati"
PHONE = (390, 844)


@pytest.fixture
def paid(demo, desk):
    record_payments(demo, desk)
    return demo


def test_desk_officer_publishes_imports_and_reconciles_by_keyboard(
    browser_as, paid, desk, tmp_path
):
    journey = browser_as(desk)
    page = journey.page
    keys = Keyboard(page)
    journey.goto(f"/p/{SLUG}/")
    journey.audit("dashboard")

    keys.activate(page.get_by_role("navigation", name=paid.title).get_by_role("link", name="IATI"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "IATI: publishing and the organisation's data"
    )
    files = page.get_by_role("table", name="The files of this agreement")
    expect(files.get_by_text("Not checked yet")).to_have_count(2)
    keys.activate(page.get_by_role("button", name="Check the files now"))
    expect(page.get_by_text("Checked the files: both are valid IATI 2.03.")).to_be_visible()
    expect(files.get_by_text("Valid IATI 2.03")).to_have_count(2)
    journey.audit("iati-overview")

    # The activity file, downloaded as a person would: valid, the agreement in it.
    with page.expect_download() as download:
        keys.activate(files.get_by_role("link", name=f"{SLUG}-activities.xml"))
    content = Path(download.value.path()).read_bytes()
    assert validation.validate(content) == []
    assert b"<iati-identifier>XM-DAC-3-1-denmark-iom-2018-2020</iati-identifier>" in content
    assert b'ref="DK-2018-PA1"' in content

    # A file that is not IATI is refused at the field; IOM's file is taken.
    keys.activate(
        page.get_by_role("navigation", name="IATI").get_by_role("link", name="Import a file")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("IATI activity file")
    journey.audit("iati-import")
    wrong = tmp_path / "report.html"
    wrong.write_text("<html><body>An annual report</body></html>")
    field = page.get_by_label("IATI activity file (XML)")
    keys.focus(field)
    field.set_input_files(str(wrong))
    keys.activate(page.get_by_role("button", name="Import"))
    expect(
        page.locator(".form-row", has=page.get_by_label("IATI activity file (XML)"))
    ).to_contain_text("This is not an IATI activity file: its root element is <html>")
    journey.audit("iati-import-refused")
    iom_file = tmp_path / "iom-activities.xml"
    iom_file.write_bytes(planted_file())
    field = page.get_by_label("IATI activity file (XML)")
    keys.focus(field)
    field.set_input_files(str(iom_file))
    keys.activate(page.get_by_role("button", name="Import"))
    expect(page.get_by_role("status")).to_contain_text(
        "Imported iom-activities.xml: 2 of its 4 activities name Denmark as a funder"
    )

    # The reconciliation: per year, and each planted difference with its cause.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Denmark's payments against IOM's IATI data"
    )
    years = page.get_by_role("table", name=re.compile("^Disbursed by Denmark and received"))
    expect(years.get_by_role("row", name=re.compile("^2018"))).to_contain_text("DKK 24,517,500")
    expect(years.get_by_role("row", name=re.compile("^2019"))).to_contain_text("DKK 4,850,000")
    causes = page.get_by_role("table", name=re.compile("^Each difference with its size"))
    expect(causes.get_by_role("row")).to_have_count(6)  # the header and five differences
    expect(causes.get_by_role("row", name=re.compile("Currency"))).to_contain_text("DKK 180,000")
    expect(causes.get_by_role("row", name=re.compile("Timing"))).to_contain_text("2018 → 2019")
    journey.audit("iati-reconciliation")

    keys.activate(
        page.get_by_role("navigation", name="IATI").get_by_role("link", name="IOM's IATI data")
    )
    expect(
        page.get_by_role("table", name="Transactions with Denmark as the provider")
    ).to_contain_text("DK-2018-PA1")
    journey.audit("iati-data")

    saved = journey.api_get(f"/api/v1/partnerships/{SLUG}/iati/reconciliation/")
    assert sorted(f["kind"] for f in saved["findings"]) == [
        "currency",
        "missing_in_iati",
        "missing_in_iati",
        "missing_in_records",
        "timing",
    ]
    assert keys.problems == []
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_the_auditor_reads_the_reconciliation_and_cannot_import(browser_as, paid, auditor):
    journey = browser_as(auditor)
    page = journey.page
    journey.goto(f"{P}/reconciliation/")
    expect(page.get_by_role("navigation", name="IATI").get_by_role("link")).to_have_count(3)
    expect(
        page.get_by_text("No IATI file of International Organization for Migration")
    ).to_be_visible()
    journey.audit("auditor-reconciliation")
    refused = journey.post_by_hand(f"{P}/import/", {})
    assert refused.status == 403
    journey.assert_accessible()


def test_the_iati_pages_read_at_390_px_without_scrolling_sideways(browser_as, paid, desk):
    import_bytes(paid, planted_file(), by=desk)
    journey = browser_as(desk, viewport=PHONE)
    wide = {}
    for step, path in [
        ("overview", f"{P}/"),
        ("import", f"{P}/import/"),
        ("reconciliation", f"{P}/reconciliation/"),
        ("data", f"{P}/data/"),
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
