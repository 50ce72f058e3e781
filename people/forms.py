from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.access import Role
from core.forms import ReasonMixin
from core.reasons import REASON_REQUIRED

ROLE_HELP = _(
    "Desk officers edit everything and manage the partnership's people; mission staff log "
    "the consultations; auditors read, download and read the change history."
)


class MembershipRoleForm(ReasonMixin, forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, widget=forms.RadioSelect, help_text=ROLE_HELP
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A change of role needs its reason (the service refuses one without).
        reason = self.fields["reason"]
        reason.required = True
        reason.help_text = _("Required. Kept with the change history.")
        reason.error_messages["required"] = REASON_REQUIRED


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_(
            "Someone with an account is added at once; anyone else gets a link to set a password."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=Role.MISSION_STAFF,
        widget=forms.RadioSelect,
        help_text=ROLE_HELP,
    )
