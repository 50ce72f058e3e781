from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.forms import LocalDecimalField
from core.forms import ReasonMixin
from core.forms import model_form_field
from core.i18n import in_language
from core.i18n import lazy_format
from core.uploads import ACCEPT
from core.uploads import ALLOWED_DESCRIPTION

from .fields import DocumentsField
from .models import Document
from .models import GoalStatus
from .models import GoalUpdate
from .models import OverallGoal
from .models import Partnership
from .models import PriorityArea
from .models import Risk
from .models import RiskAssessment
from .services import GOAL_FIELDS
from .services import PARTNERSHIP_FIELDS
from .services import PRIORITY_AREA_FIELDS
from .services import RISK_FIELDS

RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]
NEW_DOCUMENT_PREFIX = "new_document_"


def textareas(**rows: int) -> dict[str, forms.Textarea]:
    """A form's text boxes, by field: how many lines each shows (``Meta.widgets``)."""
    return {name: forms.Textarea(attrs={"rows": n}) for name, n in rows.items()}


class GoalUpdateForm(forms.Form):
    """An update of a goal's timeline, with its evidence: documents of the partnership, and
    one new document uploaded with it (saved with the update, or not at all).

    ``shown`` are the documents the evidence list offers (a search narrows it); any that
    were chosen stay offered. Every document of the partnership is valid evidence."""

    as_of = model_form_field(GoalUpdate, "as_of", widget=DateInput)
    status = forms.ChoiceField(choices=GoalStatus.choices, label=_("Status"))
    narrative = model_form_field(GoalUpdate, "narrative", widget=forms.Textarea(attrs={"rows": 5}))
    actual_value = model_form_field(GoalUpdate, "actual_value", form_class=LocalDecimalField)
    evidence = DocumentsField(
        required=False,
        help_text=_("Documents this update rests on."),
        label=_("Evidence"),
    )
    evidence_url = model_form_field(GoalUpdate, "evidence_url", assume_scheme="https")
    new_document_file = forms.FileField(
        label=_("Document file"),
        required=False,
        help_text=lazy_format(
            _("%(allowed_description)s, at most 25 MB."), allowed_description=ALLOWED_DESCRIPTION
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    new_document_title = forms.CharField(label=_("Document title"), max_length=300, required=False)
    new_document_kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=Document.Kind.choices,
        initial=Document.Kind.OTHER,
        required=False,
    )
    new_document_year = forms.IntegerField(
        label=_("Document year"), required=False, min_value=1945, max_value=2100
    )

    def __init__(self, *args, goal: OverallGoal, shown: list[Document] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].offer(partnership_id=goal.partnership_id, shown=shown)
        # The date picker offers the days the service takes: from the partnership's start.
        self.fields["as_of"].widget.attrs["min"] = goal.partnership.start_date.isoformat()
        if goal.has_indicator:
            # The unit is the strategy's word, marked with its language; the rest escaped.
            unit = in_language(goal.unit, goal.partnership.strategy_language)
            label = conditional_escape(_("Actual value (%(unit)s)")) % {"unit": unit}
            self.fields["actual_value"].label = mark_safe(label)  # noqa: S308 - escaped above
        else:
            del self.fields["actual_value"]

    @property
    def update_fields(self) -> list:
        return [f for f in self.visible_fields() if not f.name.startswith(NEW_DOCUMENT_PREFIX)]

    @property
    def new_document_fields(self) -> list:
        return [f for f in self.visible_fields() if f.name.startswith(NEW_DOCUMENT_PREFIX)]

    @property
    def new_document_errors(self) -> bool:
        return any(name.startswith(NEW_DOCUMENT_PREFIX) for name in self.errors)

    def clean(self):
        cleaned = super().clean()
        file = cleaned.get("new_document_file")
        title = (cleaned.get("new_document_title") or "").strip()
        if file and not title:
            self.add_error("new_document_title", _("Give the new document's title."))
        if title and not file and "new_document_file" not in self.errors:
            self.add_error(
                "new_document_file", _("Choose the file to upload, or leave the title empty.")
            )
        return cleaned

    def service_data(self) -> dict:
        """The update's data for ``services.goal_update_create``, with ``new_document``."""
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(NEW_DOCUMENT_PREFIX)}
        file = self.cleaned_data.get("new_document_file")
        data["new_document"] = (
            {
                "file": file,
                "title": self.cleaned_data["new_document_title"].strip(),
                "kind": self.cleaned_data["new_document_kind"] or Document.Kind.OTHER,
                "year": self.cleaned_data.get("new_document_year"),
            }
            if file
            else None
        )
        return data


class RiskAssessmentForm(forms.Form):
    risk = forms.ModelChoiceField(queryset=Risk.objects.none(), label=_("Risk"))
    as_of = model_form_field(RiskAssessment, "as_of", widget=DateInput)
    likelihood = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, label=_("Likelihood (1–5)")
    )
    impact = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, label=_("Impact (1–5)"))
    residual_likelihood = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, label=_("Residual likelihood (1–5)")
    )
    residual_impact = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, label=_("Residual impact (1–5)")
    )
    response = model_form_field(
        RiskAssessment, "response", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, partnership: Partnership, risk: Risk | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # With its partnership: the assessment's date is checked against its start.
        self.fields["risk"].queryset = Risk.objects.filter(
            partnership=partnership, retired_on__isnull=True
        ).select_related("partnership")
        self.fields["as_of"].widget.attrs["min"] = partnership.start_date.isoformat()
        if risk is not None:
            self.fields["risk"].initial = risk
            self.fields["risk"].widget = forms.HiddenInput()


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=Document.Kind.choices, label=_("Kind"))
    title = model_form_field(Document, "title")
    year = forms.IntegerField(required=False, min_value=1945, max_value=2100, label=_("Year"))
    reference = forms.CharField(max_length=120, required=False, label=_("Reference"))
    file = forms.FileField(
        required=False,
        help_text=lazy_format(
            _("%(allowed_description)s, at most 25 MB."), allowed_description=ALLOWED_DESCRIPTION
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        label=_("File"),
    )
    url = model_form_field(Document, "url", assume_scheme="https")


class PartnershipForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = Partnership
        fields = PARTNERSHIP_FIELDS
        # The amount as the person's language writes it, as on the new-partnership page.
        field_classes = {"annual_amount": LocalDecimalField}
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "signature_date": DateInput,
            "funding_note": forms.Textarea(attrs={"rows": 3}),
        }


class GoalForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = OverallGoal
        fields = GOAL_FIELDS
        widgets = textareas(text=3, baseline_note=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The current priority areas, and the goal's own even if it was retired since.
        self.fields["priority_area"].queryset = PriorityArea.objects.filter(
            Q(retired_on__isnull=True) | Q(pk=self.instance.priority_area_id),
            partnership_id=self.instance.partnership_id,
        )


class RiskForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = Risk
        fields = RISK_FIELDS
        widgets = textareas(description=8)


class PriorityAreaForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = PriorityArea
        fields = PRIORITY_AREA_FIELDS
        widgets = textareas(title=2, description=8)
