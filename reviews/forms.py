from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.access import Capability
from core.forms import DateInput
from core.forms import ReasonMixin
from core.forms import model_form_field
from core.models import SECTION
from partnership import selectors as partnership_selectors
from partnership.assignees import AssigneeChoiceField
from partnership.fields import DocumentsField
from partnership.models import Document
from partnership.models import OverallGoal

from .models import Assessment
from .models import Finding
from .models import Rating
from .models import Review
from .services import REVIEW_FIELDS

SHA256_LENGTH = 64


class ReviewCreateForm(forms.Form):
    kind = forms.ChoiceField(choices=Review.Kind.choices, label=_("Kind"))
    title = model_form_field(Review, "title")
    purpose = forms.CharField(
        max_length=SECTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label=_("Purpose"),
    )
    period_start = model_form_field(Review, "period_start", widget=DateInput)
    period_end = model_form_field(Review, "period_end", widget=DateInput)
    due_date = model_form_field(
        Review,
        "due_date",
        widget=DateInput,
        help_text=_("The day the app compares with today; you confirm it by giving it."),
    )
    due_description = model_form_field(
        Review,
        "due_description",
        help_text=_("The source's words, kept as they stand, e.g. “fall of 2019”."),
    )
    fulfils_goal = model_form_field(
        Review,
        "fulfils_goal",
        queryset=OverallGoal.objects.none(),
        help_text=_("If carrying out this review is itself an overall goal of the strategy."),
    )
    sources = DocumentsField(
        required=False,
        help_text=_("The documents the review rests on."),
        label=_("Sources"),
    )
    assignee = AssigneeChoiceField(
        help_text=_("The desk officer who carries the review through and is reminded of it."),
    )

    def __init__(self, *args, partnership, shown: list[Document] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].set_members(_reviewers(partnership.pk))
        self.fields["sources"].offer(partnership_id=partnership.pk, shown=shown)
        self.fields["fulfils_goal"].queryset = _goals(partnership.pk)


def _reviewers(partnership_id: int) -> list:
    return partnership_selectors.members_who_can(
        partnership_id=partnership_id, capability=Capability.EDIT_REVIEWS
    )


def _goals(partnership_id: int):
    return OverallGoal.objects.filter(partnership_id=partnership_id).order_by("number")


class ReviewForm(ReasonMixin, forms.ModelForm):
    status = forms.ChoiceField(
        choices=[c for c in Review.Status.choices if c[0] != Review.Status.ISSUED],
        help_text=_("A review becomes issued when one of its report versions is issued."),
        label=_("Status"),
    )
    assignee = AssigneeChoiceField(
        help_text=_("The desk officer who carries the review through and is reminded of it."),
    )

    class Meta:
        model = Review
        fields = REVIEW_FIELDS
        help_texts = {
            "due_date": _("The day the app compares with today; changing it confirms it."),
        }
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 6}),
            "period_start": DateInput,
            "period_end": DateInput,
            "due_date": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fulfils_goal"].queryset = _goals(self.instance.partnership_id)
        self.fields["assignee"].set_members(_reviewers(self.instance.partnership_id))


class DueDateForm(ReasonMixin, forms.Form):
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)


class SourcesForm(forms.Form):
    """The review's sources: ``chosen`` (their ids) are checked; the list offers ``shown``."""

    sources = DocumentsField(required=False, label=_("Sources"))

    def __init__(
        self,
        *args,
        review: Review,
        chosen: list[int],
        shown: list[Document] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["sources"].offer(partnership_id=review.partnership_id, shown=shown)
        self.fields["sources"].initial = chosen

    def service_data(self) -> dict[str, Any]:
        """The documents for ``services.review_sources_set``."""
        return {"documents": self.cleaned_data["sources"]}


class AssessmentForm(forms.Form):
    # Starts on the blank choice: one not yet assessed must not seem rated "Achieved".
    rating = forms.ChoiceField(
        choices=[("", _("Choose…")), *Rating.choices],
        label=_("Assessment"),
        error_messages={"required": _("Choose an assessment.")},
    )
    narrative = model_form_field(Assessment, "narrative", widget=forms.Textarea(attrs={"rows": 8}))


class _ItemForm(forms.Form):
    """A finding or a recommendation, as ``services.review_item_update`` takes its edit."""

    def update_data(self) -> dict[str, Any]:
        return {"changes": self.cleaned_data}


class FindingForm(_ItemForm):
    text = forms.CharField(
        max_length=SECTION, widget=forms.Textarea(attrs={"rows": 4}), label=_("Finding")
    )


class RecommendationForm(_ItemForm):
    text = forms.CharField(
        max_length=SECTION, widget=forms.Textarea(attrs={"rows": 4}), label=_("Recommendation")
    )
    finding = forms.ModelChoiceField(
        queryset=Finding.objects.none(),
        required=False,
        empty_label=_("No finding"),
        help_text=_("The finding it answers."),
        label=_("Finding"),
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = review.findings.order_by("number")
        # "Finding 3" alone does not say which one: its number and the start of its text.
        self.fields["finding"].label_from_instance = _finding_choice


def _finding_choice(finding: Finding) -> str:
    return f"{finding.number}. {Truncator(finding.text).chars(60)}"


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Report PDF or dossier ZIP"), required=False)
    sha256 = forms.CharField(
        label=_("or its SHA-256"),
        required=False,
        max_length=80,
        help_text=_("64 hexadecimal characters."),
    )

    def clean_sha256(self) -> str:
        value = self.cleaned_data["sha256"].strip().lower()
        if value and (
            len(value) != SHA256_LENGTH or any(c not in "0123456789abcdef" for c in value)
        ):
            raise forms.ValidationError(_("A SHA-256 is 64 hexadecimal characters (0–9, a–f)."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("sha256") and not self.errors:
            raise forms.ValidationError(_("Upload the PDF or paste its SHA-256."))
        if cleaned.get("file") and cleaned.get("sha256"):
            raise forms.ValidationError(_("Upload the PDF or paste its SHA-256, not both."))
        return cleaned


class DossierYearForm(forms.Form):
    year = forms.TypedChoiceField(
        coerce=int,
        choices=(),
        help_text=_(
            "The dossier holds that year's tables, changes and downloads, and the "
            "reports issued in it."
        ),
        label=_("Year"),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in partnership.years]
