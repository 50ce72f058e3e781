"""The API reference at /api/docs/: read by keyboard, within WCAG 2.1 AA, and at 390 px
wide (a phone) with every operation and schema open, no sideways scrolling of the page:
long paths and field names wrap."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = (390, 844)


def test_the_reference_reads_by_keyboard_and_at_390_px(browser_as, desk):
    from core.api_reference import reference

    reference()  # as a web worker does as it starts (config/gunicorn.py)
    journey = browser_as(desk, viewport=PHONE)
    journey.goto("/api/docs/")
    page = journey.page
    expect(page.get_by_role("heading", level=1, name="API reference")).to_be_visible()
    journey.audit("390-reference")

    # A resource from the index, then one of its operations opened from the keyboard.
    page.get_by_role("link", name="goals", exact=True).focus()
    page.keyboard.press("Enter")
    assert journey.path == "/api/docs/"
    assert page.url.endswith("#tag-goals")
    operation = page.locator("#v1_goals_create details")
    operation.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(operation).to_have_attribute("open", "")
    expect(operation.get_by_role("heading", name="Request body")).to_be_visible()
    expect(operation.locator("code", has_text="indicator").first).to_be_visible()
    # The schema a field names, one link away.
    operation.get_by_role("link", name="GoalCreate", exact=True).first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#schema-GoalCreate details")).to_have_attribute("open", "")
    journey.audit("390-operation-open")

    # Everything open: the longest paths and field descriptions wrap within the screen.
    opened = page.evaluate(
        "() => { const all = document.querySelectorAll('main details');"
        " all.forEach(d => { d.open = true; }); return all.length; }"
    )
    listed = page.locator("li.api-operation, li[id^='schema-']").count()
    assert opened == listed > 250
    journey.audit("390-all-open", screenshot=False)
    wide = page.evaluate(
        "(width) => [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > width)"
        ".map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 60))",
        PHONE[0],
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0], wide[:10]

    # Swagger UI, for trying requests, one link away.
    swagger = page.get_by_role("link", name="Try requests in Swagger UI")
    assert swagger.get_attribute("href") == "/api/docs/try/"
    assert page.context.request.get(journey.base_url + "/api/docs/try/").ok
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
