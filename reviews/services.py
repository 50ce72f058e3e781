"""Writes to reviews and their reports. Each is atomic and validates before it saves.

An issued review no longer changes (its assessments, findings, recommendations and
sources are fixed with the report that was issued), and an issued report version never
changes at all. Rendering runs in a Celery task whose body is :func:`report_version_render`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from datetime import date
from datetime import datetime
from datetime import timedelta
from functools import partial
from typing import Any

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError
from django.db import OperationalError
from django.db import transaction
from django.db.models import F
from django.db.models import Max
from django.db.models import Q
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import i18n
from core.services import editable
from core.services import record_create
from core.services import record_update
from partnership.models import Document
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea

from . import selectors
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
from .models import dossier_file_name
from .models import report_file_name

logger = logging.getLogger(__name__)

# The fields an edit may change: the forms and the serializers list these, and the update
# services refuse any other. A review's status is changed on its page only (the API reads
# it), and never to issued: a review is issued with one of its report versions.
REVIEW_FIELDS = (
    "title",
    "status",
    "purpose",
    "period_start",
    "period_end",
    "due_date",
    "due_description",
    "fulfils_goal",
    "assignee",
)
FINDING_FIELDS = ("text",)
RECOMMENDATION_FIELDS = ("text", "finding")

# Errors worth another try later: the database or the broker was away for a moment.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)

ISSUED_MESSAGE = _(
    "This review is issued (or its issued report is being rendered): its assessments and "
    "sources no longer change."
)
REASON_REQUIRED = _("Give a reason: it is kept with the change history.")


def _check_not_issued(review: Review) -> None:
    """Refuse changes once the review is issued, or once its final version is asked for:
    the issued report shows the review as it stood when it was issued."""
    locked = Q(status=Review.Status.ISSUED) | Q(versions__final=True)
    if Review.objects.filter(locked, pk=review.pk).exists():
        raise ValidationError({"__all__": ISSUED_MESSAGE})


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    return reason


def _person(user: Any) -> str:
    return user.get_full_name() or user.username


def _check_documents(review_or_partnership_id: int, documents: list[Document]) -> None:
    if any(doc.partnership_id != review_or_partnership_id for doc in documents):
        raise ValidationError({"sources": _("A source must be a document of this partnership.")})


# --- Reviews ------------------------------------------------------------------------------


def _check_goal(partnership_id: int, goal: OverallGoal | None) -> None:
    if goal is not None and goal.partnership_id != partnership_id:
        raise ValidationError(
            {"fulfils_goal": _("Choose an overall goal of the review's partnership.")}
        )


def _due_confirmation(due_date: date | None, by: Any) -> dict[str, Any]:
    """Who confirmed the due date, and when: the person who set it (none when unset)."""
    confirmed = due_date is not None and by is not None
    return {
        "due_confirmed_by": by if confirmed else None,
        "due_confirmed_at": timezone.now() if confirmed else None,
    }


@transaction.atomic
def review_create(
    *,
    partnership: Partnership,
    kind: str,
    title: str,
    by: Any = None,
    purpose: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
    due_date: date | None = None,
    due_description: str = "",
    fulfils_goal: OverallGoal | None = None,
    sources: Iterable[Document] = (),
    assignee: Any = None,
) -> Review:
    """A new review; a due date given by ``by`` counts as confirmed by them."""
    sources = list(sources)
    _check_documents(partnership.pk, sources)
    _check_goal(partnership.pk, fulfils_goal)
    review = Review(
        partnership=partnership,
        kind=kind,
        title=title,
        purpose=purpose,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
        due_description=due_description,
        fulfils_goal=fulfils_goal,
        assignee=assignee,
        **_due_confirmation(due_date, by),
    )
    record_create(instance=review, by=by)
    for document in sources:
        ReviewSource.objects.create(review=review, document=document)
    return review


def review_update(
    *, review: Review, by: Any, changes: Mapping[str, Any], reason: str = ""
) -> Review:
    """Change a review's facts (``REVIEW_FIELDS``). Issuing goes through
    :func:`report_version_issue` only.

    A changed due date counts as confirmed by ``by`` (cleared with the date)."""
    editable(REVIEW_FIELDS, changes)
    if changes.get("status") == Review.Status.ISSUED:
        raise ValidationError({"status": _("A review is issued by issuing one of its versions.")})
    _check_goal(review.partnership_id, changes.get("fulfils_goal"))
    with transaction.atomic():
        _check_not_issued(review)
        data = dict(changes)
        if "due_date" in data:
            stored = (
                Review.objects.select_for_update()
                .values_list("due_date", flat=True)
                .get(pk=review.pk)
            )
            if data["due_date"] != stored:
                data |= _due_confirmation(data["due_date"], by)
        return record_update(instance=review, data=data, reason=reason, by=by)


@transaction.atomic
def review_due_date_confirm(*, review: Review, by: Any, due_date: date, reason: str = "") -> Review:
    """The desk officer confirms the review's due date (the one proposed, or another):
    the date the app compares with today. The source's words stay as they are."""
    if due_date is None:
        raise ValidationError({"due_date": _("Give the date the review is due.")})
    _check_not_issued(review)
    return record_update(
        instance=review,
        data={"due_date": due_date, **_due_confirmation(due_date, by)},
        reason=reason,
    )


