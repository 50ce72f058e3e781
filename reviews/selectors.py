"""Reads shared by the review pages, the API and the report.

:func:`review_report_data` gathers everything the report shows in a fixed number of
queries; ``report`` turns it into the figures attached to the PDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count
from django.db.models import F
from django.db.models import Max
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from consultations import selectors as consultation_selectors
from consultations.models import ActionPoint
from consultations.models import Note
from core import history
from core.exports import Table
from funding import export_tables as funding_tables
from funding import selectors as funding_selectors
from funding.models import AssessedContribution
from funding.models import Disbursement
from funding.selectors import AllocationRow
from funding.selectors import Budget
from partnership import selectors as partnership_selectors
from partnership.models import GoalUpdate
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea
from partnership.models import Risk
from partnership.models import RiskAssessment
from partnership.selectors import HeatCell

from . import consistency
from . import dossier as dossier_files
from .models import Dossier
from .models import DossierDownload
from .models import DownloadLog
from .models import Finding
from .models import GoalAssessment
from .models import PriorityAreaAssessment
from .models import Recommendation
from .models import ReportVersion
from .models import Review
from .models import ReviewSource


def next_reviews(*, partnership_ids: list[int]) -> dict[int, Review]:
    """Each partnership's next review: the one not issued that is due first (those without
    a due date last), by partnership id (one query, a row a partnership)."""
    order = (F("due_date").asc(nulls_last=True), F("pk").asc())
    reviews = (
        Review.objects.filter(partnership_id__in=partnership_ids)
        .exclude(status=Review.Status.ISSUED)
        .annotate(rank=Window(RowNumber(), partition_by=F("partnership_id"), order_by=order))
        .filter(rank=1)
        .select_related("partnership")  # for its address
    )
    return {review.partnership_id: review for review in reviews}


def reviews_for_partnership(*, partnership: Partnership) -> QuerySet[Review]:
    """Reviews with the counts their list shows (one query)."""
    return (
        Review.objects.filter(partnership=partnership)
        .annotate(
            goal_assessment_count=Count("goal_assessments", distinct=True),
            version_count=Count("versions", distinct=True),
            done_count=Count("versions", filter=Q(versions__status="done"), distinct=True),
        )
        .order_by("due_date", "kind", "pk")
    )


def reviews_due(*, partnership: Partnership) -> QuerySet[Review]:
    """The partnership's reviews in the order they are due, with their partnership (for
    their URLs: one query, not one a review)."""
    return (
        Review.objects.filter(partnership=partnership)
        .select_related("partnership")
        .order_by(F("due_date").asc(nulls_last=True), "kind", "pk")
    )


def goal_needs_update(*, goal: OverallGoal, issued_at: datetime) -> bool:
    """A goal fulfilled by a review issued after the goal's latest update (or a goal with
    none): its status is the desk officer's to bring up to date. Issuing never changes it."""
    issued_on = timezone.localtime(issued_at).date()
    as_of = getattr(goal, "current_as_of", None)
    return as_of is None or as_of < issued_on


def reviews_fulfilling(*, goal: OverallGoal) -> list[Review]:
    """The reviews that fulfil ``goal``, each with ``issued_at`` (its issued version's)
    and ``goal_needs_update``. One query; ``goal`` carries its current status
    (``OverallGoal.objects.with_current_status``)."""
    issued = ReportVersion.objects.filter(review=OuterRef("pk"), issued_at__isnull=False)
    reviews = list(
        Review.objects.filter(fulfils_goal=goal)
        .annotate(issued_at=Subquery(issued.values("issued_at")[:1]))
        .order_by("pk")
    )
    today = timezone.localdate()
    for review in reviews:
        review.overdue = review.is_overdue(today)
        review.goal_needs_update = review.issued_at is not None and goal_needs_update(
            goal=goal, issued_at=review.issued_at
        )
    return reviews


def review_versions(*, review: Review) -> QuerySet[ReportVersion]:
    return review.versions.select_related("requested_by", "issued_by").order_by("-number")


def review_sources(*, review: Review) -> QuerySet[ReviewSource]:
    return review.review_sources.select_related("document").order_by("pk")


@dataclass
class GoalRow:
    """An overall goal with its tracker status, the review's assessment and its timeline."""

    goal: OverallGoal
    assessment: GoalAssessment | None
    updates: list[GoalUpdate] = field(default_factory=list)


@dataclass
class PriorityAreaRow:
    area: PriorityArea
    assessment: PriorityAreaAssessment | None
    goal_numbers: list[int] = field(default_factory=list)


