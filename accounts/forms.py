from django import forms

from .models import DigestFrequency, Weekday


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="What the token is for, e.g. “quarterly funding export”."
    )


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label="E-mail digest",
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text="How often you get an e-mail of what needs your attention.",
    )
    time = forms.TimeField(
        label="At",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="The time of day it is sent (Copenhagen time), e.g. 07:00.",
    )
    weekday = forms.TypedChoiceField(
        label="On (weekly)",
        coerce=int,
        choices=Weekday.choices,
        help_text="The day of the week a weekly digest is sent.",
    )
