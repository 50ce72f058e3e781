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
priority_areas = ObjectAccess[PriorityArea](
    lambda: PriorityArea.objects.select_related("partnership"), "partnership"
)
goals = ObjectAccess[OverallGoal](
    lambda: OverallGoal.objects.select_related("partnership", "priority_area"), "partnership"
)
goal_updates = ObjectAccess[GoalUpdate](
    lambda: GoalUpdate.objects.select_related("goal__partnership", "author").prefetch_related(
        "evidence"
    ),
    "goal__partnership",
)
risks = ObjectAccess[Risk](lambda: Risk.objects.select_related("partnership"), "partnership")
risk_assessments = ObjectAccess[RiskAssessment](
    lambda: RiskAssessment.objects.select_related("risk__partnership", "author"),
    "risk__partnership",
)
documents = ObjectAccess[Document](
    lambda: Document.objects.select_related("partnership", "uploaded_by"), "partnership"
)
