"""Every funding page, as a desk officer sees it (with every form), passes axe."""

from __future__ import annotations

import pytest

from funding.models import BudgetLine, Component

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "funding/",
    "funding/lines/{line}/",
    "funding/exchange-rates/",
    "funding/assessed-contributions/",
    "funding/assessed-contributions/2018/edit/",
    "funding/voluntary-contributions/",
    "funding/voluntary-contributions/import/",
    "funding/voluntary-contributions/reconciliation/?show=all",
    "funding/allocations/",
    "funding/staff/",
]


def test_funding_pages_have_no_axe_violations(browser_as, demo, desk):
    line = BudgetLine.objects.get(partnership=demo, year=2019, component=Component.CORE)
    journey = browser_as(desk)
    for path in PAGES:
        response = journey.goto(f"/p/{demo.slug}/{path.format(line=line.pk)}")
        assert response.status == 200, path
        journey.audit(path.strip("/").replace("/", "-") or "dashboard", screenshot=False)
    journey.assert_accessible()
    assert journey.errors == []
