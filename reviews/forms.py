from __future__ import annotations

from django import forms

from partnership.forms import DateInput, ReasonMixin
from partnership.models import Document

from .models import Finding, Rating, Review

SHA256_LENGTH = 64


class ReviewCreateForm(forms.Form):
    kind = forms.ChoiceField(choices=Review.Kind.choices)
    title = forms.CharField(max_length=300)
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    period_start = forms.DateField(label="Period covered from", required=False, widget=DateInput)
    period_end = forms.DateField(label="Period covered to", required=False, widget=DateInput)
    due_date = forms.DateField(required=False, widget=DateInput)
    due_description = forms.CharField(
        label="Due (as the source states it)", max_length=60, required=False
    )
    sources = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The documents the review rests on.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = Document.objects.filter(partnership=partnership).order_by(
            "kind", "title"
        )


class ReviewForm(ReasonMixin, forms.ModelForm):
    status = forms.ChoiceField(
        choices=[c for c in Review.Status.choices if c[0] != Review.Status.ISSUED],
        help_text="A review becomes issued when one of its report versions is issued.",
    )

    class Meta:
        model = Review
        fields = [
            "title",
            "status",
            "purpose",
            "period_start",
            "period_end",
            "due_date",
            "due_description",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 6}),
            "period_start": DateInput,
            "period_end": DateInput,
            "due_date": DateInput,
        }


class SourcesForm(forms.Form):
    sources = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Sources",
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = Document.objects.filter(
            partnership_id=review.partnership_id
        ).order_by("kind", "title")
        self.fields["sources"].initial = list(review.sources.values_list("pk", flat=True))


class AssessmentForm(forms.Form):
    rating = forms.ChoiceField(choices=Rating.choices, label="Assessment")
    narrative = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))


class FindingForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Finding")


class RecommendationForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Recommendation")
    finding = forms.ModelChoiceField(
        queryset=Finding.objects.none(), required=False, help_text="The finding it answers."
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = review.findings.order_by("number")


class VerifyForm(forms.Form):
    file = forms.FileField(label="Report PDF", required=False)
    sha256 = forms.CharField(
        label="or its SHA-256",
        required=False,
        max_length=80,
        help_text="64 hexadecimal characters.",
    )

    def clean_sha256(self) -> str:
        value = self.cleaned_data["sha256"].strip().lower()
        if value and (
            len(value) != SHA256_LENGTH or any(c not in "0123456789abcdef" for c in value)
        ):
            raise forms.ValidationError("A SHA-256 is 64 hexadecimal characters (0–9, a–f).")
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("sha256") and not self.errors:
            raise forms.ValidationError("Upload the PDF or paste its SHA-256.")
        if cleaned.get("file") and cleaned.get("sha256"):
            raise forms.ValidationError("Upload the PDF or paste its SHA-256, not both.")
        return cleaned
