"""Dates that can be late: the source's words kept beside a due date a desk officer
confirms, compared with today on the review pages, the dashboard and in the API; and the
overall goal a review fulfils, shown both ways without its status changing by itself."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.models import OverallGoal
from reviews import services
from reviews.models import Review
from tests.factories import GoalUpdateFactory
from tests.reviews.factories import done_version
from tests.reviews.factories import issued_version

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}/reviews"


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def test_a_review_past_its_due_date_and_not_issued_is_overdue(review, desk):
    assert review.is_overdue(dt.date(2019, 12, 1))
    assert not review.is_overdue(dt.date(2019, 11, 30))
    review.due_date = None
    assert not review.is_overdue(dt.date(2030, 1, 1))  # the words alone are never late
    review.due_date = dt.date(2019, 11, 30)
    review.status = Review.Status.ISSUED
    assert not review.is_overdue(dt.date(2030, 1, 1))


def test_the_review_pages_and_the_dashboard_say_it_is_overdue(review, desk, geneva, login):
    client = login(geneva)
    listing = client.get(f"{P}/").content.decode()
    # Due on 30 November, on time that day, overdue from the next: one way of writing
    # the days in the one line (the day is the app's reading of the words, not confirmed).
    assert re.search(
        r"30 Nov 2019 \(fall of 2019; not confirmed\)\s+"
        r"<strong[^>]*>Overdue since 1 Dec 2019</strong>",
        listing,
    )
    assert "30 November" not in listing
    detail = client.get(f"{P}/{review.pk}/").content.decode()
    assert "Overdue since 1 Dec 2019" in detail
    assert "not confirmed yet" in detail
    dashboard = client.get(f"/p/{SLUG}/").content.decode()
    assert "Mid-term review of the strategy" in dashboard
    assert "Overdue since 1 Dec 2019" in dashboard  # the reviews' card, beside "30 Nov 2019"
    assert "Overdue since 1 December 2019; due in the fall of 2019" in dashboard  # attention
    assert "Overdue since 30 Nov" not in dashboard

    services.review_update(review=review, by=desk, changes={"due_date": _days(10)})
    for url in (f"{P}/", f"{P}/{review.pk}/"):
        assert "Overdue" not in client.get(url).content.decode(), url
    # The dashboard still says what else is overdue (section 5's lines still indicative).
    assert "Overdue since" not in client.get(f"/p/{SLUG}/").content.decode()


def test_an_issued_review_is_not_overdue(review, desk, geneva, login):
    issued_version(review, requested_by=desk, number=1)
    for url in (f"{P}/", f"{P}/{review.pk}/"):
        assert "Overdue" not in login(geneva).get(url).content.decode(), url
    # The dashboard still says what else is overdue (section 5's lines still indicative).
    assert "Overdue since" not in login(geneva).get(f"/p/{SLUG}/").content.decode()


def test_the_desk_officer_confirms_the_due_date_with_the_sources_words_kept(
    review, desk, geneva, login
):
    client = login(desk)
    detail = client.get(f"{P}/{review.pk}/").content.decode()
    assert "Confirm the due date" in detail
    assert "Confirm the due date" not in login(geneva).get(f"{P}/{review.pk}/").content.decode()
    assert (
        login(geneva).post(f"{P}/{review.pk}/due-date/", {"due_date": "2019-11-30"}).status_code
        == 403
    )
    bad = client.post(f"{P}/{review.pk}/due-date/", {"due_date": "fall"})
    assert bad.status_code == 400
    assert "Enter a valid date." in bad.content.decode()
    response = client.post(
        f"{P}/{review.pk}/due-date/",
        {"due_date": "2019-11-30", "reason": "Fall ends with November."},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.due_date, review.due_description) == (dt.date(2019, 11, 30), "fall of 2019")
    assert review.due_confirmed_by == desk
    assert review.due_confirmed_at is not None
    entry = review.history.first()
    assert (entry.history_user, entry.history_change_reason) == (desk, "Fall ends with November.")
    detail = client.get(f"{P}/{review.pk}/").content.decode()
    assert "confirmed by Test desk" in detail
    assert "Confirm the due date" not in detail


def test_changing_the_due_date_in_the_form_confirms_the_new_one(review, desk, login):
    response = login(desk).post(
        f"{P}/{review.pk}/edit/",
        {
            "title": review.title,
            "status": "draft",
            "purpose": review.purpose,
            "period_start": "2018-01-01",
            "due_date": "2019-12-15",
            "due_description": "fall of 2019",
            "fulfils_goal": review.fulfils_goal_id,
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.due_date, review.due_confirmed_by) == (dt.date(2019, 12, 15), desk)
    services.review_update(review=review, by=desk, changes={"due_date": None})
    review.refresh_from_db()
    assert (review.due_confirmed_by, review.due_confirmed_at) == (None, None)


def test_the_api_says_when_a_review_is_due_and_confirms_a_date(review, desk, api_login):
    client = api_login(desk)
    body = client.get(f"/api/v1/reviews/{review.pk}/").json()
    assert {k: body[k] for k in ("due_date", "due_description", "overdue", "due_confirmed_by")} == {
        "due_date": "2019-11-30",
        "due_description": "fall of 2019",
        "overdue": True,
        "due_confirmed_by": None,
    }
    assert body["fulfils_goal"] == review.fulfils_goal_id
    missing = client.post(f"/api/v1/reviews/{review.pk}/confirm-due-date/", {}, format="json")
    assert missing.status_code == 400
    assert "due_date" in missing.json()
    confirmed = client.post(
        f"/api/v1/reviews/{review.pk}/confirm-due-date/",
        {"due_date": "2019-11-30", "reason": "Fall ends with November."},
        format="json",
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["due_confirmed_by"] == "desk"
    changed = client.patch(
        f"/api/v1/reviews/{review.pk}/", {"due_date": _days(30).isoformat()}, format="json"
    )
    assert (changed.json()["overdue"], changed.json()["due_confirmed_by"]) == (False, "desk")


def test_a_review_fulfils_a_goal_of_its_own_partnership_only(review, desk, other_partnership):
    from tests.factories import GoalFactory

    foreign = GoalFactory(partnership=other_partnership)
    with pytest.raises(ValidationError) as caught:
        services.review_update(review=review, by=desk, changes={"fulfils_goal": foreign})
    assert "fulfils_goal" in caught.value.message_dict


def test_the_goal_and_the_review_show_each_other_and_issuing_leaves_the_goal_alone(
    review, desk, auditor, login
):
    goal = OverallGoal.objects.get(partnership=review.partnership, number=9)
    client = login(desk)
    goal_page = client.get(f"/p/{SLUG}/goals/9/").content.decode()
    assert "Mid-term review of the strategy" in goal_page
    assert f'href="{P}/{review.pk}/"' in goal_page
    review_page = client.get(f"{P}/{review.pk}/").content.decode()
    assert "Fulfils overall goal 9" in review_page
    assert f'href="/p/{SLUG}/goals/9/"' in review_page

    done_version(review, requested_by=desk, number=1)
    final = issued_version(review, requested_by=desk, number=2)
    goal = OverallGoal.objects.with_current_status().get(pk=goal.pk)
    assert goal.current_status == "not_started"  # nothing changes it silently
    issued_on = timezone.localtime(final.issued_at)
    goal_page = client.get(f"/p/{SLUG}/goals/9/").content.decode()
    assert f"was issued on {issued_on:%-d %B %Y}" in goal_page
    assert "Update the goal's status" in goal_page
    assert 'href="#update-heading"' in goal_page
    assert "Update the goal" not in login(auditor).get(f"/p/{SLUG}/goals/9/").content.decode()
    review_page = client.get(f"{P}/{review.pk}/").content.decode()
    assert "its status is still Not started" in review_page

    # Once the goal has an update on or after the issue, the reminder goes.
    GoalUpdateFactory(goal=goal, author=desk, status="achieved", as_of=issued_on.date())
    goal_page = client.get(f"/p/{SLUG}/goals/9/").content.decode()
    assert "Update the goal's status" not in goal_page


def test_an_unconfirmed_due_date_says_so_wherever_it_is_shown(review, desk, geneva, login):
    client = login(geneva)
    pages = {
        "dashboard": f"/p/{SLUG}/",
        "reviews": f"{P}/",
        "goal 9": f"/p/{SLUG}/goals/9/",
    }
    for name, url in pages.items():
        assert "30 Nov 2019 (fall of 2019; not confirmed)" in client.get(url).content.decode(), name
    danish = client.get(f"{P}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "30. nov 2019 (“fall of 2019”; ikke bekræftet)" in danish
    # The review's own page says it in a sentence of its own, once.
    detail = client.get(f"{P}/{review.pk}/").content.decode()
    assert "not confirmed)" not in detail
    assert "not confirmed yet" in detail

    services.review_due_date_confirm(review=review, by=desk, due_date=dt.date(2019, 11, 30))
    for name, url in pages.items():
        page = client.get(url).content.decode()
        assert "not confirmed" not in page, name
    assert "30 Nov 2019 (fall of 2019)" in client.get(f"{P}/").content.decode()
    assert "30. nov 2019 (“fall of 2019”)" in (
        client.get(f"{P}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    )
