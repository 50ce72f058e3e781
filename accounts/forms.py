from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="What the token is for, e.g. “quarterly funding export”."
    )


class SignInCodeForm(forms.Form):
    """The second step of a sign-in: a code from the app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6 digits your authenticator app shows for Partnership Monitor. "
        "Without your phone, enter one of your recovery codes instead.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class AuthenticatorSetUpForm(forms.Form):
    """The first code from a newly added authenticator app, to confirm it."""

    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="The 6 digits the app now shows for Partnership Monitor.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
