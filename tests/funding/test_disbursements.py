"""Payments and refunds: conversion to DKK, and no line paid past its amount."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from funding import selectors
from funding import services
from funding.models import BudgetLine
from funding.models import Component
from funding.models import Disbursement
from tests.funding.factories import ExchangeRateFactory


@pytest.fixture
def core_2018(funded):
    return BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)


def _pay(line, user, amount, currency="DKK", value_date=dt.date(2018, 6, 1), **extra):
    return services.disbursement_create(
        budget_line=line,
        by=user,
        value_date=value_date,
        amount=Decimal(amount),
        currency=currency,
        reference=extra.pop("reference", "UM 2018-1"),
        **extra,
    )


def test_a_payment_past_the_lines_amount_is_refused_naming_line_amount_and_rest(core_2018, desk):
    _pay(core_2018, desk, "10000000")
    with pytest.raises(ValidationError) as error:
        _pay(core_2018, desk, "5000000.01")
    message = error.value.message_dict["amount"][0]
    assert "2018 · Core funds (un-earmarked)" in message
    assert "DKK 15,000,000.00" in message
    assert "DKK 5,000,000.00 is left" in message
    assert Disbursement.objects.filter(budget_line=core_2018).count() == 1
    _pay(core_2018, desk, "5000000.00", reference="UM 2018-2")  # exactly what is left
    assert Disbursement.objects.filter(budget_line=core_2018).count() == 2


def test_a_refund_makes_room_again(core_2018, desk):
    _pay(core_2018, desk, "15000000")
    _pay(core_2018, desk, "1000000", kind=Disbursement.Kind.REFUND, reference="Refund")
    _pay(core_2018, desk, "1000000", reference="UM 2018-3")
    with pytest.raises(ValidationError):
        _pay(core_2018, desk, "0.01", reference="UM 2018-4")


def test_a_refund_cannot_exceed_what_was_paid(core_2018, desk):
    _pay(core_2018, desk, "100")
    with pytest.raises(ValidationError) as error:
        _pay(core_2018, desk, "100.01", kind=Disbursement.Kind.REFUND)
    assert "more than the DKK 100.00 paid" in error.value.message_dict["amount"][0]


def test_payments_need_a_committed_line(funded, desk):
    line = BudgetLine.objects.get(partnership=funded, year=2019, component=Component.CORE)
    with pytest.raises(ValidationError) as error:
        _pay(line, desk, "1", value_date=dt.date(2019, 6, 1))
    assert "payments need a committed line" in error.value.message_dict["budget_line"][0]


def test_conversion_uses_the_latest_rate_on_or_before_the_value_date(core_2018, desk):
    ExchangeRateFactory(partnership=core_2018.partnership, date=dt.date(2018, 5, 1), rate="6.1")
    used = ExchangeRateFactory(
        partnership=core_2018.partnership, date=dt.date(2018, 5, 31), rate="6.25"
    )
    ExchangeRateFactory(partnership=core_2018.partnership, date=dt.date(2018, 6, 2), rate="9.9")
    ExchangeRateFactory(
        partnership=core_2018.partnership, currency="CHF", date=dt.date(2018, 6, 1), rate="7.0"
    )
    payment = _pay(core_2018, desk, "1000.10", currency="USD")
    assert payment.rate == used
    assert payment.exchange_rate == Decimal("6.25")
    assert payment.amount_dkk == Decimal("6250.63")  # 1000.10 × 6.25 = 6250.625, half up


def test_a_missing_rate_is_an_error_not_a_guess(core_2018, desk):
    ExchangeRateFactory(partnership=core_2018.partnership, date=dt.date(2018, 7, 1), rate="6.3")
    with pytest.raises(ValidationError) as error:
        _pay(core_2018, desk, "1000", currency="CHF")
    assert error.value.message_dict["currency"] == [
        "No CHF to DKK exchange rate on or before 1 June 2018 is recorded. "
        "Enter or import the rate first."
    ]
    with pytest.raises(ValidationError):  # the USD rate is dated after the value date
        _pay(core_2018, desk, "1000", currency="USD")
    assert not Disbursement.objects.exists()


def test_a_converted_payment_past_the_line_is_refused_in_dkk(core_2018, desk):
    ExchangeRateFactory(partnership=core_2018.partnership, date=dt.date(2018, 1, 2), rate="6")
    with pytest.raises(ValidationError) as error:
        _pay(core_2018, desk, "2500000.01", currency="USD")  # DKK 15,000,000.06
    assert "DKK 15,000,000.06" in error.value.message_dict["amount"][0]


def test_disbursement_form_errors_are_shown_at_the_field(core_2018, desk, login):
    url = f"/p/{core_2018.partnership.slug}/funding/lines/{core_2018.pk}/"
    response = login(desk).post(
        url,
        {
            "kind": "payment",
            "value_date": "2018-06-01",
            "amount": "1000",
            "currency": "USD",
            "reference": "X",
        },
    )
    assert response.status_code == 400
    assert "No USD to DKK exchange rate" in response.content.decode()
    assert not Disbursement.objects.exists()


def test_the_line_page_lists_payments_and_what_is_left(core_2018, desk, login):
    _pay(core_2018, desk, "4000000", reference="UM 2018-77")
    page = login(desk).get(f"/p/{core_2018.partnership.slug}/funding/lines/{core_2018.pk}/")
    text = page.content.decode()
    assert "UM 2018-77" in text
    assert "DKK 11,000,000" in text  # left


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the row lock is PostgreSQL's; set DATABASE_URL to a PostgreSQL database",
)


@pytest.mark.services
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_payments_cannot_both_pass(funded, desk, api_login, monkeypatch):
    """Two requests of DKK 10 million on a DKK 15 million line at the same moment.

    The check reads what has been paid and then writes; the test widens the gap between
    the two so that, without the row lock, both requests would read "nothing paid".
    """
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    original = selectors.budget_line_with_disbursed

    def slow_net_disbursed(**kwargs):
        value = original(**kwargs)
        time.sleep(0.5)
        return value

    monkeypatch.setattr(selectors, "budget_line_with_disbursed", slow_net_disbursed)
    barrier = threading.Barrier(2)
    results: list[tuple[int, str]] = []

    def pay(reference: str) -> None:
        try:
            client = api_login(desk)
            barrier.wait()
            response = client.post(
                "/api/v1/disbursements/",
                {
                    "budget_line": line.pk,
                    "kind": "payment",
                    "value_date": "2018-06-01",
                    "amount": "10000000.00",
                    "currency": "DKK",
                    "reference": reference,
                },
                format="json",
            )
            results.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(f"UM-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 400], results
    refused = next(body for status, body in results if status == 400)
    assert "DKK 5,000,000.00 is left" in refused
    assert Disbursement.objects.filter(budget_line=line).count() == 1


# --- The rate's date and age where a payment is entered; the amount actually debited ---------


@pytest.fixture
def old_rate(core_2018):
    """A USD rate 45 days before the value date used below (1 June 2018)."""
    return ExchangeRateFactory(
        partnership=core_2018.partnership, date=dt.date(2018, 4, 17), rate="6.20",
        source="Danmarks Nationalbank",
    )  # fmt: skip


def test_a_rate_older_than_the_setting_must_be_confirmed(core_2018, desk, old_rate, settings):
    with pytest.raises(ValidationError) as error:
        _pay(core_2018, desk, "1000", currency="USD")
    assert error.value.message_dict["accept_stale_rate"] == [
        "The latest USD rate on or before 1 June 2018 is dated 17 April 2018, 45 days before the "
        "value date (more than 7). Enter a newer rate, or confirm that this is the rate to use."
    ]
    assert not Disbursement.objects.exists()
    payment = _pay(core_2018, desk, "1000", currency="USD", accept_stale_rate=True)
    assert (payment.rate, payment.rate_age_days, payment.amount_dkk) == (
        old_rate, 45, Decimal("6200.00"),
    )  # fmt: skip
    settings.EXCHANGE_RATE_MAX_AGE_DAYS = 60
    assert _pay(core_2018, desk, "1", currency="USD", reference="UM-2").rate_age_days == 45


def test_the_amount_debited_counts_against_the_line_beside_the_computed_equivalent(
    core_2018, desk, old_rate
):
    payment = _pay(
        core_2018, desk, "1000", currency="USD", accept_stale_rate=True,
        debited_dkk=Decimal("6310.55"),
    )  # fmt: skip
    assert (payment.amount_dkk, payment.debited_dkk, payment.debit_difference) == (
        Decimal("6200.00"), Decimal("6310.55"), Decimal("110.55"),
    )  # fmt: skip
    assert selectors.budget_line_with_disbursed(budget_line=core_2018).disbursed == Decimal(
        "6310.55"
    )
    with pytest.raises(ValidationError) as error:
        _pay(core_2018, desk, "14993689.46", currency="DKK", reference="UM-3")
    assert "DKK 14,993,689.45 is left" in error.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as error:
        _pay(core_2018, desk, "10", currency="DKK", debited_dkk=Decimal("11"), reference="UM-4")
    assert "A payment in DKK is debited as it is" in error.value.message_dict["debited_dkk"][0]


def test_the_payment_form_shows_the_rate_its_date_and_age_and_asks_to_confirm_an_old_one(
    core_2018, desk, old_rate, login
):
    client = login(desk)
    url = core_2018.get_absolute_url()
    check = client.get(
        f"{url}rate/", {"currency": "USD", "value_date": "2018-06-01", "amount": "1000"}
    ).content.decode()
    assert (
        "1 USD = 6.200000 DKK, the rate of 17 April 2018 (Danmarks Nationalbank): 45 days "
        "before the value date." in check
    )
    assert "DKK equivalent: DKK 6,200." in check
    assert "Older than 7 days." in check
    assert 'name="accept_stale_rate"' in check
    fresh = client.get(f"{url}rate/", {"currency": "USD", "value_date": "2018-04-18"})
    assert "1 day before the value date" in fresh.content.decode()
    assert "accept_stale_rate" not in fresh.content.decode()
    # The page's form asks for the lookup as the date or currency change (htmx) ...
    page = client.get(url).content.decode()
    assert f'hx-get="{url}rate/"' in page
    # ... and without it, the server says the same when the form is sent.
    data = {"kind": "payment", "value_date": "2018-06-01", "amount": "1000",
            "currency": "USD", "reference": "UM-9", "debited_dkk": "6310.55"}  # fmt: skip
    refused = client.post(url, data)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "45 days before the value date (more than 7)" in text
    assert 'name="accept_stale_rate"' in text
    assert not Disbursement.objects.exists()
    assert client.post(url, {**data, "accept_stale_rate": "on"}).status_code == 302
    page = client.get(url).content.decode()
    assert "17 Apr 2018: 45 days before" in page
    assert "6,310.55" in page
    assert "difference 110.55" in page


def test_the_api_and_the_export_give_the_rates_date_and_age_and_the_amount_debited(
    core_2018, desk, old_rate, api_login, login
):
    client = api_login(desk)
    body = {"budget_line": core_2018.pk, "kind": "payment", "value_date": "2018-06-01",
            "amount": "1000.00", "currency": "USD", "reference": "UM-10",
            "debited_dkk": "6310.55"}  # fmt: skip
    refused = client.post("/api/v1/disbursements/", body, format="json")
    assert refused.status_code == 400
    assert "17 April 2018, 45 days" in refused.json()["accept_stale_rate"][0]
    created = client.post(
        "/api/v1/disbursements/", {**body, "accept_stale_rate": True}, format="json"
    ).json()
    assert {k: created[k] for k in ("rate_date", "rate_age_days", "amount_dkk", "debited_dkk",
                                    "debit_difference")} == {
        "rate_date": "2018-04-17", "rate_age_days": 45, "amount_dkk": "6200.00",
        "debited_dkk": "6310.55", "debit_difference": "110.55",
    }  # fmt: skip
    line = client.get(f"/api/v1/budget-lines/{core_2018.pk}/").json()
    assert line["disbursed"] == "6310.55"
    export = login(desk).get(f"/p/{core_2018.partnership.slug}/funding/export/disbursements.csv")
    header, row = export.content.decode("utf-8-sig").splitlines()[:2]
    assert "rate date,rate age (days),DKK equivalent,DKK debited" in header
    assert ",2018-04-17,45,6200.00,6310.55,110.55,6310.55,UM-10," in row


def test_a_foreign_payment_is_confirmed_with_its_rate_in_one_danish_sentence(
    core_2018, desk, old_rate, login
):
    data = {"kind": "payment", "value_date": "2018-06-01", "amount": "1000",
            "currency": "USD", "reference": "UM-9", "accept_stale_rate": "on"}  # fmt: skip
    page = login(desk).post(
        core_2018.get_absolute_url(), data, HTTP_ACCEPT_LANGUAGE="da", follow=True
    )
    assert "Betalingen er registreret til kurs 6,200000 DKK pr. USD." in page.content.decode()


def test_a_danish_desk_officer_corrects_a_rate_named_in_danish(core_2018, desk, old_rate, login):
    client = login(desk)
    url = f"/p/{core_2018.partnership.slug}/funding/exchange-rates/{old_rate.pk}/edit/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Ret USD-kursen pr. 17. april 2018 (6,200000 DKK pr. enhed)" in page


# --- a payment is made on a day that has come ---------------------------------------------


def _still_to_come(day: dt.date) -> str:
    return f"Give today's date or an earlier one: {date_format(day)} is still to come."


def test_a_payment_dated_after_today_is_refused_at_the_value_date_on_the_page(
    core_2018, desk, login
):
    url = core_2018.get_absolute_url()
    data = {"kind": "payment", "value_date": "2030-03-01", "amount": "1000",
            "currency": "DKK", "reference": "UM-2030"}  # fmt: skip
    response = login(desk).post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"value_date": [_still_to_come(dt.date(2030, 3, 1))]}
    assert not Disbursement.objects.exists()


def test_a_payment_dated_after_today_is_a_400_at_the_value_date_in_the_api(
    core_2018, desk, api_login
):
    client = api_login(desk)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    body = {"budget_line": core_2018.pk, "kind": "payment", "amount": "1000.00",
            "currency": "DKK", "reference": "UM-API"}  # fmt: skip
    refused = client.post(
        "/api/v1/disbursements/", {**body, "value_date": tomorrow.isoformat()}, format="json"
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {"value_date": [_still_to_come(tomorrow)]},
    )
    assert not Disbursement.objects.exists()
    today = timezone.localdate().isoformat()
    created = client.post("/api/v1/disbursements/", {**body, "value_date": today}, format="json")
    assert created.status_code == 201


# --- ... and not before the partnership began ------------------------------------------------

BEFORE_START = (
    "Give the partnership's start date, 1 January 2018, or a later one: 1 June 2017 is "
    "before the partnership began."
)


def test_a_payment_dated_before_the_partnership_began_is_refused_at_the_value_date_on_the_page(
    core_2018, desk, login
):
    url = core_2018.get_absolute_url()
    data = {"kind": "payment", "value_date": "2017-06-01", "amount": "1000",
            "currency": "DKK", "reference": "UM-2017"}  # fmt: skip
    response = login(desk).post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"value_date": [BEFORE_START]}
    danish = login(desk).post(url, data, HTTP_ACCEPT_LANGUAGE="da")
    assert danish.context["form"].errors == {
        "value_date": [
            "Angiv partnerskabets startdato, 1. januar 2018, eller en senere dato: "
            "1. juni 2017 ligger før partnerskabets start."
        ]
    }
    assert not Disbursement.objects.exists()


def test_a_payment_dated_before_the_partnership_began_is_a_400_at_the_value_date_in_the_api(
    core_2018, desk, api_login
):
    body = {"budget_line": core_2018.pk, "kind": "payment", "amount": "1000.00",
            "currency": "DKK", "reference": "UM-API", "value_date": "2017-06-01"}  # fmt: skip
    refused = api_login(desk).post("/api/v1/disbursements/", body, format="json")
    assert (refused.status_code, refused.json()) == (400, {"value_date": [BEFORE_START]})
    assert not Disbursement.objects.exists()
    with pytest.raises(ValidationError) as error:
        Disbursement(budget_line=core_2018, value_date=dt.date(2017, 6, 1)).clean()
    assert error.value.message_dict == {"value_date": [BEFORE_START]}


def test_a_payment_after_the_partnership_ended_is_allowed(core_2018, desk):
    late = _pay(core_2018, desk, "1000", value_date=dt.date(2021, 2, 1), reference="UM-late")
    assert late.value_date > core_2018.partnership.end_date


def test_a_payment_after_its_budget_year_is_allowed(core_2018, desk):
    payment = _pay(core_2018, desk, "1000", value_date=dt.date(2019, 3, 1))
    assert payment.value_date.year == 2019
    with pytest.raises(ValidationError) as error:
        _pay(core_2018, desk, "1000", value_date=dt.date(2030, 3, 1), reference="UM-2030")
    assert error.value.message_dict == {"value_date": [_still_to_come(dt.date(2030, 3, 1))]}
    assert Disbursement.objects.count() == 1


def test_a_missing_or_old_rate_is_said_in_danish_on_the_danish_page(core_2018, desk, login):
    ExchangeRateFactory(partnership=core_2018.partnership, date=dt.date(2018, 1, 2), rate="6")
    client = login(desk)
    data = {"kind": "payment", "value_date": "2018-03-01", "amount": "1000",
            "currency": "CHF", "reference": "UM-CHF"}  # fmt: skip
    url = core_2018.get_absolute_url()
    missing = client.post(url, data, HTTP_ACCEPT_LANGUAGE="da")
    assert missing.status_code == 400
    assert missing.context["form"].errors["currency"] == [
        "Der er ikke registreret nogen kurs fra CHF til DKK på eller før 1. marts 2018. "
        "Indtast eller importér kursen først."
    ]
    old = client.post(url, {**data, "currency": "USD"}, HTTP_ACCEPT_LANGUAGE="da")
    (warning,) = old.context["form"].errors["accept_stale_rate"]
    assert warning.startswith(
        "Den seneste USD-kurs på eller før 1. marts 2018 er dateret 2. januar 2018, 58 dage "
    )
    assert not Disbursement.objects.exists()
