"""Access to the partnership record's objects: one :class:`~core.access.ObjectAccess` per
kind (non-member 404, role without the capability 403)."""

from __future__ import annotations

from core.access import ObjectAccess

from .models import Document
from .models import GoalUpdate
from .models import OverallGoal
from .models import Partnership
from .models import PriorityArea
from .models import Risk
from .models import RiskAssessment

partnerships = ObjectAccess[Partnership](
    lambda: Partnership.objects.select_related("organisation"), ""
)
priority_areas = ObjectAccess.through(PriorityArea, "partnership")
goals = ObjectAccess.through(OverallGoal, "partnership", "priority_area")
goal_updates = ObjectAccess[GoalUpdate](
    lambda: GoalUpdate.objects.select_related("goal__partnership", "author").prefetch_related(
        "evidence"
    ),
    "goal__partnership",
)
risks = ObjectAccess.through(Risk, "partnership")
risk_assessments = ObjectAccess.through(RiskAssessment, "risk__partnership", "author")
documents = ObjectAccess.through(Document, "partnership", "uploaded_by")
