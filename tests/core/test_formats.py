"""Numbers, amounts and dates in the person's language, and decimal inputs that read what
the language writes and refuse what the other language reads otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.template import Context
from django.template import Template
from django.utils import translation

from consultations.models import ActionPoint
from core import formatting
from core.forms import LocalDecimalField
from core.views import saved_message
from reviews.models import Dossier
from reviews.models import ReportVersion


@pytest.mark.parametrize(
    ("language", "whole", "cents", "refund", "money"),
    [
        ("en-gb", "25,000,000", "12,345.67", "−1,500.50", "DKK 25,000,000"),
        ("da", "25.000.000", "12.345,67", "−1.500,50", "DKK 25.000.000"),
    ],
)
def test_amounts_follow_the_language(language, whole, cents, refund, money):
    with translation.override(language):
        assert formatting.amount(Decimal("25000000")) == whole
        assert formatting.amount(Decimal("12345.67")) == cents
        assert formatting.amount(Decimal("-1500.5")) == refund
        assert formatting.money(Decimal("25000000.00"), "DKK") == money
        assert formatting.amount(Decimal("25000000"), 2) == (
            "25,000,000.00" if language == "en-gb" else "25.000.000,00"
        )
        # The templates' filters are the same functions.
        page = Template("{% load core_tags %}{{ v|money:'DKK' }}").render(
            Context({"v": Decimal("25000000")})
        )
        assert page == money


def test_dates_follow_the_language():
    day = dt.date(2019, 5, 15)
    template = Template('{{ day|date }}|{{ day|date:"SHORT_DATE_FORMAT" }}')
    with translation.override("da"):
        assert template.render(Context({"day": day})) == "15. maj 2019|15. maj 2019"
    with translation.override("en-gb"):
        assert template.render(Context({"day": day})) == "15 May 2019|15 May 2019"


class AmountForm(forms.Form):
    amount = LocalDecimalField(max_digits=16, decimal_places=2)


def read(language: str, text: str) -> Decimal | list[str]:
    with translation.override(language):
        form = AmountForm({"amount": text})
        return form.cleaned_data["amount"] if form.is_valid() else form.errors["amount"]


@pytest.mark.parametrize(
    ("language", "text", "value"),
    [
        ("da", "1.500.000,50", Decimal("1500000.50")),
        ("da", "1500000,50", Decimal("1500000.50")),
        ("da", "1.500.000", Decimal("1500000")),
        ("da", "1 500 000", Decimal("1500000")),
        ("da", "-2.000,5", Decimal("-2000.5")),
        ("da", "1500", Decimal("1500")),
        ("en-gb", "1,500,000.50", Decimal("1500000.50")),
        ("en-gb", "1500000.50", Decimal("1500000.50")),
        ("en-gb", "1,500.00", Decimal("1500")),
        ("en-gb", "0.5", Decimal("0.5")),
    ],
)
def test_a_decimal_input_reads_what_the_language_writes(language, text, value):
    assert read(language, text) == value


def test_what_both_languages_read_otherwise_is_refused_at_the_field():
    [english] = read("en-gb", "1,500")
    assert "can be read two ways" in english
    assert "Write 1500" in english
    assert "1,500.00" in english
    with translation.override("da"):
        [danish] = read("da", "1.500")
        assert "kan læses på to måder" in danish
        assert "1500" in danish
        assert "1.500,00" in danish


def test_the_other_language_s_decimal_sign_is_refused_with_the_way_to_write_it():
    [message] = read("da", "1.5")
    assert "“,”" in message
    assert "1,5" in message
    [message] = read("en-gb", "1,25")
    assert "“.”" in message
    assert "1.25" in message
    with translation.override("da"):
        [message] = read("da", "12.50.000")
        assert "grupper af tre" in message


def test_a_decimal_input_shows_its_value_as_the_language_writes_it_without_grouping():
    with translation.override("da"):
        html = str(AmountForm(initial={"amount": Decimal("1500000.50")})["amount"])
    assert 'value="1500000,50"' in html
    assert 'inputmode="decimal"' in html


def test_a_finished_report_a_built_dossier_and_a_done_action_point_each_have_their_word():
    """One English "Done", three Danish words: each status is translated in its context."""
    with translation.override("da"):
        assert ReportVersion(status="done").get_status_display() == "Færdig"
        assert Dossier(status="done").get_status_display() == "Færdig"
        assert ActionPoint(status="done").get_status_display() == "Udført"
    with translation.override("en-gb"):
        assert ActionPoint(status="done").get_status_display() == "Done"


def test_an_edit_page_says_saved_or_nothing_changed_in_the_readers_language():
    with translation.override("da"):
        assert (saved_message({"title": "x"}), saved_message({})) == ("Gemt.", "Intet blev ændret.")
