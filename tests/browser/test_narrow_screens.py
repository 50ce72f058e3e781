"""At 390 px wide (a phone), the pages of the record, the consultations and the reviews
read without scrolling the page sideways: wide tables become stacked rows, each cell
labelled with its column. axe checks each page as it stands at that width."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from consultations import services as consultation_services
from consultations.models import Consultation
from partnership.models import OverallGoal
from partnership.models import Risk
from reviews import services as review_services
from reviews.models import Dossier
from reviews.models import Review
from tests.consultations import factories as consultation_factories
from tests.reviews.factories import built_dossier
from tests.reviews.factories import done_version

pytestmark = pytest.mark.browser

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}"
PHONE = (390, 844)
LONG = (
    "IOM to share with the Mission its revised results framework, with baselines and "
    "targets for the indicators of the Strategic Results Framework, before the next session"
)


@pytest.fixture
def busy(demo, desk, geneva):
    """The demo with what makes the tables wide: action points with long texts, links and
    due dates, matters arising, notes, report versions, dossiers and a download."""
    c2019 = Consultation.objects.get(partnership=demo, year=2019)
    goals = list(OverallGoal.objects.filter(partnership=demo, number__in=(3, 4, 9)))
    risks = list(Risk.objects.filter(partnership=demo, number__in=(1, 2)))
    for code in ("iv", "vii"):
        item = c2019.agenda_items.get(code=code)
        consultation_services.note_create(
            agenda_item=item, by=geneva, body="IOM presented its **plans**.", goals=goals
        )
        for n in range(2):
            point = consultation_services.action_point_create(
                consultation=c2019,
                by=geneva,
                agenda_item=item,
                description=f"{LONG} ({code}{n}).",
                owner="Permanent Mission of Denmark to the UN in Geneva",
                due_date=dt.date(2019, 12, 31),
                goals=goals,
                risks=risks,
            )
    consultation_factories.consultation(demo, year=2020, created_by=geneva)
    review = Review.objects.get(partnership=demo)
    version = done_version(review, requested_by=desk, number=1)
    review_services.report_version_log_download(version=version, by=desk, channel="page")
    # A dossier built and one still being collected (its table polls while it stands).
    built_dossier(demo, review=review, requested_by=desk)
    Dossier.objects.create(partnership=demo, year=2019, requested_by=desk, app_version="test")
    return {"review": review, "version": version, "point": point}


def _pages(busy) -> list[tuple[str, str]]:
    review, version, point = busy["review"], busy["version"], busy["point"]
    return [
        ("dashboard", f"{P}/"),
        ("goals", f"{P}/goals/"),
        ("goal", f"{P}/goals/4/"),
        ("risks", f"{P}/risks/"),
        ("risk", f"{P}/risks/1/"),
        ("documents", f"{P}/documents/"),
        ("consultations", f"{P}/consultations/"),
        ("consultation-2019", f"{P}/consultations/2019/"),
        ("consultation-2020", f"{P}/consultations/2020/"),
        ("consultation-notes", f"{P}/consultations/2019/notes/"),
        ("consultation-action-points", f"{P}/consultations/2019/action-points/"),
        ("matters-arising", f"{P}/consultations/2020/matters-arising/"),
        ("goal-linked", f"{P}/consultations/goals/4/linked/"),
        ("risk-linked", f"{P}/consultations/risks/1/linked/"),
        ("action-point", f"{P}/consultations/action-points/{point.pk}/edit/"),
        ("action-point-new", f"{P}/consultations/items/{point.agenda_item_id}/action-points/"),
        ("drop", f"{P}/consultations/action-points/{point.pk}/drop/"),
        ("reviews", f"{P}/reviews/"),
        ("review", f"{P}/reviews/{review.pk}/"),
        ("review-edit", f"{P}/reviews/{review.pk}/edit/"),
        ("issue", f"{P}/reviews/versions/{version.pk}/issue/"),
        ("verify", f"{P}/reviews/verify/"),
        ("downloads", f"{P}/reviews/downloads/"),
        ("dossiers", f"{P}/reviews/dossiers/"),
    ]


def test_the_pages_read_at_390_px_without_scrolling_sideways(browser_as, busy, desk):
    journey = browser_as(desk, viewport=PHONE)
    wide = {}
    for step, path in _pages(busy):
        journey.goto(path)
        expect(journey.page.get_by_role("heading", level=1)).to_be_visible()
        journey.audit(f"390-{step}")
        width = journey.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE[0]:
            wide[step] = width
    assert wide == {}
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)


def test_the_review_checks_name_how_many_more_were_found_and_where_they_are(
    browser_as, demo, desk, geneva
):
    """Seven action points overdue at the end of the review's period: the review page lists
    the first five and says "And 2 more", with a link to the open action points that a
    keyboard reaches and follows; at 390 px the page does not scroll sideways, and axe finds
    nothing on it."""
    c2019 = Consultation.objects.get(partnership=demo, year=2019)
    for n in range(7):
        consultation_services.action_point_create(
            consultation=c2019,
            by=geneva,
            agenda_item=None,
            description=f"{LONG} (overdue {n}).",
            owner="IOM",
            due_date=dt.date(2018, 3, 1),
        )
    review = Review.objects.get(partnership=demo)
    journey = browser_as(desk, viewport=PHONE)
    journey.goto(f"{P}/reviews/{review.pk}/")
    more = journey.page.locator(".check-more").filter(has_text="action point")
    expect(more).to_contain_text("And 2 more")
    journey.audit("390-review-checks-more")
    width = journey.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0]
    link = more.get_by_role("link")
    link.focus()
    journey.page.keyboard.press("Enter")
    journey.page.wait_for_url(f"**{P}/consultations/#open-points-heading")
    expect(journey.page.locator("#open-points-heading")).to_be_visible()
    journey.audit("390-open-action-points")
    journey.assert_accessible()
    assert journey.errors == [], "\n".join(journey.errors)