@transaction.atomic
def review_sources_set(*, review: Review, documents: Iterable[Document]) -> None:
    """Make the review rest on exactly these documents (notes of kept ones stay)."""
    _check_not_issued(review)
    documents = list(documents)
    _check_documents(review.partnership_id, documents)
    wanted = {doc.pk for doc in documents}
    review.review_sources.exclude(document_id__in=wanted).delete()
    existing = set(review.review_sources.values_list("document_id", flat=True))
    for document in documents:
        if document.pk not in existing:
            ReviewSource.objects.create(review=review, document=document)


def _save_assessment(
    model,
    subject: str,
    of: Any,
    elsewhere: str,
    *,
    review: Review,
    by: Any,
    rating: str,
    narrative: str,
):
    """The review's assessment of ``of`` (its ``subject`` field: a goal, a priority area),
    created or changed to the rating and narrative given; refused at the subject's field
    with ``elsewhere`` when that is of another partnership."""
    if of.partnership_id != review.partnership_id:
        raise ValidationError({subject: elsewhere})
    _check_not_issued(review)
    lookup = {subject: of}
    assessment = model.objects.select_for_update().filter(review=review, **lookup).first()
    if assessment is None:
        assessment = model(review=review, **lookup)
    changed = assessment._state.adding or (assessment.rating, assessment.narrative) != (
        rating,
        narrative,
    )
    if not changed:
        return assessment
    assessment.rating = rating
    assessment.narrative = narrative
    assessment.author = by
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def goal_assessment_save(
    *, review: Review, goal: OverallGoal, by: Any, rating: str, narrative: str
) -> GoalAssessment:
    """Create or change the review's assessment of an overall goal (history keeps each)."""
    elsewhere = _("Choose an overall goal of the review's partnership.")
    text = {"rating": rating, "narrative": narrative}  # what the assessment says
    return _save_assessment(GoalAssessment, "goal", goal, elsewhere, review=review, by=by, **text)


@transaction.atomic
def priority_area_assessment_save(
    *, review: Review, priority_area: PriorityArea, by: Any, rating: str, narrative: str
) -> PriorityAreaAssessment:
    elsewhere = _("Choose a priority area of the review's partnership.")
    text = {"rating": rating, "narrative": narrative}  # what the assessment says
    return _save_assessment(
        PriorityAreaAssessment,
        "priority_area",
        priority_area,
        elsewhere,
        review=review,
        by=by,
        **text,
    )


