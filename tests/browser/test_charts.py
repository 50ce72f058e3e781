"""The funding chart reads on a phone and on a small screen. Its labels are drawn at 11 px
or more, inside the drawing and clear of each other (the chart audit that runs with axe on
every audited page checks this), and its legend is text below it that wraps. A portfolio of
thirteen years and hundreds of millions or billions a year gets a few round steps on its
value axis, in whole millions, and on a phone fewer year labels, not a crowd."""

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
def big_portfolio(request, demo, portfolio_admin):
    """``request.param`` more agreements with IOM, 2018–2030, DKK 100 million a year each."""
    for n in range(request.param):
        partnership_services.partnership_create(
            by=portfolio_admin,
            organisation=demo.organisation,
            title=f"Agreement {n + 1} with IOM 2018–2030",
            slug=f"agreement-{n + 1}",
            start_date=dt.date(2018, 1, 1),
            end_date=dt.date(2030, 12, 31),
            annual_amount=Decimal(100_000_000),
        )


@pytest.mark.parametrize("width", [390, 1024])
def test_the_funding_chart_reads_on_a_phone_and_a_small_screen(browser_as, demo, desk, width):
    journey = browser_as(desk, viewport=(width, 844))
    page = journey.page
    journey.goto(f"/p/{demo.slug}/funding/")
    figure = page.locator("figure.chart-figure")
    expect(figure.get_by_role("listitem")).to_have_text([*LEGEND, "Agreement’s annual amount"])
    # The axis in whole millions, and all three years: they fit.
    assert _shown_labels(page, "svg.chart text") == [
        *("0", "5", "10", "15", "20", "25", "30"),
        *("2018", "2019", "2020"),
        "DKK million",
    ]
    size = page.locator("svg.chart text").first.evaluate(
        "t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement"
        ".getBoundingClientRect().width / t.ownerSVGElement.viewBox.baseVal.width"
    )
    assert size >= 11
    journey.audit(f"{width}-funding")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    journey.assert_accessible()
    assert journey.errors == [], journey.errors


@pytest.mark.parametrize(
    ("width", "big_portfolio", "axis", "years"),
    [
        # 2018–2020: 25 + 5 × 100 million, then 5 × 100: steps of 100 million up to 600.
        (1280, 5, ("0", "100", "200", "300", "400", "500", "600"), range(2018, 2031)),
        (390, 5, ("0", "100", "200", "300", "400", "500", "600"), range(2018, 2031, 2)),
        # Over a billion: steps of 500 million, written whole, inside the drawing on a phone.
        (390, 14, ("0", "500", "1,000", "1,500"), range(2018, 2031, 2)),
        (1024, 14, ("0", "500", "1,000", "1,500"), range(2018, 2031)),
    ],
    indirect=["big_portfolio"],
)
def test_a_large_portfolio_gets_round_steps_and_no_crowd_of_labels(
    browser_as, big_portfolio, portfolio_admin, width, axis, years
):
    journey = browser_as(portfolio_admin, viewport=(width, 900))
    page = journey.page
    journey.goto("/portfolio/")
    expect(page.locator("svg.chart")).to_be_visible()
    labels = _shown_labels(page, "svg.chart text")
    assert labels[: len(axis)] == list(axis)
    assert [label for label in labels if label.isdigit() and len(label) == 4] == [
        str(year) for year in years
    ]
    journey.audit(f"{width}-portfolio")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    journey.assert_accessible()
    assert journey.errors == [], journey.errors
