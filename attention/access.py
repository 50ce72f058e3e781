"""Access to who was reminded of what, scoped to the user's partnerships."""

from __future__ import annotations

from core.access import ObjectAccess

from .models import Reminder

reminders = ObjectAccess[Reminder](
    lambda: Reminder.objects.select_related("partnership", "digest__user"), "partnership"
)
