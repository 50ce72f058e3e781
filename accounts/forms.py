from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import model_form_field

from .models import ApiToken
from .models import DigestFrequency
from .models import Weekday


class ApiTokenForm(forms.Form):
    name = model_form_field(
        ApiToken, "name", help_text=_("What the token is for, e.g. “quarterly funding export”.")
    )


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("E-mail digest"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("How often you get an e-mail of what needs your attention."),
    )
    time = forms.TimeField(
        label=_("At"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("The time of day it is sent (Copenhagen time), e.g. 07:00."),
    )
    weekday = forms.TypedChoiceField(
        label=_("On (weekly)"),
        coerce=int,
        choices=Weekday.choices,
        help_text=_("The day of the week a weekly digest is sent."),
    )


class SignInCodeForm(forms.Form):
    """The second step of a sign-in: a code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_(
            "The 6 digits your authenticator app shows for Partnership Monitor. "
            "Without your phone, enter one of your recovery codes instead."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class AuthenticatorSetUpForm(forms.Form):
    """The first code from a newly added authenticator app, to confirm it."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The 6 digits the app now shows for Partnership Monitor."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
