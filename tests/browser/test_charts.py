"""The funding chart reads on a phone. At 390 px its labels are drawn at 11 px or more,
inside the drawing and clear of each other (the chart audit that runs with axe on every
audited page checks this), and its legend is text below it that wraps. A portfolio of
thirteen years and hundreds of millions a year gets a few round steps on its value axis and
fewer year labels, not a crowd."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from partnership import services as partnership_services

pytestmark = pytest.mark.browser

PHONE = (390, 844)
LEGEND = ["Planned", "Committed", "Disbursed"]


def _shown_labels(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all(
        "texts => texts.filter(t => getComputedStyle(t).display !== 'none').map(t => t.textContent)"
    )


@pytest.fixture
def big_portfolio(demo, portfolio_admin):
    """Six more agreements with IOM, 2018–2030, DKK 80 million a year each."""
    for n in range(6):
        partnership_services.partnership_create(
            by=portfolio_admin,
            organisation=demo.organisation,
            title=f"Agreement {n + 1} with IOM 2018–2030",
            slug=f"agreement-{n + 1}",
            start_date=dt.date(2018, 1, 1),
            end_date=dt.date(2030, 12, 31),
            annual_amount=Decimal(80_000_000),
        )


def test_the_funding_chart_reads_at_390_px(browser_as, demo, desk):
    journey = browser_as(desk, viewport=PHONE)
    page = journey.page
    journey.goto(f"/p/{demo.slug}/funding/")
    figure = page.locator("figure.chart-figure")
    expect(figure.get_by_role("listitem")).to_have_text([*LEGEND, "Agreement’s annual amount"])
    # The year labels all stand: three years fit.
    assert _shown_labels(page, "svg.chart text") == [
        *("0.0", "5.0", "10.0", "15.0", "20.0", "25.0", "30.0"),
        *("2018", "2019", "2020"),
        "DKK million",
    ]
    size = page.locator("svg.chart text").first.evaluate(
        "t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement"
        ".getBoundingClientRect().width / t.ownerSVGElement.viewBox.baseVal.width"
    )
    assert size >= 11
    journey.audit("390-funding")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    journey.assert_accessible()
    assert journey.errors == [], journey.errors


@pytest.mark.parametrize("width", [1280, 390])
def test_a_large_portfolio_gets_round_steps_and_no_crowd_of_labels(
    browser_as, big_portfolio, portfolio_admin, width
):
    journey = browser_as(portfolio_admin, viewport=(width, 900))
    page = journey.page
    journey.goto("/portfolio/")
    expect(page.locator("svg.chart")).to_be_visible()
    labels = _shown_labels(page, "svg.chart text")
    # 2018–2020: 25 + 6 × 80 million; from 2021, 6 × 80: steps of 100 million up to 600.
    assert labels[:7] == ["0.0", "100.0", "200.0", "300.0", "400.0", "500.0", "600.0"]
    years = [label for label in labels if label.isdigit()]
    if width == PHONE[0]:
        assert years == ["2018", "2020", "2022", "2024", "2026", "2028", "2030"]
    else:
        assert years == [str(year) for year in range(2018, 2031)]
    journey.audit(f"{width}-portfolio")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    journey.assert_accessible()
    assert journey.errors == [], journey.errors