@dataclass
class ReviewPageData:
    goals: list[GoalRow]
    priority_areas: list[PriorityAreaRow]
    findings: list[Finding]
    recommendations: list[Recommendation]


def review_assessments(*, review: Review, with_timeline: bool = False) -> ReviewPageData:
    """The goals and priority areas of the review's partnership with the review's
    assessments of them, and its findings and recommendations.

    Six queries (eight ``with_timeline``), whatever the number of goals or updates.
    """
    goals_qs = partnership_selectors.goals_with_status(partnership=review.partnership)
    if with_timeline:
        goals_qs = goals_qs.prefetch_related(
            Prefetch(
                "updates",
                queryset=GoalUpdate.objects.select_related("author")
                .prefetch_related("evidence")
                .order_by("-as_of", "-created_at", "-pk"),
            )
        )
    goals = list(goals_qs)
    goal_assessments = {
        a.goal_id: a for a in review.goal_assessments.select_related("author").order_by()
    }
    areas = list(review.partnership.priority_areas.order_by("number"))
    area_assessments = {
        a.priority_area_id: a
        for a in review.priority_area_assessments.select_related("author").order_by()
    }
    return ReviewPageData(
        goals=[
            GoalRow(
                goal=goal,
                assessment=goal_assessments.get(goal.pk),
                updates=list(goal.updates.all()) if with_timeline else [],
            )
            for goal in goals
        ],
        priority_areas=[
            PriorityAreaRow(
                area=area,
                assessment=area_assessments.get(area.pk),
                goal_numbers=[g.number for g in goals if g.priority_area_id == area.pk],
            )
            for area in areas
        ],
        findings=list(review.findings.order_by("number")),
        recommendations=list(review.recommendations.select_related("finding").order_by("number")),
    )


@dataclass
class ReportData:
    """Everything the report of a review shows."""

    review: Review
    partnership: Partnership
    sources: list[ReviewSource]
    assessments: ReviewPageData
    budget: Budget
    risks: list[Risk]
    heat_map: list[list[HeatCell]]
    action_points: list[ActionPoint]
    as_of: date
    # The annexes: what lies behind the budget, and the goal tracker's every update.
    payments: list[Disbursement] = field(default_factory=list)
    allocations: list[AllocationRow] = field(default_factory=list)
    assessed_contributions: list[AssessedContribution] = field(default_factory=list)
    # What the consistency checks found (``consistency.CHECKS``), each check in order.
    checks: consistency.CheckResults = field(default_factory=consistency.CheckResults)

    @property
    def timeline(self) -> list[tuple[OverallGoal, GoalUpdate]]:
        """Every goal update, oldest first: the goal tracker as it was kept."""
        pairs = [(row.goal, update) for row in self.assessments.goals for update in row.updates]
        return sorted(pairs, key=lambda pair: (pair[1].as_of, pair[1].created_at, pair[1].pk))

    # What the summary shows: derived from the rows above, no query of its own.
    TOP_FINDINGS = 3

    @property
    def top_findings(self) -> list[Finding]:
        """The review's first findings, in their order: the ones the summary leads with."""
        return self.assessments.findings[: self.TOP_FINDINGS]

    @property
    def open_action_points(self) -> list[ActionPoint]:
        """Open action points, overdue ones first, then by due date."""
        points = [p for p in self.action_points if p.status == ActionPoint.Status.OPEN]
        return sorted(points, key=lambda p: (not p.overdue, p.due_date or date.max, p.pk))

    @property
    def update_count(self) -> int:
        return sum(len(row.updates) for row in self.assessments.goals)

    @property
    def risk_assessment_count(self) -> int:
        return sum(len(risk.assessments.all()) for risk in self.risks)


