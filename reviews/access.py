"""Access to reviews and what belongs to them, scoped to the user's partnerships."""

from __future__ import annotations

from core.access import ObjectAccess

from .models import Dossier
from .models import DownloadLog
from .models import Finding
from .models import GoalAssessment
from .models import PriorityAreaAssessment
from .models import Recommendation
from .models import ReportVersion
from .models import Review

reviews = ObjectAccess[Review](
    lambda: Review.objects.select_related(
        "partnership__organisation", "due_confirmed_by", "fulfils_goal", "assignee"
    ),
    "partnership",
)
goal_assessments = ObjectAccess.through(GoalAssessment, "review__partnership", "goal", "author")
priority_area_assessments = ObjectAccess.through(
    PriorityAreaAssessment, "review__partnership", "priority_area", "author"
)
findings = ObjectAccess.through(Finding, "review__partnership")
recommendations = ObjectAccess.through(Recommendation, "review__partnership", "finding")
report_versions = ObjectAccess.through(
    ReportVersion, "review__partnership", "requested_by", "issued_by"
)
download_logs = ObjectAccess.through(DownloadLog, "version__review__partnership", "user")
dossiers = ObjectAccess.through(Dossier, "partnership", "review", "requested_by")
