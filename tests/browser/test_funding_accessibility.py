"""Every funding page, as a desk officer sees it (with every form), passes axe; the payment
form's rate check; the assessed contribution and allocations at 1366 and 390 px."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funding import services
from funding.models import BudgetLine
from funding.models import Component

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "funding/",
    "funding/lines/{line}/",
    "funding/lines/{committed}/",
    "funding/lines/{committed}/close/",
    "funding/years/2019/commit/",
    "funding/exchange-rates/",
    "funding/exchange-rates/{rate}/edit/",
    "funding/exchange-rates/{rate}/withdraw/",
    "funding/assessed-contributions/",
    "funding/assessed-contributions/new/",
    "funding/assessed-contributions/2018/edit/",
    "funding/voluntary-contributions/",
    "funding/voluntary-contributions/import/",
    "funding/voluntary-contributions/reconciliation/?show=all",
    "funding/allocations/",
    "funding/allocations/{allocation}/edit/",
    "funding/allocations/{allocation}/withdraw/",
    "funding/staff/",
    "funding/staff/{position}/edit/",
    "funding/staff/{position}/withdraw/",
]


@pytest.fixture
def funded_rows(demo, desk):
    """One row of each kind that is corrected or withdrawn, and a payment with an old rate."""
    committed = BudgetLine.objects.get(partnership=demo, year=2018, component=Component.CORE)
    rate = services.exchange_rate_create(
        partnership=demo, currency="USD", date=dt.date(2018, 4, 17), rate=Decimal("6.2"),
        source="Danmarks Nationalbank", by=desk,
    )  # fmt: skip
    services.disbursement_create(
        budget_line=committed, by=desk, value_date=dt.date(2018, 6, 1),
        amount=Decimal("1000"), currency="USD", reference="UM-1", accept_stale_rate=True,
        debited_dkk=Decimal("6310.55"),
    )  # fmt: skip
    unused = services.exchange_rate_create(
        partnership=demo, currency="CHF", date=dt.date(2018, 6, 1), rate=Decimal("6.6"),
        source="Danmarks Nationalbank", by=desk,
    )  # fmt: skip
    allocation = services.allocation_create(
        budget_line=BudgetLine.objects.get(
            partnership=demo, year=2018, component=Component.PRIORITY_AREA_1
        ),
        country="NE", amount=Decimal("100000"), description="Border management",
    )  # fmt: skip
    position = services.staff_position_create(
        partnership=demo, kind="regular", position="Migration officer", duty_station="Geneva",
        start_date=dt.date(2018, 9, 1),
    )  # fmt: skip
    return {
        "line": BudgetLine.objects.get(partnership=demo, year=2019, component=Component.CORE).pk,
        "committed": committed.pk,
        "rate": unused.pk,
        "used_rate": rate.pk,
        "allocation": allocation.pk,
        "position": position.pk,
    }


def test_funding_pages_have_no_axe_violations(browser_as, demo, desk, funded_rows):
    journey = browser_as(desk)
    for path in PAGES:
        response = journey.goto(f"/p/{demo.slug}/{path.format(**funded_rows)}")
        assert response.status == 200, path
        journey.audit(path.strip("/").replace("/", "-") or "dashboard", screenshot=False)
    journey.assert_accessible()
    assert journey.errors == []


def test_the_payment_form_shows_an_old_rate_and_asks_to_confirm_it(
    browser_as, demo, desk, funded_rows
):
    journey = browser_as(desk)
    page = journey.page
    journey.goto(f"/p/{demo.slug}/funding/lines/{funded_rows['committed']}/")
    form = page.locator("form", has=page.get_by_role("button", name="Record"))
    form.get_by_label("Value date").fill("2018-06-01")
    form.get_by_label("Amount").fill("500")
    form.get_by_label("Currency").select_option("USD")
    rate = page.locator("#rate-check")
    expect(rate).to_contain_text("the rate of 17 April 2018 (Danmarks Nationalbank): 45 days")
    expect(rate).to_contain_text("DKK equivalent: DKK 3,100.")
    expect(rate).to_contain_text("Older than 7 days.")
    journey.audit("payment-old-rate")
    form.get_by_label("Reference").fill("UM-2")
    rate.get_by_label("Use the rate of 17 Apr 2018").check()
    form.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status")).to_contain_text("The payment was recorded at 6.200000")
    table = page.get_by_role("table", name=re.compile("Payments and refunds"))
    expect(table).to_contain_text("17 Apr 2018: 45 days before")
    expect(table).to_contain_text("difference 110.55")
    journey.audit("payment-recorded")
    journey.assert_accessible()
    assert journey.errors == [], journey.errors


@pytest.mark.parametrize("width", [1366, 390])
def test_the_assessed_contribution_and_allocations_fit_the_width(
    browser_as, demo, desk, funded_rows, width
):
    journey = browser_as(desk, viewport=(width, 900))
    page = journey.page
    for path in ("assessed-contributions/", "allocations/", "exchange-rates/", "staff/"):
        journey.goto(f"/p/{demo.slug}/funding/{path}")
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), (width, path, "the page scrolls sideways")
        journey.audit(f"{width}-{path.strip('/').replace('/', '-')}")
    journey.goto(f"/p/{demo.slug}/funding/assessed-contributions/")
    table = page.locator("table.assessed")
    # Every year's edit link is in view, not cut off by the table's own scrolling.
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    for year in (2017, 2018):
        box = page.get_by_role("link", name=f"Edit {year}").bounding_box()
        assert box is not None, year
        assert 0 <= box["x"] <= box["x"] + box["width"] <= width, (year, box)
    journey.assert_accessible()
    assert journey.errors == [], journey.errors
