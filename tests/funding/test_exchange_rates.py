"""Exchange rates: entered or imported from CSV, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from funding import services
from funding.models import ExchangeRate

GOOD = (
    "currency,date,rate,source\n"
    "USD,2018-06-01,6.25,Test figures (not a published rate)\n"
    "CHF,2018-06-01,6.40,Test figures (not a published rate)\n"
)


def test_import_is_idempotent(iom):
    assert services.exchange_rates_import_csv(partnership=iom, text=GOOD) == (2, 0)
    assert services.exchange_rates_import_csv(partnership=iom, text=GOOD) == (0, 2)
    assert ExchangeRate.objects.count() == 2
    rate = ExchangeRate.objects.get(currency="USD")
    assert (rate.date, rate.rate) == (dt.date(2018, 6, 1), Decimal("6.25"))


def test_a_bad_row_refuses_the_file_with_row_and_column(iom):
    text = GOOD + "EUR,2018-06-01,7.4,x\nUSD,01/06/2018,6.2,x\nCHF,2018-07-01,-1,x\n"
    with pytest.raises(ValidationError) as error:
        services.exchange_rates_import_csv(partnership=iom, text=text)
    assert error.value.message_dict["file"] == [
        "Row 4, currency: 'EUR' is not USD or CHF.",
        "Row 5, date: '01/06/2018' is not a date (YYYY-MM-DD).",
        "Row 6, rate: must be more than zero.",
    ]
    assert not ExchangeRate.objects.exists()


def test_a_rate_that_contradicts_a_stored_one_is_refused(iom):
    services.exchange_rates_import_csv(partnership=iom, text=GOOD)
    with pytest.raises(ValidationError) as error:
        services.exchange_rates_import_csv(
            partnership=iom,
            text="currency,date,rate,source\nUSD,2018-06-02,6.3,x\nUSD,2018-06-01,6.26,x\n",
        )
    assert "already recorded as 6.250000" in error.value.message_dict["file"][0]
    assert ExchangeRate.objects.count() == 2


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
