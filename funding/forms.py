from __future__ import annotations

from django import forms

from partnership.forms import DateInput
from partnership.models import Currency, Partnership

from . import dac
from .models import EARMARKED_COMPONENTS, BudgetLine, Component, Disbursement, StaffPosition

MONEY = {"max_digits": 16, "decimal_places": 2}


class BudgetLineCommitForm(forms.Form):
    finance_act_reference = forms.CharField(
        label="Finance Act reference",
        max_length=200,
        help_text="The Finance Act under which Parliament approved the money, e.g. "
        "“Finance Act for 2019”.",
    )
    note = forms.CharField(max_length=300, required=False)


class BudgetLineCloseForm(forms.Form):
    note = forms.CharField(max_length=300, required=False, help_text="Why the line is closed.")


class DisbursementForm(forms.Form):
    kind = forms.ChoiceField(choices=Disbursement.Kind.choices, initial=Disbursement.Kind.PAYMENT)
    value_date = forms.DateField(label="Value date", widget=DateInput)
    amount = forms.DecimalField(min_value=0, **MONEY)
    currency = forms.ChoiceField(choices=Currency.choices, initial=Currency.DKK)
    reference = forms.CharField(max_length=120, help_text="The payment's reference or voucher.")


class ExchangeRateForm(forms.Form):
    currency = forms.ChoiceField(choices=[c for c in Currency.choices if c[0] != Currency.DKK])
    date = forms.DateField(widget=DateInput)
    rate = forms.DecimalField(label="DKK per unit", max_digits=14, decimal_places=6, min_value=0)
    source = forms.CharField(max_length=200, help_text="Who published the rate.")


class CsvUploadForm(forms.Form):
    file = forms.FileField(help_text="CSV with the columns currency, date, rate, source.")


class ContributionImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV or XLSX in the layout of Annex IV (the shipped transcription is an "
        "example), at most 5 MB."
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        return upload


class AssessedContributionForm(forms.Form):
    invoiced = forms.DecimalField(required=False, min_value=0, **MONEY)
    paid = forms.DecimalField(required=False, min_value=0, **MONEY)
    reason = forms.CharField(label="Reason for the change", max_length=100, required=False)


class AllocationForm(forms.Form):
    budget_line = forms.ModelChoiceField(queryset=BudgetLine.objects.none(), label="Budget line")
    country = forms.CharField(
        label="Country (ISO 3166 alpha-2)",
        min_length=2,
        max_length=2,
        help_text=f"A country on the {dac.LIST_SHORT_NAME} for the line's year, e.g. ET.",
    )
    amount = forms.DecimalField(label="Amount (DKK)", min_value=0, **MONEY)
    description = forms.CharField(label="Purpose", widget=forms.Textarea(attrs={"rows": 3}))
    reported_in = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = BudgetLine.objects.filter(
            partnership=partnership, component__in=EARMARKED_COMPONENTS
        ).order_by("year", "component")
        self.fields["budget_line"].label_from_instance = lambda line: line.label


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
