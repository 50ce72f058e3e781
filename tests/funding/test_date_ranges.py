"""Dates a person types in the funding pages and API stay within 1945-2100, and a rate, as a
payment, is of a day that has come: refused at the date, nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from funding import services
from funding.models import BudgetLine
from funding.models import Component
from funding.models import Disbursement
from funding.models import ExchangeRate
from funding.models import StaffPosition

OUT_OF_RANGE = ["Give a date from 1 January 1945 to 31 December 2100."]


@pytest.fixture
def core_2018(funded):
    return BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)


def test_a_payment_dated_1700_is_refused_at_the_value_date_before_its_rate_is_sought(
    core_2018, desk, login, api_login
):
    data = {"kind": "payment", "value_date": "1700-01-01", "amount": "1000",
            "currency": "USD", "reference": "UM-1700"}  # fmt: skip
    page = login(desk).post(core_2018.get_absolute_url(), data)
    assert page.status_code == 400
    assert page.context["form"].errors == {"value_date": OUT_OF_RANGE}
    danish = login(desk).post(core_2018.get_absolute_url(), data, HTTP_ACCEPT_LANGUAGE="da")
    assert danish.context["form"].errors == {
        "value_date": ["Angiv en dato fra 1. januar 1945 til 31. december 2100."]
    }
    api = api_login(desk).post(
        "/api/v1/disbursements/",
        {**data, "budget_line": core_2018.pk, "amount": "1000.00"},
        format="json",
    )
    assert (api.status_code, api.json()) == (400, {"value_date": OUT_OF_RANGE})
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("day", ["1700-01-01", "2099-01-01"])
def test_a_rate_of_1700_or_of_a_day_to_come_is_refused_at_the_date(
    iom, desk, login, api_login, day
):
    message = (
        OUT_OF_RANGE
        if day.startswith("1700")
        else [
            "Give today's date or an earlier one: "
            f"{date_format(dt.date.fromisoformat(day))} is still to come."
        ]
    )
    data = {"currency": "USD", "date": day, "rate": "6.25", "source": "Test"}
    page = login(desk).post(f"/p/{iom.slug}/funding/exchange-rates/", data)
    assert page.status_code == 400
    assert page.context["form"].errors == {"date": message}
    api = api_login(desk).post(
        "/api/v1/exchange-rates/", {**data, "partnership": iom.slug}, format="json"
    )
    assert (api.status_code, api.json()) == (400, {"date": message})
    assert not ExchangeRate.objects.exists()


def test_a_rate_is_corrected_to_today_but_not_to_tomorrow(iom, desk, api_login):
    rate = services.exchange_rate_create(
        partnership=iom, currency="USD", date=dt.date(2018, 6, 1), rate=Decimal("6.25"), source="T"
    )
    client = api_login(desk)
    url = f"/api/v1/exchange-rates/{rate.pk}/"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused = client.patch(url, {"date": tomorrow.isoformat(), "reason": "Typo"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["date"]
    rate.refresh_from_db()
    assert rate.date == dt.date(2018, 6, 1)
    today = timezone.localdate().isoformat()
    assert client.patch(url, {"date": today, "reason": "Typo"}, format="json").status_code == 200


def test_a_rate_file_with_a_day_to_come_is_refused_whole(iom):
    text = "currency,date,rate,source\nUSD,2018-06-01,6.25,x\nUSD,2099-06-01,6.3,x\n"
    with pytest.raises(services.ValidationError) as error:
        services.exchange_rates_import_csv(partnership=iom, content=text.encode())
    assert error.value.message_dict["file"] == [
        "Row 3, date: Give today's date or an earlier one: 1 June 2099 is still to come."
    ]
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(("start", "end"), [("1700-01-01", ""), ("2018-09-01", "2101-01-01")])
def test_a_staff_position_outside_1945_2100_is_refused_at_its_dates(
    funded, desk, login, api_login, start, end
):
    data = {"kind": "regular", "position": "Migration officer", "duty_station": "Geneva",
            "start_date": start, "end_date": end}  # fmt: skip
    field = "start_date" if start.startswith("1700") else "end_date"
    page = login(desk).post(f"/p/{funded.slug}/funding/staff/?year=2018", data)
    assert page.status_code == 400
    assert page.context["form"].errors == {field: OUT_OF_RANGE}
    api = api_login(desk).post(
        "/api/v1/staff-positions/",
        {**data, "partnership": funded.slug, "end_date": end or None},
        format="json",
    )
    assert (api.status_code, api.json()) == (400, {field: OUT_OF_RANGE})
    assert not StaffPosition.objects.exists()


def test_a_position_is_entered_ahead_of_its_start_and_not_moved_to_1700(funded, desk, api_login):
    next_year = timezone.localdate().replace(day=1) + dt.timedelta(days=366)
    data = {"partnership": funded.slug, "kind": "regular", "position": "Migration officer",
            "duty_station": "Geneva", "start_date": next_year.isoformat()}  # fmt: skip
    api = api_login(desk).post("/api/v1/staff-positions/", data, format="json")
    assert api.status_code == 201
    moved = api_login(desk).patch(
        f"/api/v1/staff-positions/{api.json()['id']}/",
        {"start_date": "1700-01-01", "reason": "Typo"},
        format="json",
    )
    assert (moved.status_code, moved.json()) == (400, {"start_date": OUT_OF_RANGE})
