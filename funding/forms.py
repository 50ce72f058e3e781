from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import formatting
from core import tabular
from core.forms import ConfirmForm
from core.forms import DateInput
from core.forms import LocalDecimalField
from core.forms import ReasonMixin
from core.forms import model_form_field
from core.i18n import lazy_format
from core.models import PARAGRAPH
from partnership.assignees import AssigneeChoiceField
from partnership.models import Currency
from partnership.models import Partnership

from . import annex
from . import dac
from .models import EARMARKED_COMPONENTS
from .models import FOREIGN_CURRENCIES
from .models import AssessedContribution
from .models import BudgetLine
from .models import Component
from .models import Disbursement
from .models import ExchangeRate
from .models import StaffPosition
from .services import ASSESSED_FIELDS
from .services import RATE_IMPORT_LIMITS

MONEY = {"max_digits": 16, "decimal_places": 2}


def _amount(label: str, *, required: bool = True, help_text: str = "") -> LocalDecimalField:
    """An amount of money as the funding forms take it: never negative, to two decimals."""
    return LocalDecimalField(
        label=label, required=required, min_value=0, help_text=help_text, **MONEY
    )


class BudgetYearCommitForm(ConfirmForm):
    finance_act_reference = forms.CharField(
        label=_("Finance Act reference"),
        max_length=200,
        help_text=_(
            "The Finance Act under which Parliament approved the year's money, e.g. "
            "“Finance Act for 2019”."
        ),
    )
    field_order = ["finance_act_reference", "reason"]


class BudgetLineAssignForm(ReasonMixin):
    assignee = AssigneeChoiceField(
        help_text=_(
            "The desk officer who sees the line through commitment and payment, and is "
            "reminded of it while it waits."
        ),
    )
    field_order = ["assignee", "reason"]

    def __init__(self, *args, members: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].set_members(members)


class DisbursementForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Disbursement.Kind.choices, initial=Disbursement.Kind.PAYMENT, label=_("Kind")
    )
    value_date = model_form_field(Disbursement, "value_date", widget=DateInput)
    amount = _amount(_("Amount"))
    currency = forms.ChoiceField(
        choices=Currency.choices, initial=Currency.DKK, label=_("Currency")
    )
    debited_dkk = _amount(
        _("DKK debited (USD or CHF payments, optional)"),
        required=False,
        help_text=_(
            "What the ministry's accounts show was debited. The DKK equivalent at the "
            "recorded rate is kept beside it, with the difference."
        ),
    )
    reference = model_form_field(
        Disbursement, "reference", help_text=_("The payment's reference or voucher.")
    )
    # Shown beside the rate it confirms (funding/partials/rate_check.html), not among the
    # fields: only a rate older than EXCHANGE_RATE_MAX_AGE_DAYS asks for it.
    accept_stale_rate = forms.BooleanField(required=False, label=_("Use this rate"))

    SHOWN_APART = ("accept_stale_rate",)


class ExchangeRateForm(forms.Form):
    currency = forms.ChoiceField(choices=FOREIGN_CURRENCIES, label=_("Currency"))
    date = model_form_field(ExchangeRate, "date", widget=DateInput)
    rate = model_form_field(ExchangeRate, "rate", form_class=LocalDecimalField, min_value=0)
    source = model_form_field(ExchangeRate, "source", help_text=_("Who published the rate."))


class ExchangeRateEditForm(ExchangeRateForm, ConfirmForm):
    def __init__(self, *args: Any, payments: int, **kwargs: Any):
        """``payments``: how many were converted with the rate. Their DKK equivalents rest
        on its figure: then only its source may be corrected."""
        super().__init__(*args, **kwargs)
        if payments:
            for name in ("currency", "date", "rate"):
                self.fields[name].disabled = True
            self.fields["rate"].help_text = ngettext(
                "%(count)s payment was converted with this rate: its currency, date and "
                "figure stay; only its source can be corrected.",
                "%(count)s payments were converted with this rate: its currency, date and "
                "figure stay; only its source can be corrected.",
                payments,
            ) % {"count": payments}


def _table_file(help_text: str, limits: tabular.Limits) -> forms.FileField:
    """A table import's file, whose ``help_text`` says how many rows it may hold at the
    most (``%(value)s``: the limit's rows but the header, in the reader's format)."""
    return forms.FileField(
        help_text=lazy_format(help_text, value=lambda: formatting.amount(limits.max_rows - 1, 0)),
        label=_("File"),
    )


class _TableUploadForm(forms.Form):
    """A file of rows to import (its ``file``), refused before it is read when larger than
    the import's ``limits`` allow."""

    limits: tabular.Limits

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if problem := tabular.size_problem(upload.size, self.limits):  # before it is read
            raise forms.ValidationError(problem)
        return upload


class CsvUploadForm(_TableUploadForm):
    limits = RATE_IMPORT_LIMITS
    file = _table_file(
        _("CSV with the columns currency, date, rate, source; at most %(value)s rates and 1 MB."),
        limits,
    )

    def service_data(self) -> dict[str, Any]:
        """The file's content for ``services.exchange_rates_import_csv``."""
        return {"content": self.cleaned_data["file"].read()}


class ContributionImportForm(_TableUploadForm):
    limits = annex.LIMITS
    file = _table_file(
        _(
            "CSV or XLSX in the layout of Annex IV (the shipped transcription is an "
            "example), at most %(value)s rows and 5 MB."
        ),
        limits,
    )