def file_sha256(file: Any) -> str | None:
    """The SHA-256 of a stored file (read in chunks); None where there is no file, or it
    is missing from the storage."""
    if not file:
        return None
    digest = hashlib.sha256()
    try:
        with default_storage.open(file.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def sources_with_hashes(*, review: Review) -> list[ReviewSource]:
    """The review's sources, each document with ``sha256``: of its stored file, or None
    (a link, or a document recorded without its file). One query, and a read per file."""
    sources = list(review_sources(review=review))
    for source in sources:
        source.document.sha256 = file_sha256(source.document.file)
    return sources


def review_report_data(*, review_id: int, as_of: date) -> ReportData:
    """The report's data in a fixed number of queries (19), whatever the amount of data.

    ``as_of`` is the day the report speaks for: which action points are overdue.
    """
    review = Review.objects.select_related("partnership__organisation").get(pk=review_id)
    partnership = review.partnership
    risks = list(partnership_selectors.risks_with_assessments(partnership=partnership))
    payments = funding_selectors.disbursements_of_partnership(partnership=partnership)
    data = ReportData(
        review=review,
        partnership=partnership,
        sources=sources_with_hashes(review=review),
        assessments=review_assessments(review=review, with_timeline=True),
        budget=funding_selectors.budget_by_year_and_component(partnership=partnership),
        risks=risks,
        heat_map=partnership_selectors.residual_heat_map(risks),
        action_points=consultation_selectors.action_points_for_report(
            partnership=partnership, as_of=as_of
        ),
        as_of=as_of,
        payments=list(payments.order_by("value_date", "pk")),
        allocations=funding_selectors.allocations_with_countries(partnership=partnership),
        assessed_contributions=list(
            funding_selectors.assessed_contributions(partnership=partnership)
        ),
    )
    data.checks = consistency.run_checks(
        consistency.CheckInput(
            review=review,
            goals=data.assessments.goals,
            priority_areas=data.assessments.priority_areas,
            years=data.budget.years,
            payments=data.payments,
            action_points=data.action_points,
            period_end=consistency.PeriodEnd.of(review, today=as_of),
            currency=partnership.currency,
        )
    )
    return data


# How many of each long list the review page's checks show: the years whose budget lines
# do not add up, and the action points overdue at the end of the period.
CHECKS_SHOWN = 5


def review_checks(
    *, review: Review, assessments: ReviewPageData, as_of: date
) -> consistency.CheckResults:
    """The consistency checks of the review as its page shows them, given the page's
    assessments: five queries (the first years whose budget lines do not add up, in three;
    the payments without a recorded rate; the first action points overdue at the end of
    the period). The years and the action points are the first ``CHECKS_SHOWN`` of each,
    with how many there are and a link to where they all are."""
    partnership = review.partnership
    period_end = consistency.PeriodEnd.of(review, today=as_of)
    years, year_total = funding_selectors.budget_years_not_adding_up(
        partnership=partnership, first=CHECKS_SHOWN
    )
    points, point_total = consultation_selectors.first_action_points_overdue_on(
        partnership=partnership, day=period_end.day, first=CHECKS_SHOWN
    )
    return consistency.run_checks(
        consistency.CheckInput(
            review=review,
            goals=assessments.goals,
            priority_areas=assessments.priority_areas,
            years=years,
            payments=list(funding_selectors.foreign_payments_without_rate(partnership=partnership)),
            action_points=points,
            period_end=period_end,
            currency=partnership.currency,
            totals={
                "budget_year_does_not_add_up": year_total,
                "action_point_overdue_at_period_end": point_total,
            },
            rest={
                "budget_year_does_not_add_up": consistency.Link(
                    _("See every year's budget lines"),
                    reverse("funding:overview", args=[partnership.slug]) + "#budget-heading",
                ),
                "action_point_overdue_at_period_end": consistency.Link(
                    _("See the open action points"),
                    reverse("consultations:consultation-list", args=[partnership.slug])
                    + "#open-points-heading",
                ),
            },
        )
    )


def next_version_number(*, review: Review) -> int:
    """The number the review's next report version gets (one query)."""
    return (review.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def download_log(*, partnership: Partnership) -> QuerySet[DownloadLog]:
    return (
        DownloadLog.objects.filter(version__review__partnership=partnership)
        .select_related("user", "version__review")
        .order_by("-at", "-pk")
    )


def issued_version(*, review_id: int) -> ReportVersion | None:
    """The review's issued report version, if it has one."""
    return (
        ReportVersion.objects.filter(review_id=review_id, issued_at__isnull=False)
        .select_related("issued_by")
        .first()
    )


def report_version_by_sha256(*, partnership: Partnership, sha256: str) -> ReportVersion | None:
    return (
        ReportVersion.objects.filter(
            review__partnership=partnership, status=ReportVersion.Status.DONE, sha256=sha256
        )
        .select_related("review", "requested_by", "issued_by")
        .first()
    )


# --- Dossiers ---------------------------------------------------------------------------------


def dossiers_of(*, partnership: Partnership, review: Review | None = None) -> QuerySet[Dossier]:
    """The partnership's dossiers (or a review's), newest first, with their download count
    (one query)."""
    dossiers = Dossier.objects.filter(partnership=partnership)
    if review is not None:
        dossiers = dossiers.filter(review=review)
    return (
        dossiers.select_related("partnership", "review", "requested_by")
        .annotate(download_count=Count("downloads"))
        .order_by("-requested_at", "-pk")
    )


def dossier_by_sha256(*, partnership: Partnership, sha256: str) -> Dossier | None:
    return (
        Dossier.objects.filter(partnership=partnership, status=Dossier.Status.DONE, sha256=sha256)
        .select_related("partnership", "review", "requested_by")
        .first()
    )


def dossier_period(dossier: Dossier, today: date) -> tuple[date | None, date]:
    """The period a dossier covers: the review's (to today where it names no end), or the
    calendar year."""
    if dossier.review_id is not None:
        review = dossier.review
        return review.period_start, review.period_end or today
    return date(dossier.year, 1, 1), date(dossier.year, 12, 31)


def _in_period(day: date | None, start: date | None, end: date) -> bool:
    return day is not None and (start is None or day >= start) and day <= end


def _report_name(version: ReportVersion) -> str:
    stem = slugify(f"{version.review.partnership.slug} {version.review.title}")[:100] or "review"
    return f"{stem}-v{version.number}.pdf"


def _dossier_reports(
    dossier: Dossier, versions: list[ReportVersion], start: date | None, end: date
) -> list[dossier_files.ReportFile]:
    """A review's dossier holds its issued report, or, until it is issued, its latest
    rendered draft (marked so); a year's holds the reports issued in that year."""
    done = [v for v in versions if v.status == ReportVersion.Status.DONE]
    if dossier.review_id is not None:
        issued = [v for v in done if v.is_issued]
        chosen = issued or done[:1]
    else:
        chosen = [
            v
            for v in done
            if v.is_issued and _in_period(timezone.localdate(v.issued_at), start, end)
        ]
    reports = []
    for version in chosen:
        with default_storage.open(version.file.name, "rb") as handle:
            content = handle.read()
        reports.append(
            dossier_files.ReportFile(
                name=_report_name(version),
                content=content,
                version=version.number,
                status="issued" if version.is_issued else "draft",
                review=version.review.title,
            )
        )
    return reports


def _only_year(table: Table, year: int | None) -> Table:
    """The table's rows of one year (its first column), or all of them."""
    if year is None:
        return table
    return Table(table.name, table.headers, [row for row in table.rows if row[0] == year])


def _goal_updates_table(partnership: Partnership, start: date | None, end: date) -> Table:
    updates = (
        GoalUpdate.objects.filter(goal__partnership=partnership)
        .select_related("goal", "author")
        .prefetch_related("evidence")
        .order_by("as_of", "created_at", "pk")
    )
    rows = [
        (
            u.as_of.year, u.goal.number, u.as_of, u.get_status_display(), u.actual_value,
            u.goal.unit, u.narrative, "; ".join(str(d) for d in u.evidence.all()),
            u.evidence_url, u.author.username, u.created_at,
        )
        for u in updates
        if _in_period(u.as_of, start, end)
    ]  # fmt: skip
    headers = (
        "year", "goal", "as of", "status", "actual value", "unit", "narrative", "evidence",
        "evidence link", "author", "recorded at",
    )  # fmt: skip
    return Table("goal-updates", headers, rows)


def _risk_assessments_table(partnership: Partnership, start: date | None, end: date) -> Table:
    assessments = (
        RiskAssessment.objects.filter(risk__partnership=partnership)
        .select_related("risk", "author")
        .order_by("as_of", "created_at", "pk")
    )
    rows = [
        (
            a.as_of.year, a.risk.number, a.risk.title, a.as_of, a.likelihood, a.impact,
            a.residual_likelihood, a.residual_impact, a.response, a.author.username,
        )
        for a in assessments
        if _in_period(a.as_of, start, end)
    ]  # fmt: skip
    headers = (
        "year", "risk", "title", "as of", "likelihood", "impact", "residual likelihood",
        "residual impact", "response", "author",
    )  # fmt: skip
    return Table("risk-assessments", headers, rows)


def _consultation_tables(partnership: Partnership, year: int | None) -> list[Table]:
    notes = (
        Note.objects.filter(agenda_item__consultation__partnership=partnership)
        .exclude(body="")
        .select_related("agenda_item__consultation", "author", "cleared_by")
        .order_by("agenda_item__consultation__year", "agenda_item__order", "pk")
    )
    if year is not None:
        notes = notes.filter(agenda_item__consultation__year=year)
    note_rows = [
        (
            n.agenda_item.consultation.year, n.agenda_item.title, n.get_status_display(),
            n.body, n.author.username, n.cleared_by.username if n.cleared_by else "",
            n.cleared_at, n.updated_at,
        )
        for n in notes
    ]  # fmt: skip
    points = consultation_selectors.action_points_for_report(partnership=partnership)
    point_rows = [
        (
            p.consultation.year, p.agenda_item.title if p.agenda_item else "", p.description,
            p.owner, p.due_date, p.get_status_display(), p.closed_on,
            ", ".join(str(g.number) for g in p.goals.all()),
            ", ".join(str(r.number) for r in p.risks.all()),
        )
        for p in points
        if year is None or p.consultation.year == year
    ]  # fmt: skip
    return [
        Table(
            "consultation-notes",
            (
                "year",
                "agenda item",
                "status",
                "note",
                "author",
                "cleared by",
                "cleared at",
                "last saved",
            ),
            note_rows,
        ),
        Table(
            "action-points",
            (
                "year",
                "agenda item",
                "what was agreed",
                "owner",
                "due",
                "status",
                "closed on",
                "goals",
                "risks",
            ),
            point_rows,
        ),
    ]


def _downloads_table(dossier: Dossier, start: date | None, end: date) -> Table:
    reports = DownloadLog.objects.filter(
        version__review__partnership_id=dossier.partnership_id
    ).select_related("user", "version__review")
    dossiers = DossierDownload.objects.filter(
        dossier__partnership_id=dossier.partnership_id
    ).select_related("user", "dossier__review", "dossier__partnership")
    if dossier.review_id is not None:
        reports = reports.filter(version__review_id=dossier.review_id)
        dossiers = dossiers.filter(dossier__review_id=dossier.review_id)
    rows = [
        (
            e.at,
            e.user.username,
            "report",
            e.version.review.title,
            e.version.number,
            e.get_channel_display(),
        )
        for e in reports
    ] + [
        (
            e.at,
            e.user.username,
            "dossier",
            e.dossier.subject,
            e.dossier_id,
            e.get_channel_display(),
        )
        for e in dossiers
    ]
    rows = sorted(
        (row for row in rows if _in_period(timezone.localdate(row[0]), start, end)),
        key=lambda row: row[0],
    )
    headers = ("when", "who", "what", "of", "version or dossier", "through")
    return Table("download-log", headers, rows)


DOSSIER_FUNDING_TABLES = ("budget-lines", "disbursements", "allocations", "assessed-contributions")


def dossier_contents(*, dossier: Dossier, today: date) -> dossier_files.Contents:
    """Everything a dossier holds, read in a fixed number of queries whatever the data
    (and one read of each report file)."""
    partnership = dossier.partnership
    start, end = dossier_period(dossier, today)
    versions = list(
        ReportVersion.objects.filter(review__partnership=partnership)
        .select_related("review__partnership")
        .order_by("review_id", "-number")
    )
    if dossier.review_id is not None:
        versions = [v for v in versions if v.review_id == dossier.review_id]
    reports = _dossier_reports(dossier, versions, start, end)
    included = {(r.review, r.version) for r in reports}
    since, until = history.day_bounds(start, end)
    return dossier_files.Contents(
        dossier=dossier,
        period_start=start,
        period_end=end,
        reports=reports,
        report_versions=[
            {
                "review": v.review.title,
                "number": v.number,
                "status": v.status,
                "final": v.final,
                "issued_at": v.issued_at.isoformat() if v.issued_at else None,
                "sha256": v.sha256,
                "in_dossier": (v.review.title, v.number) in included,
            }
            for v in versions
        ],
        tables=[
            *(
                _only_year(funding_tables.TABLES[name](partnership), dossier.year)
                for name in DOSSIER_FUNDING_TABLES
            ),
            _goal_updates_table(partnership, start, end),
            _risk_assessments_table(partnership, start, end),
            *_consultation_tables(partnership, dossier.year),
        ],
        changes=history.Changes(
            history.Criteria(
                partnership_ids=(partnership.pk,), since=since, until=until, oldest_first=True
            )
        ).all(),
        downloads=_downloads_table(dossier, start, end),
    )


def dossier_downloads(*, partnership: Partnership) -> QuerySet[DossierDownload]:
    return (
        DossierDownload.objects.filter(dossier__partnership=partnership)
        .select_related("user", "dossier__review", "dossier__partnership")
        .order_by("-at", "-pk")
    )
