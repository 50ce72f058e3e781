"""Every funding page, as a desk officer sees it in Chromium, has no axe violations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from funding.models import BudgetLine, Component

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
@pytest.mark.django_db(transaction=True)
def test_funding_pages_have_no_axe_violations(funded, desk, live_server, monkeypatch):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    line = BudgetLine.objects.get(partnership=funded, year=2019, component=Component.CORE)
    # Playwright's sync API runs an event loop in this thread; the ORM work is done above
    # and the server thread does the rest.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", desk.username)
        page.fill("#id_password", "a-long-test-password")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        axe = Axe()
        for path in PAGES:
            url = f"{live_server.url}/p/{funded.slug}/{path.format(line=line.pk)}"
            response = page.goto(url)
            assert response.status == 200, url
            violations = axe.run(page).response["violations"]
            if violations:
                found[path] = [(v["id"], v["nodes"][0]["target"]) for v in violations]
        browser.close()
    assert found == {}