def _next_number(model, review: Review) -> int:
    return (model.objects.filter(review=review).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def finding_create(*, review: Review, text: str) -> Finding:
    _check_not_issued(review)
    Review.objects.select_for_update().filter(pk=review.pk).first()
    finding = Finding(review=review, number=_next_number(Finding, review), text=text)
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def recommendation_create(
    *, review: Review, text: str, finding: Finding | None = None
) -> Recommendation:
    _check_not_issued(review)
    if finding is not None and finding.review_id != review.pk:
        raise ValidationError({"finding": _("Choose a finding of this review.")})
    Review.objects.select_for_update().filter(pk=review.pk).first()
    recommendation = Recommendation(
        review=review, number=_next_number(Recommendation, review), text=text, finding=finding
    )
    recommendation.full_clean()
    recommendation.save()
    return recommendation


def review_item_update(
    *, item: Finding | Recommendation, by: Any, changes: Mapping[str, Any]
) -> Finding | Recommendation:
    """Change a finding's text (``FINDING_FIELDS``), or a recommendation's text and the
    finding it answers (``RECOMMENDATION_FIELDS``)."""
    editable(RECOMMENDATION_FIELDS if isinstance(item, Recommendation) else FINDING_FIELDS, changes)
    finding = changes.get("finding")
    if finding is not None and finding.review_id != item.review_id:
        raise ValidationError({"finding": _("Choose a finding of this review.")})
    with transaction.atomic():
        _check_not_issued(item.review)
        return record_update(instance=item, data=changes, by=by)


@transaction.atomic
def review_item_delete(*, item: Finding | Recommendation, reason: str = "") -> None:
    """Delete a finding or recommendation of a review not yet issued; the history keeps
    its text, and the reason given."""
    _check_not_issued(item.review)
    item._change_reason = reason.strip()
    item.delete()


# --- Jobs for a worker: a report version's render, a dossier's build -------------------------
#
# Each job's state lives on its row: queued (``sends``, ``sent_at``), then rendering or
# building (``attempts``, ``started_at``), then done or failed. The periodic resend task
# sends again a job never sent or stuck past the timeout, and fails one that used up its
# attempts: no job is lost silently.

Job = ReportVersion | Dossier


def _send(model: type[Job], task: str, pk: int) -> None:
    """Hand a job to a worker; runs after the transaction that queued it commits.

    While the broker is down the job stays queued, marked never sent (``sent_at`` empty,
    the send not counted): the periodic resend task sends it at its first tick after the
    broker is back, instead of after the stale timeout, and an outage spanning several
    ticks uses up none of its attempts."""
    try:
        current_app.send_task(task, args=[pk])
    except Exception:
        logger.exception("Could not send %s for %s %s", task, model._meta.model_name, pk)
        model.objects.filter(pk=pk, status=model.Status.QUEUED, sent_at__isnull=False).update(
            sent_at=None, sends=F("sends") - 1
        )


def _stale_cutoff(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.REPORT_RENDER_STALE_AFTER)


def _gave_up(attempts: int, *, job: str = "render", again: str = "Retry") -> str:
    return (
        f"The {job} did not finish after {attempts} attempt(s) "
        f"(the worker stopped or the {job} timed out). {again}, or ask an administrator."
    )


def _resend_stuck(
    model: type[Job],
    *,
    working: str,
    send: Callable[[int], None],
    fail: Callable[[Any, datetime], None],
    now: datetime,
    reset: tuple[str, ...] = (),
) -> dict[str, int]:
    """Send again the jobs of ``model`` queued and not sent (or sent before the cutoff),
    or ``working`` since before it; ``fail(job, now)`` those that used up their attempts.
    ``reset`` names the fields emptied when a job is queued again."""
    cutoff = _stale_cutoff(now)
    queued = model.Status.QUEUED
    stuck = model.objects.filter(
        Q(status=queued) & (Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True))
        | Q(status=working, started_at__lt=cutoff)
    ).values_list("pk", flat=True)
    counts = {"resent": 0, "failed": 0}
    for pk in list(stuck):
        with transaction.atomic():
            job = model.objects.select_for_update().filter(pk=pk).first()
            if job is None or not job.is_pending:
                continue
            limit = settings.REPORT_RENDER_MAX_ATTEMPTS
            if job.attempts >= limit or job.sends >= limit:
                fail(job, now)
                counts["failed"] += 1
                continue
            job.status = queued
            for field in reset:
                setattr(job, field, "")
            job.sends += 1
            job.sent_at = now
            job.save(update_fields=["status", *reset, "sends", "sent_at"])
            transaction.on_commit(partial(send, job.pk))
            counts["resent"] += 1
    if any(counts.values()):
        logger.warning("Stuck %s: %s", model._meta.verbose_name_plural, counts)
    return counts