class AssessedContributionForm(forms.Form):
    scale_percent = model_form_field(
        AssessedContribution,
        "scale_percent",
        form_class=LocalDecimalField,
        min_value=0,
        max_value=100,
    )
    administrative_budget = _amount(
        _("Administrative budget"),
        required=False,
        help_text=_(
            "The Administrative Part of the Budget, in the currency below; empty while "
            "it is not known."
        ),
    )
    invoiced = _amount(_("Invoiced"), required=False)
    paid = _amount(_("Paid"), required=False)
    paying_ministry = forms.CharField(max_length=200, label=_("Paying ministry"))
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)


class AssessedContributionCreateForm(AssessedContributionForm):
    year = forms.IntegerField(min_value=1945, max_value=2100, label=_("Year"))
    currency = forms.ChoiceField(
        choices=Currency.choices, initial=Currency.CHF, label=_("Currency")
    )
    field_order = [
        "year", "scale_percent", "administrative_budget", "currency", "invoiced", "paid",
        "paying_ministry", "reason",
    ]  # fmt: skip


@lru_cache(maxsize=64)
def country_datalist(years: tuple[int, ...], language: str | None) -> SafeString:
    """The options of the country picker's ``<datalist>`` for the list in force for
    ``years``, in ``language`` (the active one): the same for every form, so made once a
    process for each, not on every request (143 countries, each labelled and escaped)."""
    if not years:
        return SafeString()
    return format_html_join(
        "", '<option value="{}">{}</option>', ((o.label, o.note) for o in dac.picker_options(years))
    )


class CountryInput(forms.TextInput):
    """A text box with the countries as suggestions (a ``<datalist>``): typing part of a
    name or code offers the matches, by keyboard, without JavaScript. Each suggestion is
    "Name (CODE)" with its income group."""

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.years: tuple[int, ...] = ()  # whose list's countries it suggests

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-countries"
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = country_datalist(self.years, get_language())
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
        """Suggest the countries of the list in force for ``years``."""
        self.widget.years = tuple(sorted(set(years)))

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        code = dac.lookup(text)
        if code is None:
            raise forms.ValidationError(
                _(
                    "“%(text)s” is not a country name or ISO 3166 code we know: give its "
                    "English name or its code, or choose one of the suggestions, e.g. Niger (NE)."
                )
                % {"text": text},
                code="unknown_country",
            )
        return code


class AllocationForm(forms.Form):
    budget_line = forms.ModelChoiceField(queryset=BudgetLine.objects.none(), label=_("Budget line"))
    country = CountryField(
        label=_("Country"),
        help_text=lazy_format(
            _(
                "Type part of its English name or its ISO code (e.g. Ethiopia or ET) and "
                "choose it: the %(list_short_name)s names countries in English, with each "
                "one's income group."
            ),
            list_short_name=dac.LIST_SHORT_NAME,
        ),
    )
    amount = _amount(_("Amount (DKK)"))
    description = forms.CharField(
        label=_("Purpose"), max_length=PARAGRAPH, widget=forms.Textarea(attrs={"rows": 3})
    )
    reported_in = forms.CharField(max_length=200, required=False, label=_("Reported in"))

    def __init__(self, *args, partnership: Partnership, year: int, **kwargs):
        """The lines offered (and accepted) are the earmarked lines of ``year``: the page
        lets one choose the year (``line_year``)."""
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = BudgetLine.objects.filter(
            partnership=partnership, component__in=EARMARKED_COMPONENTS, year=year
        ).order_by("component")
        self.fields["budget_line"].label_from_instance = lambda line: line.label
        # Suggestions: the countries on the list in force for the lines' year.
        self.fields["country"].set_years([year])


class AllocationEditForm(AllocationForm, ConfirmForm):
    pass


class StaffPositionForm(forms.Form):
    kind = forms.ChoiceField(choices=StaffPosition.Kind.choices, label=_("Kind"))
    name = model_form_field(StaffPosition, "name")
    position = model_form_field(StaffPosition, "position")
    grade = model_form_field(StaffPosition, "grade")
    duty_station = model_form_field(StaffPosition, "duty_station")
    start_date = model_form_field(StaffPosition, "start_date", widget=DateInput)
    end_date = model_form_field(StaffPosition, "end_date", widget=DateInput)
    budget_line = model_form_field(
        StaffPosition,
        "budget_line",
        queryset=BudgetLine.objects.none(),
        help_text=_("Secondments only: the secondments line that pays for it."),
    )
    cost = _amount(_("Cost (DKK)"), required=False, help_text=_("Secondments only."))

    def __init__(self, *args, partnership: Partnership, year: int, **kwargs):
        """The line offered (and accepted) is the secondments line of ``year``: the page
        lets one choose the year (``line_year``)."""
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = BudgetLine.objects.filter(
            partnership=partnership, component=Component.SECONDMENTS, year=year
        )
        self.fields["budget_line"].label_from_instance = lambda line: line.label


class StaffPositionEditForm(StaffPositionForm, ConfirmForm):
    pass


def assessed_contribution_initial(contribution: AssessedContribution) -> dict[str, Any]:
    return {name: getattr(contribution, name) for name in ASSESSED_FIELDS}
