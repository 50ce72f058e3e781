"""Access to consultations and what hangs off them, scoped to the user's partnerships,
and who may move a consultation into or out of "notes cleared"."""

from __future__ import annotations

from typing import Any

from core import access as core_access
from core.access import Capability
from core.access import ObjectAccess

from .models import ActionPoint
from .models import AgendaItem
from .models import Consultation
from .models import Note
from .models import StandardAgendaItem

consultations = ObjectAccess.through(Consultation, "partnership", "created_by", "organiser")
agenda_items = ObjectAccess.through(AgendaItem, "consultation__partnership")
notes = ObjectAccess.through(
    Note, "agenda_item__consultation__partnership", "author", "last_edited_by", "cleared_by"
)
standard_agenda_items = ObjectAccess.through(StandardAgendaItem, "partnership")
action_points = ObjectAccess.through(
    ActionPoint, "consultation__partnership", "agenda_item", "created_by", "assignee"
)


def status_capability(current: str, status: str) -> Capability:
    """What moving a consultation from status ``current`` to ``status`` asks of the
    person: into or out of "notes cleared", clearing notes (desk officers); any other
    move, editing consultations."""
    cleared = Consultation.Status.NOTES_CLEARED
    if (status == cleared) != (current == cleared):
        return Capability.CLEAR_NOTES
    return Capability.EDIT_CONSULTATIONS


def statuses_open_to(user: Any, consultation: Consultation) -> list[str]:
    """The statuses ``user`` may give ``consultation``, its own among them."""
    capabilities = core_access.capabilities_in(user, consultation.partnership_id)
    return [
        status
        for status in Consultation.Status
        if status_capability(consultation.status, status) in capabilities
    ]