# --- Report versions -----------------------------------------------------------------------


# Sent by name: the task module calls these services, and they need not import it back.
RENDER_TASK = "reviews.tasks.render_report_version"


def _send_render(version_id: int) -> None:
    _send(ReportVersion, RENDER_TASK, version_id)


def _dispatch(version: ReportVersion) -> None:
    version_id = version.pk
    transaction.on_commit(lambda: _send_render(version_id))


@transaction.atomic
def report_version_request(
    *, review: Review, by: Any, language: str | None = None
) -> ReportVersion:
    """Queue a new version of the review's report; the render is sent after commit. It is
    written in ``language``, by default the language of the request (the active one).

    The review row is locked so two requests get consecutive numbers; the database's
    unique constraint on (review, number) stands behind that.
    """
    Review.objects.select_for_update().filter(pk=review.pk).first()
    refusal = issue_refusal(review)
    if refusal:
        raise ValidationError({"__all__": refusal})
    version = ReportVersion.objects.create(
        review=review,
        number=_next_number(ReportVersion, review),
        requested_by=by,
        language=i18n.supported(language or translation.get_language()) or settings.LANGUAGE_CODE,
        sends=1,
        sent_at=timezone.now(),
    )
    _dispatch(version)
    return version


def issue_refusal(review: Review, version: ReportVersion | None = None) -> str:
    """Why the review's report cannot be issued (from ``version``) nor a further version
    rendered ("" if nothing stands in the way); see :func:`refusal_to_issue`. One query."""
    final = (
        ReportVersion.objects.filter(review_id=review.pk, final=True)
        .only("number", "issued_at", "review_id")
        .first()
    )
    return refusal_to_issue(final=final, version=version)


def refusal_to_issue(*, final: ReportVersion | None, version: ReportVersion | None = None) -> str:
    """The rule of issuing, given ``final``, the review's final version if it has one: no
    further version is rendered or issued once the report is issued or asked for, and a
    report is issued from a rendered draft only. "" if nothing stands in the way."""
    if final is not None:
        if final.is_issued:
            return _(
                "This review was issued with version %(number)s: its report no longer changes."
            ) % {"number": final.number}
        return _(
            "Version %(number)s is being rendered as the issued report: no further version is "
            "rendered."
        ) % {"number": final.number}
    if version is not None and version.status != ReportVersion.Status.DONE:
        return _("Only a rendered draft can be issued.")
    return ""


@transaction.atomic
def report_version_retry(*, version: ReportVersion) -> ReportVersion:
    """Queue a failed version again (it keeps its number; nothing was stored for it)."""
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ReportVersion.Status.FAILED:
        raise ValidationError({"__all__": _("Only a failed render can be retried.")})
    version.status = ReportVersion.Status.QUEUED
    version.error = ""
    version.attempts = 0
    version.sends = 1
    version.sent_at = timezone.now()
    version.started_at = None
    version.finished_at = None
    version.claim = ""
    version.save(
        update_fields=[
            "status",
            "error",
            "attempts",
            "sends",
            "sent_at",
            "started_at",
            "finished_at",
            "claim",
        ]
    )
    _dispatch(version)
    return version


def _run_job(work: Callable[[], Any], *, job: str, failed: tuple[str, int]) -> tuple[Any, str]:
    """Run a render or build (``work``): what it made and no error, or nothing and the
    error its record keeps (the time limit passed, or what it raised, logged with
    ``failed``). Transient errors propagate for the task to retry."""
    try:
        return work(), ""
    except TRANSIENT_ERRORS:
        raise
    except SoftTimeLimitExceeded:
        limit = settings.REPORT_RENDER_SOFT_TIME_LIMIT
        return None, f"The {job} took longer than {limit} s."
    except Exception as exc:
        logger.exception(*failed)
        return None, f"{type(exc).__name__}: {exc}"


