from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join

from core import tabular
from core.forms import ConfirmForm, DateInput, ReasonMixin
from core.models import PARAGRAPH
from partnership.assignees import AssigneeChoiceField
from partnership.models import Currency, Partnership

from . import annex, dac
from .models import (
    EARMARKED_COMPONENTS,
    FOREIGN_CURRENCIES,
    AssessedContribution,
    BudgetLine,
    Component,
    Disbursement,
    StaffPosition,
)
from .services import ASSESSED_FIELDS, RATE_IMPORT_LIMITS

MONEY = {"max_digits": 16, "decimal_places": 2}


class BudgetYearCommitForm(ConfirmForm):
    finance_act_reference = forms.CharField(
        label="Finance Act reference",
        max_length=200,
        help_text="The Finance Act under which Parliament approved the year's money, e.g. "
        "“Finance Act for 2019”.",
    )
    field_order = ["finance_act_reference", "reason"]


class BudgetLineAssignForm(ReasonMixin):
    assignee = AssigneeChoiceField(
        help_text="The desk officer who sees the line through commitment and payment, and is "
        "reminded of it while it waits."
    )
    field_order = ["assignee", "reason"]

    def __init__(self, *args, members: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].set_members(members)


class DisbursementForm(forms.Form):
    kind = forms.ChoiceField(choices=Disbursement.Kind.choices, initial=Disbursement.Kind.PAYMENT)
    value_date = forms.DateField(label="Value date", widget=DateInput)
    amount = forms.DecimalField(min_value=0, **MONEY)
    currency = forms.ChoiceField(choices=Currency.choices, initial=Currency.DKK)
    debited_dkk = forms.DecimalField(
        label="DKK debited (USD or CHF payments, optional)",
        required=False,
        min_value=0,
        help_text="What the ministry's accounts show was debited. The DKK equivalent at the "
        "recorded rate is kept beside it, with the difference.",
        **MONEY,
    )
    reference = forms.CharField(max_length=120, help_text="The payment's reference or voucher.")
    # Shown beside the rate it confirms (funding/partials/rate_check.html), not among the
    # fields: only a rate older than EXCHANGE_RATE_MAX_AGE_DAYS asks for it.
    accept_stale_rate = forms.BooleanField(required=False, label="Use this rate")

    SHOWN_APART = ("accept_stale_rate",)


class ExchangeRateForm(forms.Form):
    currency = forms.ChoiceField(choices=FOREIGN_CURRENCIES)
    date = forms.DateField(widget=DateInput)
    rate = forms.DecimalField(label="DKK per unit", max_digits=14, decimal_places=6, min_value=0)
    source = forms.CharField(max_length=200, help_text="Who published the rate.")


class ExchangeRateEditForm(ExchangeRateForm, ConfirmForm):
    def __init__(self, *args: Any, payments: int, **kwargs: Any):
        """``payments``: how many were converted with the rate. Their DKK equivalents rest
        on its figure: then only its source may be corrected."""
        super().__init__(*args, **kwargs)
        if payments:
            for name in ("currency", "date", "rate"):
                self.fields[name].disabled = True
            self.fields["rate"].help_text = (
                f"{payments} payment{'s' if payments != 1 else ''} "
                f"{'were' if payments != 1 else 'was'} converted with this rate: its currency, "
                "date and figure stay; only its source can be corrected."
            )


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with the columns currency, date, rate, source; at most "
        f"{RATE_IMPORT_LIMITS.max_rows - 1:,} rates and 1 MB."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if problem := tabular.size_problem(upload.size, RATE_IMPORT_LIMITS):  # before it is read
            raise forms.ValidationError(problem)
        return upload


class ContributionImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV or XLSX in the layout of Annex IV (the shipped transcription is an "
        f"example), at most {annex.MAX_ROWS - 1:,} rows and 5 MB."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if problem := tabular.size_problem(upload.size, annex.LIMITS):  # before it is read
            raise forms.ValidationError(problem)
        return upload


class AssessedContributionForm(forms.Form):
    scale_percent = forms.DecimalField(
        label="Assessment scale (%)", max_digits=7, decimal_places=4, min_value=0, max_value=100
    )
    administrative_budget = forms.DecimalField(
        label="Administrative budget",
        required=False,
        min_value=0,
        help_text="The Administrative Part of the Budget, in the currency below; empty while "
        "it is not known.",
        **MONEY,
    )
    invoiced = forms.DecimalField(required=False, min_value=0, **MONEY)
    paid = forms.DecimalField(required=False, min_value=0, **MONEY)
    paying_ministry = forms.CharField(max_length=200)
    reason = forms.CharField(label="Reason for the change", max_length=100, required=False)


class AssessedContributionCreateForm(AssessedContributionForm):
    year = forms.IntegerField(min_value=1945, max_value=2100)
    currency = forms.ChoiceField(choices=Currency.choices, initial=Currency.CHF)
    field_order = [
        "year", "scale_percent", "administrative_budget", "currency", "invoiced", "paid",
        "paying_ministry", "reason",
    ]  # fmt: skip


class CountryInput(forms.TextInput):
    """A text box with the countries as suggestions (a ``<datalist>``): typing part of a
    name or code offers the matches, by keyboard, without JavaScript. Each suggestion is
    "Name (CODE)" with its income group."""

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.options: list[dac.Option] = []

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-countries"
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((o.label, o.note) for o in self.options)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)

    def format_value(self, value):
        """A stored code shows as the picker writes it ("Niger (NE)")."""
        if isinstance(value, str) and len(value) == 2 and dac.country_name(value):
            return dac.option_label(value.upper())
        return super().format_value(value)


class CountryField(forms.CharField):
    """A country by name or ISO 3166 alpha-2 code; cleans to the code."""

    widget = CountryInput

    def __init__(self, **kwargs: Any):
        super().__init__(max_length=120, **kwargs)

    def set_years(self, years: Iterable[int]) -> None:
        self.widget.options = dac.picker_options(years)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        code = dac.lookup(text)
        if code is None:
            raise forms.ValidationError(
                f"“{text}” is not a country name or ISO 3166 code we know: choose one of the "
                "suggestions, e.g. Niger (NE).",
                code="unknown_country",
            )
        return code


class AllocationForm(forms.Form):
    budget_line = forms.ModelChoiceField(queryset=BudgetLine.objects.none(), label="Budget line")
    country = CountryField(
        label="Country",
        help_text=f"Type part of its name or its code and choose it: the {dac.LIST_SHORT_NAME}, "
        "with each country's income group.",
    )
    amount = forms.DecimalField(label="Amount (DKK)", min_value=0, **MONEY)
    description = forms.CharField(
        label="Purpose", max_length=PARAGRAPH, widget=forms.Textarea(attrs={"rows": 3})
    )
    reported_in = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        lines = BudgetLine.objects.filter(
            partnership=partnership, component__in=EARMARKED_COMPONENTS
        ).order_by("year", "component")
        self.fields["budget_line"].queryset = lines
        self.fields["budget_line"].label_from_instance = lambda line: line.label
        # Suggestions: the countries on the list in force for the years of these lines.
        self.fields["country"].set_years(set(lines.values_list("year", flat=True)))


class AllocationEditForm(AllocationForm, ConfirmForm):
    pass


class StaffPositionForm(forms.Form):
    kind = forms.ChoiceField(choices=StaffPosition.Kind.choices)
    name = forms.CharField(max_length=200, required=False)
    position = forms.CharField(max_length=200)
    grade = forms.CharField(max_length=20, required=False)
    duty_station = forms.CharField(max_length=120)
    start_date = forms.DateField(widget=DateInput)
    end_date = forms.DateField(widget=DateInput, required=False)
    budget_line = forms.ModelChoiceField(
        queryset=BudgetLine.objects.none(),
        required=False,
        help_text="Secondments only: the secondments line that pays for it.",
    )
    cost = forms.DecimalField(
        label="Cost (DKK)", required=False, min_value=0, help_text="Secondments only.", **MONEY
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = BudgetLine.objects.filter(
            partnership=partnership, component=Component.SECONDMENTS
        ).order_by("year")
        self.fields["budget_line"].label_from_instance = lambda line: line.label


class StaffPositionEditForm(StaffPositionForm, ConfirmForm):
    pass


def assessed_contribution_initial(contribution: AssessedContribution) -> dict[str, Any]:
    return {name: getattr(contribution, name) for name in ASSESSED_FIELDS}
