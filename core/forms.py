"""Form pieces every app's pages use: a date picker, a change's reason, a confirmation."""

from __future__ import annotations

from typing import Any

from django import forms

from .reasons import REASON_MAX_LENGTH, REASON_REQUIRED

REASON_FIELD_HELP = "Why the change is made; kept with the change history."


class DateInput(forms.DateInput):
    """A browser's date picker. Its value is written as ISO 8601, the only form such a
    field takes: the site's own (31/01/2020) would show it empty, and saving the form
    would then clear the date."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%d")


class ReasonMixin(forms.Form):
    """An optional reason for an edit, kept with the change history."""

    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=REASON_FIELD_HELP,
    )

    def changes(self) -> dict[str, Any]:
        """What the person changed (the reason aside), for the record's update service."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "reason"}


class ConfirmForm(forms.Form):
    """The confirmation of an irreversible or sensitive action: the reason is required
    and kept with the change history (``_change_reason``), shown on the history page."""

    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Kept with the change history.",
        error_messages={"required": REASON_REQUIRED},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(REASON_REQUIRED)
        return reason
