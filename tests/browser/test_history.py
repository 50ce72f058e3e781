"""An auditor reads the change history by name: a budget line as its year and component,
people by their full names, amounts with their currency; filters it by keyboard by period,
kind and person, downloads what is shown as CSV, and reads it on a phone (390 px) without
scrolling sideways. axe runs on every page visited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from funding.models import BudgetLine
from funding.models import Component
from partnership.models import Membership
from tests import factories
from tests.browser.keyboard import Keyboard
from tests.funding.factories import DisbursementFactory
from tests.partnership.test_history import acting_as

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
HISTORY = f"/p/{SLUG}/history/"
LINE = "2019 · Priority area 1"
FINANCE_ACT_2019 = "Finance Act for 2019 (§ 06.32.01)"


@pytest.fixture
def changes(demo, desk):
    """The 2019 line for priority area 1 committed and paid by the desk officer, Mette
    Kjær, and a document added by a colleague, Lars Holm."""
    desk.first_name, desk.last_name = "Mette", "Kjær"
    desk.save()
    colleague = factories.member(demo, Membership.Role.DESK_OFFICER, username="lholm")
    colleague.first_name, colleague.last_name = "Lars", "Holm"
    colleague.save()
    line = BudgetLine.objects.get(partnership=demo, year=2019, component=Component.PRIORITY_AREA_1)
    with acting_as(desk):
        line.status = BudgetLine.Status.COMMITTED
        line.finance_act_reference = FINANCE_ACT_2019
        line._change_reason = "Parliament passed the Finance Act for 2019"
        line.save()
        DisbursementFactory(
            budget_line=line,
            created_by=desk,
            value_date=dt.date(2019, 3, 15),
            amount=Decimal("2000000.00"),
            reference="DK-IOM-2019-PA1",
        )
    with acting_as(colleague):
        factories.DocumentFactory(partnership=demo, uploaded_by=colleague, title="IOM C/110/3")
    return line


def test_an_auditor_reads_the_history_by_name_filters_it_and_downloads_it(
    browser_as, changes, auditor, tmp_path
):
    journey = browser_as(auditor)
    page = journey.page
    journey.goto(HISTORY)
    journey.audit("history")

    table = page.get_by_role("table", name="Changes, newest first")
    payment = table.get_by_role("row").filter(has_text="DK-IOM-2019-PA1")
    expect(payment).to_contain_text(f"Budget line: {LINE} (thematically earmarked)")
    expect(payment).to_contain_text("Amount: DKK 2,000,000")
    expect(payment).to_contain_text("Created by: Mette Kjær")
    expect(payment.get_by_role("cell").nth(1)).to_have_text("Mette Kjær")
    commitment = table.get_by_role("row").filter(has_text=FINANCE_ACT_2019)
    expect(commitment).to_contain_text(LINE)
    expect(commitment).to_contain_text("Parliament passed the Finance Act for 2019")
    expect(table).to_contain_text("Lars Holm")
    expect(table).not_to_contain_text(re.compile(r"#\d|2000000\.00|\+00:00"))

    # Filter by keyboard: today's changes, payments only, by Mette Kjær.
    keys = Keyboard(page)
    today = timezone.localdate()
    keys.type_date(page.get_by_label(re.compile("^From")), today)
    keys.type_date(page.get_by_label(re.compile("^To")), today)
    keys.focus(page.get_by_label("Kind of record"))
    keys.type("Disbursement")
    keys.focus(page.get_by_label("Changed by"))
    keys.type("Mette")
    keys.activate(page.get_by_role("button", name="Filter"))
    page.wait_for_url(re.compile(r"kind=disbursement"))
    journey.audit("history-filtered")
    assert keys.problems == []
    rows = page.get_by_role("table", name="Changes, newest first").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Disbursement Payment DK-IOM-2019-PA1 created")
    expect(page.get_by_text("1 change matches the filters")).to_be_visible()

    # The CSV holds what the page shows, with the filters.
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    assert info.value.suggested_filename == f"{SLUG}-history.csv"
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    exported = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert {(row["who"], row["kind"], row["object"]) for row in exported} == {
        ("Mette Kjær", "Disbursement", "Payment DK-IOM-2019-PA1")
    }
    values = {row["field"]: row["to"] for row in exported}
    assert values["Budget line"] == f"{LINE} (thematically earmarked)"
    assert values["Amount"] == "DKK 2,000,000"

    # On a phone: each change is a block of its own, nothing scrolls sideways.
    phone = browser_as(auditor, viewport=(390, 844))
    phone.goto(HISTORY + "?kind=budgetline")
    phone.audit("history-390")
    assert phone.page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    change = (
        phone.page.get_by_role("table", name="Changes, newest first")
        .get_by_role("row")
        .filter(has_text=FINANCE_ACT_2019)
    )
    expect(
        change.get_by_role("cell", name="Reason Parliament passed the Finance Act")
    ).to_be_visible()
    when, who = (change.get_by_role("cell").nth(i).bounding_box() for i in (0, 1))
    assert who["y"] >= when["y"] + when["height"]  # one above the other, not side by side

    journey.assert_accessible()
    phone.assert_accessible()
    assert journey.errors == phone.errors == []


def test_a_bad_period_is_answered_at_the_field(browser_as, changes, auditor):
    journey = browser_as(auditor)
    page = journey.page
    journey.goto(HISTORY + "?from=2019-07-02&to=2019-07-01")
    journey.audit("history-bad-period")
    to = page.get_by_label(re.compile("^To"))
    expect(to).to_have_attribute("aria-invalid", "true")
    expect(to).to_have_accessible_description(re.compile("The end of the period is before"))
    expect(page.get_by_role("alert")).to_contain_text("Correct the filters")
    journey.assert_accessible()
