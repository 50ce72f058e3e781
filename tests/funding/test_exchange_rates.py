"""Exchange rates: entered or imported from CSV, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from funding import services
from funding.models import BudgetLine
from funding.models import Component
from funding.models import ExchangeRate

GOOD = (
    "currency,date,rate,source\n"
    "USD,2018-06-01,6.25,Test figures (not a published rate)\n"
    "CHF,2018-06-01,6.40,Test figures (not a published rate)\n"
)


def test_import_is_idempotent(iom):
    assert services.exchange_rates_import_csv(partnership=iom, content=GOOD.encode()) == (2, 0)
    assert services.exchange_rates_import_csv(partnership=iom, content=GOOD.encode()) == (0, 2)
    assert ExchangeRate.objects.count() == 2
    rate = ExchangeRate.objects.get(currency="USD")
    assert (rate.date, rate.rate) == (dt.date(2018, 6, 1), Decimal("6.25"))


def test_a_bad_row_refuses_the_file_with_row_and_column(iom):
    text = GOOD + "EUR,2018-06-01,7.4,x\nUSD,01/06/2018,6.2,x\nCHF,2018-07-01,-1,x\n"
    with pytest.raises(ValidationError) as error:
        services.exchange_rates_import_csv(partnership=iom, content=text.encode())
    assert error.value.message_dict["file"] == [
        "Row 4, currency: 'EUR' is not USD or CHF.",
        "Row 5, date: '01/06/2018' is not a date (YYYY-MM-DD).",
        "Row 6, rate: must be more than zero.",
    ]
    assert not ExchangeRate.objects.exists()


def test_a_rate_that_contradicts_a_stored_one_is_refused(iom):
    services.exchange_rates_import_csv(partnership=iom, content=GOOD.encode())
    with pytest.raises(ValidationError) as error:
        services.exchange_rates_import_csv(
            partnership=iom,
            content=b"currency,date,rate,source\nUSD,2018-06-02,6.3,x\nUSD,2018-06-01,6.26,x\n",
        )
    assert "already recorded as 6.250000" in error.value.message_dict["file"][0]
    assert ExchangeRate.objects.count() == 2


def test_a_rate_of_zero_is_refused_at_the_field_on_the_page_and_in_the_api(
    iom, desk, login, api_login
):
    page = login(desk).post(
        f"/p/{iom.slug}/funding/exchange-rates/",
        {"currency": "USD", "date": "2018-06-01", "rate": "0", "source": "Test"},
    )
    assert page.status_code == 400
    assert page.context["form"].errors == {"rate": ["Give a rate of more than zero."]}
    assert "is violated" not in page.content.decode()
    api = api_login(desk).post(
        "/api/v1/exchange-rates/",
        {"partnership": iom.slug, "currency": "USD", "date": "2018-06-01", "rate": "0",
         "source": "Test"},
        format="json",
    )  # fmt: skip
    assert (api.status_code, api.json()) == (400, {"rate": ["Give a rate of more than zero."]})
    assert not ExchangeRate.objects.exists()


def test_a_rate_corrected_to_zero_is_refused_at_the_field(iom, desk, login, api_login):
    rate = services.exchange_rate_create(
        partnership=iom, currency="USD", date=dt.date(2018, 6, 1), rate=Decimal("6.25"), source="T"
    )
    page = login(desk).post(
        f"/p/{iom.slug}/funding/exchange-rates/{rate.pk}/edit/",
        {"currency": "USD", "date": "2018-06-01", "rate": "0", "source": "T", "reason": "Typo"},
    )
    assert page.status_code == 400
    assert page.context["form"].errors == {"rate": ["Give a rate of more than zero."]}
    api = api_login(desk).patch(
        f"/api/v1/exchange-rates/{rate.pk}/", {"rate": "0", "reason": "Typo"}, format="json"
    )
    assert (api.status_code, api.json()) == (400, {"rate": ["Give a rate of more than zero."]})
    rate.refresh_from_db()
    assert rate.rate == Decimal("6.25")


def test_rate_pages_enter_and_import(iom, desk, login):
    client = login(desk)
    url = f"/p/{iom.slug}/funding/exchange-rates/"
    response = client.post(
        url, {"currency": "USD", "date": "2018-06-01", "rate": "6.25", "source": "Test"}
    )
    assert response.status_code == 302
    again = client.post(
        url, {"currency": "USD", "date": "2018-06-01", "rate": "6.3", "source": "Test"}
    )
    assert again.status_code == 400
    upload = SimpleUploadedFile("rates.csv", GOOD.encode())
    response = client.post(f"{url}import/", {"file": upload})
    assert response.status_code == 302
    assert ExchangeRate.objects.count() == 2


# --- Corrections and withdrawals ------------------------------------------------------------


@pytest.fixture
def rate(funded, desk):
    return services.exchange_rate_create(
        partnership=funded, currency="USD", date=dt.date(2018, 5, 31), rate=Decimal("6.25"),
        source="Danmarks Nationalbank", by=desk,
    )  # fmt: skip


def _pay_usd(funded, desk, amount="1000"):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    return services.disbursement_create(
        budget_line=line, by=desk, value_date=dt.date(2018, 6, 1),
        amount=Decimal(amount), currency="USD", reference="UM-USD-1",
    )  # fmt: skip


def _update(exchange_rate, /, **changes):
    rate = exchange_rate
    values = {"currency": rate.currency, "date": rate.date, "rate": rate.rate,
              "source": rate.source, "reason": "Typo", **changes}  # fmt: skip
    return services.exchange_rate_update(exchange_rate=rate, **values)


def test_a_rate_no_payment_used_is_corrected_and_withdrawn_with_the_reason(rate):
    corrected = _update(rate, rate=Decimal("6.35"), reason="Nationalbank's figure is 6.35")
    assert corrected.rate == Decimal("6.35")
    assert corrected.history.first().history_change_reason == "Nationalbank's figure is 6.35"
    with pytest.raises(ValidationError) as error:
        services.exchange_rate_withdraw(exchange_rate=rate, reason="")
    assert "reason" in error.value.message_dict
    services.exchange_rate_withdraw(exchange_rate=rate, reason="Entered for the wrong day")
    assert not ExchangeRate.objects.exists()
    gone = ExchangeRate.history.filter(id=rate.pk).first()
    assert (gone.history_type, gone.history_change_reason) == ("-", "Entered for the wrong day")


def test_a_rate_a_payment_used_keeps_its_figure_and_cannot_be_withdrawn(funded, desk, rate):
    _pay_usd(funded, desk)
    with pytest.raises(ValidationError) as error:
        _update(rate, rate=Decimal("6.35"))
    assert error.value.message_dict["rate"] == [
        "1 payment was converted with this rate (UM-USD-1): its currency, date and figure "
        "stay. A payment is corrected by a refund; enter a new rate for the payments to come."
    ]
    with pytest.raises(ValidationError) as error:
        services.exchange_rate_withdraw(exchange_rate=rate, reason="Wrong")
    assert error.value.messages == [
        "1 payment was converted with this rate (UM-USD-1): it cannot be withdrawn. A payment "
        "is corrected by a refund; enter a new rate for the payments to come."
    ]
    rate.refresh_from_db()
    assert rate.rate == Decimal("6.25")
    assert _update(rate, source="Danmarks Nationalbank, 31 May 2018").source.endswith("2018")


def test_a_rate_in_use_is_explained_in_the_readers_language(funded, desk, rate):
    _pay_usd(funded, desk)
    with translation.override("da"), pytest.raises(ValidationError) as error:
        services.exchange_rate_withdraw(exchange_rate=rate, reason="Forkert")
    assert error.value.messages == [
        "1 udbetaling er omregnet med denne kurs (UM-USD-1): den kan ikke trækkes tilbage. "
        "En udbetaling rettes med en tilbagebetaling; indtast en ny kurs til de kommende "
        "udbetalinger."
    ]
    with translation.override("da"), pytest.raises(ValidationError) as error:
        _update(rate, rate=Decimal("6.35"))
    assert error.value.message_dict["rate"][0].startswith(
        "1 udbetaling er omregnet med denne kurs (UM-USD-1): valuta, dato og kurs bevares."
    )


def test_rate_pages_correct_and_withdraw(funded, desk, rate, login):
    client = login(desk)
    base = f"/p/{funded.slug}/funding/exchange-rates/"
    listing = client.get(base).content.decode()
    assert f"{base}{rate.pk}/edit/" in listing
    assert f"{base}{rate.pk}/withdraw/" in listing
    data = {"currency": "USD", "date": "2018-05-31", "rate": "6.35", "source": "DN"}
    assert client.post(f"{base}{rate.pk}/edit/", data).status_code == 400  # no reason
    assert client.post(f"{base}{rate.pk}/edit/", {**data, "reason": "Typo"}).status_code == 302
    _pay_usd(funded, desk)
    listing = client.get(base).content.decode()
    assert f"{base}{rate.pk}/withdraw/" not in listing  # used: no withdraw offered
    form = client.get(f"{base}{rate.pk}/edit/").content.decode()
    assert "1 payment was converted with this rate: its currency, date and figure stay" in form
    assert form.count(" disabled") == 3
    # A figure posted anyway is not taken; the source is.
    corrected = client.post(
        f"{base}{rate.pk}/edit/", {**data, "rate": "9.99", "source": "DN, 31 May", "reason": "Src"}
    )
    assert corrected.status_code == 302
    rate.refresh_from_db()
    assert (rate.rate, rate.source) == (Decimal("6.35"), "DN, 31 May")
    refused = client.post(f"{base}{rate.pk}/withdraw/", {"reason": "Wrong"})
    assert refused.status_code == 400
    assert "it cannot be withdrawn" in refused.content.decode()
    assert ExchangeRate.objects.filter(pk=rate.pk).exists()


def test_rates_are_corrected_and_withdrawn_through_the_api(funded, desk, rate, api_login):
    client = api_login(desk)
    url = f"/api/v1/exchange-rates/{rate.pk}/"
    assert client.patch(url, {"rate": "6.3"}, format="json").json() == {
        "reason": ["Give a reason: it is kept with the change history."]
    }
    assert client.patch(url, {"rate": "6.3", "reason": "Typo"}, format="json").status_code == 200
    _pay_usd(funded, desk)
    assert client.get(url).json()["payments"] == 1
    refused = client.patch(url, {"rate": "6.4", "reason": "Typo"}, format="json")
    assert refused.status_code == 400
    assert "its currency, date and figure stay" in refused.json()["rate"][0]
    withdraw = client.post(f"{url}withdraw/", {"reason": "Wrong"}, format="json")
    assert withdraw.status_code == 400
    assert "it cannot be withdrawn" in withdraw.json()["non_field_errors"][0]


def test_a_bad_row_is_said_in_the_readers_language(iom):
    text = GOOD + "EUR,2018-06-01,7.4,x\n"
    with translation.override("da"), pytest.raises(ValidationError) as error:
        services.exchange_rates_import_csv(partnership=iom, content=text.encode())
    assert error.value.message_dict["file"] == ["Række 4, currency: 'EUR' er ikke USD eller CHF."]


def test_a_second_rate_for_a_currency_and_day_is_refused_at_the_date(iom, desk, login, api_login):
    rate = services.exchange_rate_create(
        partnership=iom, currency="USD", date=dt.date(2018, 3, 1), rate=Decimal("6.25"), source="T"
    )
    other = services.exchange_rate_create(
        partnership=iom, currency="USD", date=dt.date(2018, 3, 2), rate=Decimal("6.3"), source="T"
    )
    url = f"/p/{iom.slug}/funding/exchange-rates/"
    message = (
        f"A USD rate of 1 March 2018 is already recorded: correct it instead "
        f"({url}{rate.pk}/edit/)."
    )
    data = {"currency": "USD", "date": "2018-03-01", "rate": "6.3", "source": "T"}
    page = login(desk).post(url, data)
    assert page.status_code == 400
    assert page.context["form"].errors == {"date": [message]}
    danish = login(desk).post(url, {**data, "rate": "6,3"}, HTTP_ACCEPT_LANGUAGE="da")
    assert danish.context["form"].errors == {
        "date": [
            "Der er allerede registreret en USD-kurs pr. 1. marts 2018: ret den i stedet "
            f"({url}{rate.pk}/edit/)."
        ]
    }
    client = api_login(desk)
    api = client.post("/api/v1/exchange-rates/", {**data, "partnership": iom.slug}, format="json")
    assert (api.status_code, api.json()) == (400, {"date": [message]})
    moved = client.patch(
        f"/api/v1/exchange-rates/{other.pk}/",
        {"date": "2018-03-01", "reason": "Typo"},
        format="json",
    )
    assert (moved.status_code, moved.json()) == (400, {"date": [message]})
    edit = login(desk).post(f"{url}{other.pk}/edit/", {**data, "reason": "Typo"})
    assert edit.context["form"].errors == {"date": [message]}
    assert ExchangeRate.objects.filter(date=dt.date(2018, 3, 1)).count() == 1