def _claim(version_id: int, task_id: str) -> tuple[ReportVersion | None, str]:
    """Take the version for this run, or say why not. Returns (version, claim token)."""
    now = timezone.now()
    with transaction.atomic():
        version = ReportVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            return None, "missing"
        if version.status in (ReportVersion.Status.DONE, ReportVersion.Status.FAILED):
            return None, "finished"
        if (
            version.status == ReportVersion.Status.RENDERING
            and version.task_id != task_id
            and version.started_at
            and version.started_at > _stale_cutoff(now)
        ):
            return None, "busy"  # another worker holds a live claim
        if version.attempts >= settings.REPORT_RENDER_MAX_ATTEMPTS:
            _mark_failed(version, _gave_up(version.attempts), now)
            return None, "gave up"
        version.status = ReportVersion.Status.RENDERING
        version.claim = uuid.uuid4().hex
        version.task_id = task_id
        version.started_at = now
        version.attempts += 1
        version.save(update_fields=["status", "claim", "task_id", "started_at", "attempts"])
        return version, version.claim


def _mark_failed(job: ReportVersion | Dossier, error: str, now: datetime) -> None:
    """A render or build failed: its error and when (a version's claim dropped with it)."""
    job.status = job.Status.FAILED
    job.error = error[:2000]
    job.finished_at = now
    fields = ["status", "error", "finished_at"]
    if isinstance(job, ReportVersion):
        job.claim = ""
        fields.append("claim")
    job.save(update_fields=fields)


def _fail_pending(model: type[ReportVersion | Dossier], job_id: int, error: str) -> None:
    """Fail a render or build still pending (the task's last retry gave up)."""
    job = model.objects.select_for_update().filter(pk=job_id).first()
    if job is not None and job.is_pending:
        _mark_failed(job, error, timezone.now())


def _require_file(job: ReportVersion | Dossier, message: str) -> None:
    """Only a finished render or build has a file to download (or to answer a HEAD
    request for)."""
    if job.status != job.Status.DONE or not job.file:
        raise ValidationError({"__all__": message})


def _finish(version_id: int, claim: str, *, rendered=None, error: str = "") -> str:
    """Store the outcome if this run still holds the claim (else a newer run owns it).

    The file is written under the row lock, to the version's one file name: a run that
    died after writing but before committing left a file that this write replaces. A
    final version is issued in the same transaction (and its review with it): from then
    on neither its row nor its file changes.
    """
    now = timezone.now()
    with transaction.atomic():
        version = ReportVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None or version.claim != claim:
            return "superseded"
        if rendered is None:
            _mark_failed(version, error, now)
            return "failed"
        name = report_file_name(version.review_id, version.number)
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(rendered.pdf))
        version.file = stored
        version.sha256 = rendered.sha256
        version.size = len(rendered.pdf)
        version.pages = rendered.pages
        version.data_sha256 = rendered.data_sha256
        version.status = ReportVersion.Status.DONE
        version.error = ""
        version.finished_at = now
        version.claim = ""
        fields = [
            "file",
            "sha256",
            "size",
            "pages",
            "data_sha256",
            "status",
            "error",
            "finished_at",
            "claim",
        ]
        if version.final:
            # The cover printed who asked for the issued report and when they asked.
            version.issued_at = version.requested_at
            version.issued_by_id = version.requested_by_id
            fields += ["issued_at", "issued_by"]
            version._change_reason = version.issue_reason
            version._history_user = version.requested_by
        version.save(update_fields=fields)
        if version.final:
            _review_issued(version)
        return "done"


def _review_issued(version: ReportVersion) -> None:
    review = Review.objects.select_for_update().get(pk=version.review_id)
    review.status = Review.Status.ISSUED
    review._change_reason = version.issue_reason
    review._history_user = version.requested_by
    review.save(update_fields=["status"])


