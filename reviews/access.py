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
goal_assessments = ObjectAccess[GoalAssessment](
    lambda: GoalAssessment.objects.select_related("review__partnership", "goal", "author"),
    "review__partnership",
)
priority_area_assessments = ObjectAccess[PriorityAreaAssessment](
    lambda: PriorityAreaAssessment.objects.select_related(
        "review__partnership", "priority_area", "author"
    ),
    "review__partnership",
)
findings = ObjectAccess[Finding](
    lambda: Finding.objects.select_related("review__partnership"), "review__partnership"
)
recommendations = ObjectAccess[Recommendation](
    lambda: Recommendation.objects.select_related("review__partnership", "finding"),
    "review__partnership",
)
report_versions = ObjectAccess[ReportVersion](
    lambda: ReportVersion.objects.select_related(
        "review__partnership", "requested_by", "issued_by"
    ),
    "review__partnership",
)
download_logs = ObjectAccess[DownloadLog](
    lambda: DownloadLog.objects.select_related("version__review__partnership", "user"),
    "version__review__partnership",
)
dossiers = ObjectAccess[Dossier](
    lambda: Dossier.objects.select_related("partnership", "review", "requested_by"),
    "partnership",
)
