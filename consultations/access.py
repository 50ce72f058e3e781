"""Access to consultations and what hangs off them, scoped to the user's partnerships."""

from __future__ import annotations

from core.access import ObjectAccess

from .models import ActionPoint, AgendaItem, Consultation, Note

consultations = ObjectAccess[Consultation](
    lambda: Consultation.objects.select_related("partnership", "created_by"), "partnership"
)
agenda_items = ObjectAccess[AgendaItem](
    lambda: AgendaItem.objects.select_related("consultation__partnership"),
    "consultation__partnership",
)
notes = ObjectAccess[Note](
    lambda: Note.objects.select_related(
        "agenda_item__consultation__partnership", "author", "last_edited_by", "cleared_by"
    ),
    "agenda_item__consultation__partnership",
)
action_points = ObjectAccess[ActionPoint](
    lambda: ActionPoint.objects.select_related(
        "consultation__partnership", "agenda_item", "created_by"
    ),
    "consultation__partnership",
)