def report_version_render(*, version_id: int, task_id: str = "") -> str:
    """Render a queued version and store its file; safe to run twice for one version.

    Returns what happened ("done", "failed", "finished", "busy", ...). Transient errors
    (database or broker away) propagate for the task to retry; any other error fails the
    version with the error stated.
    """
    from . import rendering  # WeasyPrint loads slowly: only the worker needs it

    version, claim = _claim(version_id, task_id)
    if version is None:
        logger.info("Report version %s not rendered: %s", version_id, claim)
        return claim

    def render():
        rendered_at = timezone.now()
        data = selectors.review_report_data(
            review_id=version.review_id, as_of=timezone.localdate(rendered_at)
        )
        issue = (
            rendering.Issue(by=_person(version.requested_by), at=version.requested_at)
            if version.final
            else None
        )
        with translation.override(version.language):
            return rendering.render_report(
                data, version_number=version.number, rendered_at=rendered_at, issue=issue
            )

    rendered, error = _run_job(
        render, job="render", failed=("Rendering report version %s failed", version_id)
    )
    return _finish(version_id, claim, rendered=rendered, error=error)


@transaction.atomic
def report_version_fail(*, version_id: int, error: str) -> None:
    """Fail a version that is still pending (the task's last retry gave up)."""
    _fail_pending(ReportVersion, version_id, error)


def report_versions_resend_stuck(*, now: datetime | None = None) -> dict[str, int]:
    """Re-send versions stuck in queued or rendering past the timeout; fail those that
    have used up their attempts. No render is lost silently."""
    return _resend_stuck(
        ReportVersion,
        working=ReportVersion.Status.RENDERING,
        send=_send_render,
        fail=lambda version, now: _mark_failed(version, _gave_up(max(version.attempts, 1)), now),
        now=now or timezone.now(),
        # Back to the queue with the old claim dropped: a render still running somewhere
        # can no longer store its result.
        reset=("claim",),
    )


@transaction.atomic
def report_version_issue(*, version: ReportVersion, by: Any, reason: str) -> ReportVersion:
    """Issue the review's report from a rendered draft: queue its final version.

    The final version is rendered afresh, with who issued it and when on its cover and
    every page (a draft's file, which says DRAFT throughout, never changes into it). The
    review's assessments are locked from now on; the review and the version become
    issued when the file is stored (see ``_finish``). Returns the final version.
    """
    reason = _required_reason(reason)
    review = Review.objects.select_for_update().get(pk=version.review_id)
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    refusal = issue_refusal(review, version)
    if refusal:
        raise ValidationError({"__all__": refusal})
    final = ReportVersion(
        review=review,
        number=_next_number(ReportVersion, review),
        requested_by=by,
        final=True,
        language=version.language,  # the issued report is the draft it was read in
        issue_reason=reason,
        sends=1,
        sent_at=timezone.now(),
    )
    final._change_reason = reason
    final._history_user = by
    final.save()
    _dispatch(final)
    return final


def report_version_require_file(*, version: ReportVersion) -> None:
    """Only a rendered version has a file to download (or to answer a HEAD request for)."""
    _require_file(version, _("This version has no file yet."))


def report_version_log_download(*, version: ReportVersion, by: Any, channel: str) -> DownloadLog:
    """Record a download, when the file is delivered."""
    report_version_require_file(version=version)
    return DownloadLog.objects.create(version=version, user=by, channel=channel)


# --- Dossiers ------------------------------------------------------------------------------

DOSSIER_TASK = "reviews.tasks.build_dossier"


def _send_dossier(dossier_id: int) -> None:
    _send(Dossier, DOSSIER_TASK, dossier_id)


def _dossier_gave_up(attempts: int) -> str:
    return _gave_up(attempts, job="build", again="Collect the dossier again")


@transaction.atomic
def dossier_request(
    *,
    by: Any,
    review: Review | None = None,
    partnership: Partnership | None = None,
    year: int | None = None,
    language: str | None = None,
) -> Dossier:
    """Queue a dossier of a review, or of a partnership and a year; it is built by a
    worker after the transaction commits, in ``language``, by default the language of the
    request (the active one)."""
    if review is not None:
        partnership, year = review.partnership, None
    elif partnership is None:
        raise ValidationError({"partnership": _("Name the partnership, or the review.")})
    elif year is None or year not in partnership.years:
        first, last = partnership.years[0], partnership.years[-1]
        raise ValidationError(
            {
                "year": _("Choose a year of the agreement, %(first)s–%(last)s.")
                % {"first": first, "last": last}
            }
        )
    from .dossier import app_version

    dossier = Dossier(
        partnership=partnership,
        review=review,
        year=year,
        requested_by=by,
        app_version=app_version(),
        language=i18n.supported(language or translation.get_language()) or settings.LANGUAGE_CODE,
        sends=1,
        sent_at=timezone.now(),
    )
    dossier._history_user = by
    dossier.save()
    dossier_id = dossier.pk
    transaction.on_commit(lambda: _send_dossier(dossier_id))
    return dossier


