"""The checks the journeys rely on do find what they look for: axe's violations, and a
focus that cannot be seen."""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_violations
from tests.browser.axe import chart_problems
from tests.browser.axe import describe
from tests.browser.keyboard import Keyboard

pytestmark = pytest.mark.browser

FLAWED = """<!doctype html><html lang="en"><head><title>Flawed</title>
<style>:focus { outline: none } .faint { color: #bbb }</style></head>
<body><main><h1>A page with flaws</h1><h3>A heading level skipped</h3>
<p class="faint">Faint text.</p><input id="nameless"><a href="#top"></a>
<button class="ringed">Fine</button></main></body></html>"""


def test_the_audit_finds_each_kind_of_violation(browser):
    page = browser.new_page()
    page.set_content(FLAWED)
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"color-contrast", "label", "link-name", "heading-order"} <= found
    assert any(line.startswith("label (critical)") for line in describe(axe_violations(page)))
    page.close()


def test_the_keyboard_finds_a_focus_that_cannot_be_seen(browser):
    page = browser.new_page()
    page.set_content(
        FLAWED.replace("</style>", ".ringed:focus { outline: 3px solid #1d2430 }</style>")
    )
    keys = Keyboard(page)
    keys.focus(page.get_by_role("button", name="Fine"))
    assert keys.stops == 3  # the field, the link, the button
    assert [problem.split(":")[0] for problem in keys.problems] == [
        "focus indicator missing or faint (0",  # the field, its outline taken away
        "focused but not on screen",  # the link without text has no size
    ]
    page.close()


def test_the_audit_finds_a_chart_without_words_or_figures(browser):
    page = browser.new_page()
    page.set_content(
        '<main><section><h2>Funding</h2><svg class="chart"><rect width="9" height="9"/></svg>'
        '</section><section><h2>Risks</h2><figure><svg role="img" aria-label="Ratings">'
        "</svg></figure><table><caption>Ratings</caption></table></section></main>"
    )
    problems = chart_problems(page)
    assert problems == ["svg.chart has no text alternative", "svg.chart has no table beside it"]
    page.close()


def test_the_audit_finds_a_chart_whose_labels_do_not_read_as_drawn(browser):
    """A drawing 640 units wide shown 320 px wide halves its 12-unit labels to 6 px; a label
    past its edge and two labels on top of each other are found too."""
    page = browser.new_page(viewport={"width": 400, "height": 600})
    words = (
        '<text x="10" y="40" font-size="12">tiny</text>'
        '<text x="10" y="120" font-size="30">20.0</text>'
        '<text x="16" y="124" font-size="30">25.0</text>'
        '<text x="600" y="200" font-size="30">2020</text>'
    )
    page.set_content(
        '<main><section><h2>Funding</h2><svg class="chart" viewBox="0 0 640 320" width="320" '
        f'role="img" aria-label="Funding">{words}</svg><table><caption>Funding</caption>'
        "</table></section></main>"
    )
    problems = chart_problems(page)
    assert problems == [
        'svg.chart: "tiny" is drawn at 6.0 px',
        'svg.chart: "20.0" overlaps "25.0"',
        'svg.chart: "2020" stands outside the drawing',
    ]
    page.close()
