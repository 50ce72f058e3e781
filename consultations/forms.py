from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.forms import ConfirmForm
from core.forms import DateInput
from core.forms import ReasonMixin
from core.forms import model_form_field
from partnership.assignees import AssigneeChoiceField
from partnership.models import OverallGoal
from partnership.models import Risk

from .models import NOTE_MAX_LENGTH
from .models import ActionPoint
from .models import AgendaItem
from .models import Consultation
from .models import StandardAgendaItem
from .services import STANDARD_AGENDA_FIELDS


class LinksMixin(forms.Form):
    """Goal and risk pickers whose choices come from lists the caller has loaded once, so
    a page with many forms makes no query per form."""

    goals = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Overall goals")
    )
    risks = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Risks")
    )

    def __init__(self, *args, goals: list[OverallGoal], risks: list[Risk], **kwargs):
        super().__init__(*args, **kwargs)
        self._goals = {goal.pk: goal for goal in goals}
        self._risks = {risk.pk: risk for risk in risks}
        self.fields["goals"].choices = [
            (goal.pk, f"{goal.number}. {Truncator(goal.text).chars(70)}") for goal in goals
        ]
        self.fields["risks"].choices = [(risk.pk, f"{risk.number}. {risk.title}") for risk in risks]

    def clean_goals(self) -> list[OverallGoal]:
        return [self._goals[pk] for pk in self.cleaned_data["goals"]]

    def clean_risks(self) -> list[Risk]:
        return [self._risks[pk] for pk in self.cleaned_data["risks"]]


class OrganiserMixin(forms.Form):
    """The organiser, chosen among the members who may prepare a consultation."""

    organiser = AssigneeChoiceField(
        label=_("Organiser"),
        help_text=_("The member who prepares it (agenda, participants) and is reminded of it."),
    )

    def __init__(self, *args, members: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].set_members(members or [])


class ConsultationCreateForm(OrganiserMixin):
    year = forms.IntegerField(min_value=1945, max_value=2100, label=_("Year"))
    date = model_form_field(Consultation, "date", widget=DateInput)
    place = model_form_field(Consultation, "place")
    participants = model_form_field(
        Consultation, "participants", widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = ["year", "date", "place", "participants", "organiser"]


class ConsultationForm(OrganiserMixin):
    date = model_form_field(Consultation, "date", widget=DateInput)
    place = model_form_field(Consultation, "place")
    participants = model_form_field(
        Consultation, "participants", widget=forms.Textarea(attrs={"rows": 5})
    )
    status = forms.ChoiceField(
        choices=Consultation.Status.choices,
        help_text=_("Held needs the date; notes cleared needs every note cleared (desk officers)."),
        label=_("Status"),
    )

    field_order = ["date", "place", "participants", "organiser", "status"]

    def __init__(self, *args, statuses: list[str], **kwargs):
        """``statuses``: those the person may give it (``access.statuses_open_to``)."""
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        if len(statuses) == 1:
            field.disabled = True  # the consultation's own: it keeps it
        else:
            field.choices = [choice for choice in field.choices if choice[0] in statuses]


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("New agenda item"), max_length=300)


class NoteForm(LinksMixin):
    body = forms.CharField(
        label=_("Note"),
        required=False,
        strip=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: *emphasis*, **bold**, lists with -, links as <https://…>."),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    # Sent by "Keep my text" after a refused save: the version the person has now seen.
    replace_version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        # Browsers send CRLF line ends; store LF so an unchanged text compares equal.
        return self.cleaned_data["body"].replace("\r\n", "\n")

    def service_data(self) -> dict[str, Any]:
        """The note for ``services.note_update``, based on the version the person has seen
        last: after "Keep my text", the one then shown to them."""
        return {
            "body": self.cleaned_data["body"],
            "goals": self.cleaned_data["goals"],
            "risks": self.cleaned_data["risks"],
            "version": self.cleaned_data.get("replace_version") or self.cleaned_data["version"],
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class NoteClearForm(ConfirmForm):
    """Clearing a note: the reason, and the version of the note the person read."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ActionPointForm(LinksMixin):
    description = model_form_field(
        ActionPoint,
        "description",
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("What was agreed"),
    )
    owner = model_form_field(ActionPoint, "owner")
    assignee = AssigneeChoiceField(
        label=_("Followed up by"),
        help_text=_("The member who follows it up, whoever carries it out, and is reminded of it."),
    )
    due_date = model_form_field(ActionPoint, "due_date", widget=DateInput)

    # What was agreed first; the goal and risk pickers it inherits come last.
    field_order = ["description", "owner", "assignee", "due_date", "goals", "risks"]

    def __init__(self, *args, members: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].set_members(members or [])


class ActionPointEditForm(ActionPointForm):
    status = forms.ChoiceField(choices=ActionPoint.Status.choices, label=_("Status"))
    agenda_item = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Agenda item")
    )

    field_order = [
        "description",
        "owner",
        "assignee",
        "due_date",
        "status",
        "agenda_item",
        "goals",
        "risks",
    ]

    def __init__(self, *args, items: list[AgendaItem], dropped: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not dropped:
            # Dropping asks for a confirmation and a reason of its own (the drop page).
            self.fields["status"].choices = [
                c for c in ActionPoint.Status.choices if c[0] != ActionPoint.Status.DROPPED
            ]
            self.fields["status"].help_text = _("To drop the point, use “Drop this action point”.")
        self._items = {item.pk: item for item in items}
        self.fields["agenda_item"].choices = [
            ("", _("None")),
            *((item.pk, f"{item.order}. {Truncator(item.title).chars(70)}") for item in items),
        ]

    def clean_agenda_item(self) -> AgendaItem | None:
        pk = self.cleaned_data["agenda_item"]
        return None if pk is None else self._items[pk]


class ActionPointStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionPoint.Status.choices, label=_("Status"))


class StandardAgendaItemForm(ReasonMixin, forms.ModelForm):
    """An item of the standard agenda: what every consultation created later starts with."""

    class Meta:
        model = StandardAgendaItem
        fields = STANDARD_AGENDA_FIELDS