def dossier_build(*, dossier_id: int) -> str:
    """Build a queued dossier and store its ZIP; safe to run twice (a built or failed
    dossier is left as it is). Returns what happened ("done", "failed", "finished",
    "gave up", "superseded"...). Transient errors propagate for the task to retry; any
    other error fails the dossier with the error stated.

    The attempt's number is the run's claim: a run whose dossier was queued again by the
    resend task, or taken over by a later run, stores nothing.
    """
    from . import dossier as dossier_files

    now = timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
        if dossier is None:
            return "missing"
        if not dossier.is_pending:
            return "finished"
        if dossier.attempts >= settings.REPORT_RENDER_MAX_ATTEMPTS:
            _mark_failed(dossier, _dossier_gave_up(dossier.attempts), now)
            return "gave up"
        dossier.status = Dossier.Status.BUILDING
        dossier.attempts += 1
        dossier.started_at = now
        dossier.save(update_fields=["status", "attempts", "started_at"])
        attempt = dossier.attempts

    def build():
        dossier = Dossier.objects.select_related("partnership", "review", "requested_by").get(
            pk=dossier_id
        )
        # Its tables' labels and CSV dialect, in the language it was asked in.
        with translation.override(dossier.language):
            contents = selectors.dossier_contents(dossier=dossier, today=timezone.localdate())
            return dossier_files.build(contents)

    built, error = _run_job(build, job="build", failed=("Building dossier %s failed", dossier_id))
    return _dossier_finish(dossier_id, attempt, built=built, error=error)


def _dossier_finish(dossier_id: int, attempt: int, *, built=None, error: str = "") -> str:
    """Store the outcome if this run is still the dossier's current attempt. The file is
    written under the row lock, to the dossier's one file name."""
    now = timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
        if (
            dossier is None
            or dossier.status != Dossier.Status.BUILDING
            or dossier.attempts != attempt
        ):
            return "superseded"
        if built is None:
            _mark_failed(dossier, error, now)
            return "failed"
        name = dossier_file_name(dossier.pk)
        if default_storage.exists(name):
            default_storage.delete(name)
        dossier.file = default_storage.save(name, ContentFile(built.content))
        dossier.sha256 = built.sha256
        dossier.size = len(built.content)
        dossier.file_count = len(built.manifest["files"])
        dossier.status = Dossier.Status.DONE
        dossier.error = ""
        dossier.finished_at = now
        fields = ["file", "sha256", "size", "file_count", "status", "error", "finished_at"]
        dossier.save(update_fields=fields)
    return "done"


@transaction.atomic
def dossier_fail(*, dossier_id: int, error: str) -> None:
    """Fail a dossier still pending (the task's last retry gave up)."""
    _fail_pending(Dossier, dossier_id, error)


def dossiers_resend_stuck(*, now: datetime | None = None) -> dict[str, int]:
    """Re-send dossiers stuck in queued or building past the timeout (or never sent: the
    broker was down); fail those that have used up their attempts. No build is lost
    silently."""
    return _resend_stuck(
        Dossier,
        working=Dossier.Status.BUILDING,
        send=_send_dossier,
        fail=lambda dossier, now: _mark_failed(
            dossier, _dossier_gave_up(max(dossier.attempts, 1)), now
        ),
        now=now or timezone.now(),
    )


def dossier_require_file(*, dossier: Dossier) -> None:
    """Only a built dossier has a file to download (or to answer a HEAD request for)."""
    _require_file(dossier, _("This dossier has no file yet."))


def dossier_log_download(*, dossier: Dossier, by: Any, channel: str) -> DossierDownload:
    """Record a download, when the file is delivered."""
    dossier_require_file(dossier=dossier)
    return DossierDownload.objects.create(dossier=dossier, user=by, channel=channel)
