"""Form pieces every app's pages use: a model's field as a form field, a date picker, a
change's reason, a confirmation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from .reasons import REASON_MAX_LENGTH
from .reasons import REASON_REQUIRED

REASON_FIELD_HELP = _("Why the change is made; kept with the change history.")


def model_form_field(model: type[models.Model], name: str, **overrides: Any) -> forms.Field:
    """The form field of ``model``'s field ``name``, made as a ModelForm makes it: its
    label (the verbose name), help text, max length and required-ness (blank or not),
    with ``overrides`` (``widget=DateInput``) for what the form shows otherwise. A model
    default becomes the field's initial value, as in a ModelForm. For a plain Form,
    whose service checks the model's validators when it saves."""
    field = model._meta.get_field(name).formfield(**overrides)
    if field is None:
        raise ValueError(f"{model.__name__}.{name} has no form field")
    return field


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
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=REASON_FIELD_HELP,
    )

    def changes(self) -> dict[str, Any]:
        """What the person changed (the reason aside), for the record's update service."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "reason"}

    def update_data(self) -> dict[str, Any]:
        """The record's update service's data: what changed, and why."""
        return {"changes": self.changes(), "reason": self.cleaned_data["reason"]}


class ConfirmForm(forms.Form):
    """The confirmation of an irreversible or sensitive action: the reason is required
    and kept with the change history (``_change_reason``), shown on the history page."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Kept with the change history."),
        error_messages={"required": REASON_REQUIRED},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(REASON_REQUIRED)
        return reason


class DecimalInput(forms.TextInput):
    """A number as the language writes it (1500000,50 in Danish): a text box with the
    decimal keypad, since a browser's number box takes only its own locale's form. The
    value is shown without grouping, so sending it again never reads as ambiguous."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (Decimal, int, float)):
            text = format(Decimal(str(value)), "f")
            return text.replace(".", get_format("DECIMAL_SEPARATOR"))
        return super().format_value(value)


class LocalDecimalField(forms.DecimalField):
    """A decimal number as the person's language writes it: 1.500.000,50 or 1500000,50 in
    Danish, 1,500,000.50 or 1500000.50 in English. What one language reads otherwise than
    the other is refused, with the way to write it: 1,500 (English: fifteen hundred; Danish:
    one and a half) and the other language's decimal sign (1.5 in Danish)."""

    widget = DecimalInput

    default_error_messages = {
        "ambiguous": _(
            "“%(value)s” can be read two ways. Write %(whole)s without the "
            "separator, or give the decimals: %(with_decimals)s."
        ),
        "decimal_sign": _("Write the decimals after “%(sign)s”, e.g. %(example)s."),
        "grouping": _(
            "Group the thousands in threes (%(example)s), or write the number without them."
        ),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = self.canonical(value)
        return super().to_python(value)

    def canonical(self, text: str) -> str:
        """The number written with a point and no grouping, for DecimalField to read."""
        text = text.strip().replace("\N{NO-BREAK SPACE}", "").replace(" ", "")
        text = text.replace("\N{MINUS SIGN}", "-")
        if not text:
            return text
        point = get_format("DECIMAL_SEPARATOR")
        group = get_format("THOUSAND_SEPARATOR")
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text.removeprefix("+"))
        whole, decimals = digits, None
        if point in digits:
            whole, _sep, decimals = digits.partition(point)
            if not decimals.isdigit():
                return text  # DecimalField says it is not a number
        if group in whole:
            groups = whole.split(group)
            if not all(g.isdigit() for g in groups):
                return text
            if len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]) or not groups[0]:
                if len(groups) == 2 and decimals is None:
                    # 1.5 in Danish, 1,5 in English: the other language's decimal sign.
                    raise forms.ValidationError(
                        self.error_messages["decimal_sign"],
                        code="decimal_sign",
                        params={"sign": point, "example": f"{groups[0]}{point}{groups[1]}"},
                    )
                raise forms.ValidationError(
                    self.error_messages["grouping"],
                    code="grouping",
                    params={"example": f"1{group}500{group}000{point}50"},
                )
            if len(groups) == 2 and decimals is None:
                # 1,500 in English is 1.5 to a Danish reader, and 1.500 in Danish 1.5 to
                # an English one: say which.
                raise forms.ValidationError(
                    self.error_messages["ambiguous"],
                    code="ambiguous",
                    params={
                        "value": text,
                        "whole": "".join(groups),
                        "with_decimals": f"{whole}{point}00",
                    },
                )
            whole = "".join(groups)
        return sign + whole + ("." + decimals if decimals is not None else "")
