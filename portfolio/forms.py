from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.forms import LocalDecimalField
from core.forms import model_form_field
from core.i18n import lazy_format
from core.uploads import ALLOWED_DESCRIPTION
from partnership import services as partnership_services
from partnership.models import Organisation
from partnership.models import Partnership

from .strategy_file import MAX_BYTES

STATUS_CHOICES = [
    (Partnership.Status.DRAFT, _("Draft: being prepared")),
    (Partnership.Status.ACTIVE, _("Active: agreed and followed")),
]
DOCUMENT_HELP = lazy_format(
    _("%(allowed_description)s, at most 25 MB; kept as the partnership's first document."),
    allowed_description=ALLOWED_DESCRIPTION,
)


def _slug_field(help_text: Any) -> forms.SlugField:
    """The partnership's name in its addresses, made by the service when left empty
    (``help_text`` says how)."""
    return forms.SlugField(
        label=_("Slug"),
        max_length=Partnership._meta.get_field("slug").max_length,
        required=False,
        help_text=help_text,
    )


class _PartnershipChecks(forms.Form):
    """Asks the partnership's own checks (the model's, such as its period, and the service's
    of a slug already taken) of what the form was given, so that their errors come with the
    form's others, not in a second round once those are fixed. What is left empty, and what
    the form refused already, is not checked here: the service fills it in or the person
    fixes it first."""

    def _check_partnership(self, values: dict[str, Any]) -> None:
        fields = {field.name for field in Partnership._meta.concrete_fields}
        given = {
            name: value
            for name, value in values.items()
            if name in fields and name not in self.errors and value not in (None, "")
        }
        try:
            Partnership(**given).full_clean(
                exclude=fields - given.keys(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self.add_error(None, error)
        if "slug" in given and "slug" not in self.errors:
            try:
                partnership_services.partnership_slug_check(given["slug"])
            except ValidationError as error:
                self.add_error(None, error)


class PartnershipCreateForm(_PartnershipChecks):
    """A new partnership, with an organisation already recorded or a new one."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label=_("Organisation"),
        empty_label=_("A new organisation (below)"),
        help_text=_("An organisation the ministry already holds partnerships with."),
    )
    new_organisation_name = forms.CharField(
        label=_("New organisation's name"), max_length=200, required=False
    )
    new_organisation_acronym = forms.CharField(
        label=_("New organisation's acronym"), max_length=20, required=False
    )
    title = model_form_field(Partnership, "title", help_text=_("The agreement's title."))
    start_date = model_form_field(Partnership, "start_date", widget=DateInput)
    end_date = model_form_field(Partnership, "end_date", widget=DateInput)
    annual_amount = model_form_field(
        Partnership, "annual_amount", form_class=LocalDecimalField, min_value=0
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=Partnership._meta.get_field("currency").choices
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, initial=Partnership.Status.DRAFT
    )
    mid_term_review_due = model_form_field(Partnership, "mid_term_review_due")
    signature_date = model_form_field(Partnership, "signature_date", widget=DateInput)
    funding_note = model_form_field(
        Partnership, "funding_note", widget=forms.Textarea(attrs={"rows": 3})
    )
    strategy_title = forms.CharField(label=_("Strategy's title"), max_length=300, required=False)
    strategy_date = forms.CharField(
        label=_("Strategy's date"),
        max_length=40,
        required=False,
        help_text=_("E.g. “December 2020”."),
    )
    strategy_language = model_form_field(Partnership, "strategy_language")
    strategy_document = forms.FileField(
        label=_("Strategy document"), required=False, help_text=DOCUMENT_HELP
    )
    slug = _slug_field(
        _(
            "The partnership's name in its addresses; made from the donor, the "
            "organisation's acronym and the years if left empty (denmark-unhcr-2021-2025)."
        )
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        name = cleaned.get("new_organisation_name", "").strip()
        acronym = cleaned.get("new_organisation_acronym", "").strip()
        if cleaned.get("organisation") is not None:
            if name or acronym:
                self.add_error(
                    "new_organisation_name",
                    _("Choose an organisation or name a new one, not both."),
                )
        elif "organisation" not in self.errors:
            if not name:
                self.add_error(
                    "new_organisation_name",
                    _("Name the new organisation, or choose one already recorded."),
                )
            if not acronym:
                self.add_error(
                    "new_organisation_acronym", _("Give the new organisation's acronym.")
                )
        self._check_partnership(cleaned)
        return cleaned


class RenewForm(_PartnershipChecks):
    """The next period of a partnership; what is left empty follows the old one."""

    start_date = model_form_field(Partnership, "start_date", widget=DateInput)
    end_date = model_form_field(Partnership, "end_date", widget=DateInput)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Left empty: the old title with the new years."),
    )
    slug = _slug_field(_("Left empty: the old one with the new years."))
    annual_amount = LocalDecimalField(
        label=_("Annual amount"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Left empty: the old partnership's."),
    )
    strategy_title = forms.CharField(label=_("Strategy's title"), max_length=300, required=False)
    strategy_date = forms.CharField(label=_("Strategy's date"), max_length=40, required=False)
    strategy_document = forms.FileField(
        label=_("Strategy document"), required=False, help_text=DOCUMENT_HELP
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_partnership(cleaned)
        return cleaned


class StrategyFileForm(forms.Form):
    file = forms.FileField(
        label=_("Strategy file"),
        help_text=lazy_format(
            _(
                "YAML, at most %(size)s kB, laid out as the strategy file each partnership's "
                "dashboard offers for download: start from one and change its values."
            ),
            size=MAX_BYTES // 1000,
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s kB.") % {"size": MAX_BYTES // 1000}
            )
        return upload


class PortfolioFilterForm(forms.Form):
    """What the portfolio page is narrowed to; the organisations offered are those of the
    partnerships the person sees."""

    organisation = forms.ChoiceField(required=False, label=_("Organisation"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Partnership.Status.choices],
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1945,
        max_value=2100,
        help_text=_("Partnerships running that year, and their budget of that year."),
    )

    def __init__(self, *args, acronyms: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("Any organisation"))] + [
            (acronym, acronym) for acronym in acronyms
        ]
