"""Accessibility checks in the browser: axe-core's WCAG 2.1 AA rules, and the text
alternatives of charts, run on the page as it stands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_CHART_PROBLEMS = (Path(__file__).parent / "charts.js").read_text()

# The rules of WCAG 2.0 and 2.1, levels A and AA: the standard Danish public bodies are
# held to (the web accessibility act applies EN 301 549, which points to WCAG 2.1 AA).
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best practices on top (heading order, landmarks, every part of the page in one):
# not required by WCAG, but what a screen reader user leans on.
RULES = [*WCAG_21_AA, "best-practice"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The violations of WCAG 2.1 AA and of axe's best practices that axe finds on
    ``page`` (a Playwright page) as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": RULES}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def describe(violations: list[dict[str, Any]]) -> list[str]:
    """One line per violation and element: rule, what it asks, where, and why it failed."""
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        f"{' '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
        for violation in violations
        for node in violation["nodes"]
    ]


def chart_problems(page: Any) -> list[str]:
    """What the page's charts and pictures lack: a text alternative, or (for a chart) a
    table of its figures beside it."""
    return page.evaluate(_CHART_PROBLEMS)
