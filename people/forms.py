from django import forms

from core.access import Role
from core.forms import ReasonMixin


class MembershipRoleForm(ReasonMixin, forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        help_text="Desk officers edit everything and manage the partnership's people; mission "
        "staff log the consultations; auditors read, download and read the change history.",
    )
