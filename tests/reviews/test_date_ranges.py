"""A review's period and due date stay within 1945-2100, on the pages and in the API alike:
refused at the date, nothing saved; a due date or a period ahead of today stays allowed."""

from __future__ import annotations

import datetime as dt

import pytest

from reviews.models import Review

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}/reviews"
OUT_OF_RANGE = ["Give a date from 1 January 1945 to 31 December 2100."]


@pytest.mark.parametrize("field", ["period_start", "period_end", "due_date"])
def test_a_new_review_dated_1700_is_refused_at_the_date(iom, desk, login, api_login, field):
    data = {"kind": "final", "title": "Final review", field: "1700-01-01"}
    page = login(desk).post(f"{P}/", data)
    assert page.status_code == 400
    assert page.context["form"].errors == {field: OUT_OF_RANGE}
    api = api_login(desk).post("/api/v1/reviews/", {**data, "partnership": SLUG}, format="json")
    assert (api.status_code, api.json()) == (400, {field: OUT_OF_RANGE})
    assert not Review.objects.exists()


def test_a_review_corrected_to_1700_keeps_its_dates(review, desk, login, api_login):
    data = {"title": review.title, "status": "draft", "purpose": review.purpose,
            "period_start": "1700-01-01", "due_date": "1700-01-01",
            "due_description": "fall of 2019"}  # fmt: skip
    page = login(desk).post(f"{P}/{review.pk}/edit/", data)
    assert page.status_code == 400
    assert page.context["form"].errors == {
        "period_start": OUT_OF_RANGE,
        "due_date": OUT_OF_RANGE,
    }
    client = api_login(desk)
    patched = client.patch(
        f"/api/v1/reviews/{review.pk}/", {"period_start": "1700-01-01"}, format="json"
    )
    assert (patched.status_code, patched.json()) == (400, {"period_start": OUT_OF_RANGE})
    stored = (review.period_start, review.due_date)
    review.refresh_from_db()
    assert (review.period_start, review.due_date) == stored


def test_a_due_date_of_1700_is_not_confirmed_on_the_page_or_in_the_api(
    review, desk, login, api_login
):
    page = login(desk).post(f"{P}/{review.pk}/due-date/", {"due_date": "1700-01-01"})
    assert page.status_code == 400
    assert page.context["due_form"].errors == {"due_date": OUT_OF_RANGE}
    api = api_login(desk).post(
        f"/api/v1/reviews/{review.pk}/confirm-due-date/", {"due_date": "1700-01-01"}, format="json"
    )
    assert (api.status_code, api.json()) == (400, {"due_date": OUT_OF_RANGE})
    review.refresh_from_db()
    assert (review.due_date, review.due_confirmed_by) == (dt.date(2019, 11, 30), None)


def test_a_due_date_and_a_period_ahead_of_today_stay_allowed(review, desk, api_login):
    patched = api_login(desk).patch(
        f"/api/v1/reviews/{review.pk}/",
        {"period_end": "2099-12-31", "due_date": "2100-12-31"},
        format="json",
    )
    assert patched.status_code == 200
    assert (patched.json()["period_end"], patched.json()["due_date"]) == (
        "2099-12-31",
        "2100-12-31",
    )
