"""Access to who was reminded of what, scoped to the user's partnerships."""

from __future__ import annotations

from core.access import ObjectAccess

from .models import Reminder

reminders = ObjectAccess.through(Reminder, "partnership", "digest__user")
