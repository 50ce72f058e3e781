"""A date picker shows the stored date: its value is ISO 8601, which a browser's date field
takes, so saving a form unchanged keeps the date (the site's 31/01/2020 was dropped)."""

from __future__ import annotations

import datetime as dt

from django import forms

from core.forms import DateInput


class _Form(forms.Form):
    due_date = forms.DateField(required=False, widget=DateInput)


def test_a_date_is_written_as_iso_8601_for_the_browsers_date_field():
    html = str(_Form(initial={"due_date": dt.date(2020, 1, 31)})["due_date"])
    assert 'type="date"' in html
    assert 'value="2020-01-31"' in html


def test_what_the_date_field_sends_back_is_read():
    form = _Form({"due_date": "2020-01-31"})
    assert form.is_valid()
    assert form.cleaned_data["due_date"] == dt.date(2020, 1, 31)
