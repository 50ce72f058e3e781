from django import forms

from core.access import Role
from core.forms import ReasonMixin

ROLE_HELP = (
    "Desk officers edit everything and manage the partnership's people; mission staff log "
    "the consultations; auditors read, download and read the change history."
)


class MembershipRoleForm(ReasonMixin, forms.Form):
    role = forms.ChoiceField(
        label="Role", choices=Role.choices, widget=forms.RadioSelect, help_text=ROLE_HELP
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text="Someone with an account is added at once; anyone else gets a link to set "
        "a password.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        initial=Role.MISSION_STAFF,
        widget=forms.RadioSelect,
        help_text=ROLE_HELP,
    )
