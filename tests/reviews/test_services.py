"""Render bookkeeping, idempotence, retries, the resend of stuck renders, immutability."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import OperationalError
from django.db import transaction
from django.utils import timezone

from partnership.models import OverallGoal
from reviews import selectors
from reviews import services
from reviews import tasks
from reviews.models import GoalAssessment
from reviews.models import ReportVersion
from reviews.models import ReviewIssuedError
from tests.reviews.factories import ReportVersionFactory
from tests.reviews.factories import ReviewFactory
from tests.reviews.factories import done_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The ids handed to the broker (nothing reaches a real one)."""
    ids: list[int] = []
    monkeypatch.setattr(services, "_send_render", ids.append)
    return ids


@pytest.fixture
def fake_render(monkeypatch):
    """Replace WeasyPrint with a quick stand-in; the bookkeeping around it is real."""
    calls: list[int] = []

    def render(data, *, version_number, rendered_at, issue=None, fetcher=None):
        from reviews.rendering import RenderedReport

        calls.append((version_number, issue))
        pdf = f"%PDF-1.7 version {version_number}".encode()
        return RenderedReport(pdf=pdf, pages=1, sha256="a" * 64, data_sha256="b" * 64)

    from reviews import rendering

    monkeypatch.setattr(rendering, "render_report", render)
    return calls


def _files(settings, review) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reports" / f"review-{review.pk}"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_render_request_numbers_versions_and_sends_after_commit(
    review, desk, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = services.report_version_request(review=review, by=desk)
        assert sent == []  # not before the transaction commits
    second = services.report_version_request(review=review, by=desk)
    assert (first.number, second.number) == (1, 2)
    assert first.status == ReportVersion.Status.QUEUED
    assert len(callbacks) == 1
    assert sent == [first.pk]


def test_version_numbers_are_unique_per_review_in_the_database(review, desk):
    ReportVersionFactory(review=review, number=1, requested_by=desk)
    ReportVersionFactory(review=ReviewFactory(), number=1, requested_by=desk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.create(review=review, number=1, requested_by=desk)


def test_a_second_run_for_the_same_version_stores_one_file(review, desk, settings, fake_render):
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    assert services.report_version_render(version_id=version.pk, task_id="a") == "done"
    assert services.report_version_render(version_id=version.pk, task_id="a") == "finished"
    assert services.report_version_render(version_id=version.pk, task_id="b") == "finished"
    assert fake_render == [(1, None)]
    assert [f.name for f in _files(settings, review)] == ["version-1.pdf"]


def test_a_render_resumed_after_a_crash_replaces_the_half_written_file(
    review, desk, settings, fake_render
):
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    folder = Path(settings.MEDIA_ROOT) / "reports" / f"review-{review.pk}"
    folder.mkdir(parents=True)
    (folder / "version-1.pdf").write_bytes(b"half a file from a killed worker")
    assert services.report_version_render(version_id=version.pk, task_id="a") == "done"
    assert [f.read_bytes() for f in _files(settings, review)] == [b"%PDF-1.7 version 1"]


def test_a_live_claim_of_another_worker_is_left_alone(review, desk, fake_render):
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    claimed, _ = services._claim(version.pk, "worker-a")
    assert claimed is not None
    assert services.report_version_render(version_id=version.pk, task_id="worker-b") == "busy"
    # The same task redelivered (its worker died) takes the version back at once.
    assert services.report_version_render(version_id=version.pk, task_id="worker-a") == "done"


def test_a_superseded_run_cannot_store_its_result(review, desk, settings, fake_render):
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    _, old_claim = services._claim(version.pk, "worker-a")
    ReportVersion.objects.filter(pk=version.pk).update(
        started_at=timezone.now() - timedelta(hours=1)
    )
    services.report_versions_resend_stuck()
    from reviews.rendering import RenderedReport

    late = RenderedReport(pdf=b"%PDF late", pages=1, sha256="c" * 64, data_sha256="d" * 64)
    assert services._finish(version.pk, old_claim, rendered=late) == "superseded"
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.QUEUED
    assert _files(settings, review) == []


def test_a_render_error_fails_the_version_and_says_why(review, desk, monkeypatch):
    from reviews import rendering

    def broken(*args, **kwargs):
        raise ValueError("the template is broken")

    monkeypatch.setattr(rendering, "render_report", broken)
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    assert services.report_version_render(version_id=version.pk, task_id="a") == "failed"
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.FAILED
    assert version.error == "ValueError: the template is broken"
    assert not version.file


def test_a_render_over_its_time_limit_fails_explicitly(review, desk, monkeypatch):
    from reviews import rendering

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(rendering, "render_report", slow)
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    services.report_version_render(version_id=version.pk, task_id="a")
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.FAILED
    assert "took longer than" in version.error


def test_transient_errors_are_retried_until_the_render_succeeds(
    review, desk, monkeypatch, fake_render
):
    real = selectors.review_report_data
    failures = iter([OperationalError("database restarting")] * 2)

    def flaky(**kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real(**kwargs)

    monkeypatch.setattr(selectors, "review_report_data", flaky)
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    result = tasks.render_report_version.apply(args=[version.pk])
    assert result.get() == "done"
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.DONE
    assert version.attempts == 3


def test_transient_errors_that_never_end_fail_the_version(review, desk, monkeypatch, settings):
    settings.REPORT_RENDER_MAX_ATTEMPTS = 10

    def down(**kwargs):
        raise OperationalError("database gone")

    monkeypatch.setattr(selectors, "review_report_data", down)
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    assert tasks.render_report_version.apply(args=[version.pk]).get() == "failed"
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.FAILED
    assert version.error.startswith(f"Gave up after {tasks.MAX_RETRIES} retries")


def test_the_periodic_task_resends_stuck_versions_and_fails_exhausted_ones(
    review, desk, sent, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RENDER_STALE_AFTER = 600
    settings.REPORT_RENDER_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(seconds=601)
    fresh = ReportVersionFactory(review=review, number=1, requested_by=desk)
    lost = ReportVersionFactory(review=review, number=2, requested_by=desk, sent_at=long_ago)
    dead = ReportVersionFactory(
        review=review,
        number=3,
        requested_by=desk,
        status="rendering",
        started_at=long_ago,
        attempts=1,
        claim="old",
    )
    exhausted = ReportVersionFactory(
        review=review,
        number=4,
        requested_by=desk,
        status="rendering",
        started_at=long_ago,
        attempts=3,
        sends=3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = tasks.resend_stuck_report_versions.apply().get()
    assert counts == {"resent": 2, "failed": 1}
    assert sorted(sent) == sorted([lost.pk, dead.pk])
    for version in (fresh, lost, dead, exhausted):
        version.refresh_from_db()
    assert fresh.sends == 1
    assert (lost.status, lost.sends) == ("queued", 2)
    assert (dead.status, dead.sends, dead.claim) == ("queued", 2, "")
    assert exhausted.status == "failed"
    assert exhausted.error.startswith("The render did not finish after 3 attempt(s)")


def test_a_claim_past_the_attempt_limit_fails_the_version(review, desk, settings):
    settings.REPORT_RENDER_MAX_ATTEMPTS = 2
    version = ReportVersionFactory(review=review, number=1, requested_by=desk, attempts=2)
    assert services.report_version_render(version_id=version.pk, task_id="a") == "gave up"
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.FAILED


def test_retry_queues_a_failed_version_again_and_nothing_else(review, desk, sent):
    failed = ReportVersionFactory(
        review=review, number=1, requested_by=desk, status="failed", error="boom", attempts=3
    )
    services.report_version_retry(version=failed)
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.attempts) == ("queued", "", 0)
    with pytest.raises(ValidationError):
        services.report_version_retry(version=failed)


def _issue(review, desk, *, draft=None, reason="Approved by the head of department."):
    """Issue the review's report from a done draft; the final version is queued."""
    draft = draft or done_version(review, requested_by=desk, number=1)
    return services.report_version_issue(version=draft, by=desk, reason=reason)


def test_issuing_queues_a_final_version_that_is_issued_when_its_file_is_stored(
    review, desk, sent, fake_render, django_capture_on_commit_callbacks
):
    desk.first_name, desk.last_name = "Dorte", "Skov"
    desk.save()
    with django_capture_on_commit_callbacks(execute=True):
        final = _issue(review, desk)
    assert sent == [final.pk]
    assert (final.number, final.final, final.status, final.issued_at) == (2, True, "queued", None)
    review.refresh_from_db()
    assert review.status == "draft"  # issued when the file exists, not before

    assert services.report_version_render(version_id=final.pk, task_id="t") == "done"
    # The render was told who issued it and when: the cover prints it.
    ((number, issue),) = fake_render
    final.refresh_from_db()
    assert (number, issue.by, issue.at) == (2, "Dorte Skov", final.requested_at)
    assert (final.issued_by, final.issued_at, final.status) == (desk, final.requested_at, "done")
    review.refresh_from_db()
    assert review.status == "issued"
    # The history says who issued it and why, on the version and on the review.
    for row in (final.history.first(), review.history.first()):
        assert (row.history_user, row.history_change_reason) == (
            desk,
            "Approved by the head of department.",
        )


def test_issuing_needs_a_reason_and_a_done_draft_and_saves_nothing_otherwise(review, desk, sent):
    draft = done_version(review, requested_by=desk, number=1)
    with pytest.raises(ValidationError) as caught:
        services.report_version_issue(version=draft, by=desk, reason="  ")
    assert caught.value.message_dict == {"reason": [services.REASON_REQUIRED]}
    queued = ReportVersionFactory(review=review, number=2, requested_by=desk)
    with pytest.raises(ValidationError, match="Only a rendered"):
        services.report_version_issue(version=queued, by=desk, reason="Approved.")
    assert ReportVersion.objects.filter(final=True).count() == 0
    assert sent == []


def test_an_issued_version_never_changes(review, desk, sent, fake_render):
    final = _issue(review, desk)
    assert services.report_version_render(version_id=final.pk, task_id="t") == "done"
    review.refresh_from_db()
    assert review.status == "issued"
    stored = ReportVersion.objects.get(pk=final.pk)
    assert stored.is_issued

    stored.error = "edited"
    with pytest.raises(ReviewIssuedError):
        stored.save()
    with pytest.raises(ReviewIssuedError):
        stored.delete()
    with pytest.raises(ReviewIssuedError):
        ReportVersion.objects.filter(pk=final.pk).update(pages=99)
    with pytest.raises(ReviewIssuedError):
        ReportVersion.objects.filter(review=review).delete()
    # A render of the same version id touches nothing; no further version is rendered.
    assert services.report_version_render(version_id=final.pk, task_id="x") == "finished"
    with pytest.raises(ValidationError, match="issued with version 2"):
        services.report_version_request(review=review, by=desk)
    with pytest.raises(ValidationError):
        services.report_version_retry(version=stored)
    after = ReportVersion.objects.get(pk=final.pk)
    assert (after.sha256, after.file.name, after.pages, after.issued_at) == (
        stored.sha256,
        stored.file.name,
        stored.pages,
        stored.issued_at,
    )


def test_only_one_version_of_a_review_is_issued(review, desk, sent, fake_render):
    first = done_version(review, requested_by=desk, number=1)
    second = done_version(review, requested_by=desk, number=2)
    final = _issue(review, desk, draft=first)
    with pytest.raises(ValidationError, match="Version 3 is being rendered as the issued"):
        _issue(review, desk, draft=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.filter(pk=second.pk).update(final=True)
    services.report_version_render(version_id=final.pk, task_id="t")
    with pytest.raises(ValidationError, match="issued with version 3"):
        _issue(review, desk, draft=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.filter(pk=second.pk).update(issued_at=timezone.now())


def test_a_failed_final_render_is_retried_and_the_review_stays_locked(
    review, desk, sent, monkeypatch
):
    final = _issue(review, desk)
    from reviews import rendering

    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(rendering, "render_report", broken)
    assert services.report_version_render(version_id=final.pk, task_id="t") == "failed"
    review.refresh_from_db()
    assert review.status == "draft"
    with pytest.raises(ValidationError, match="its issued report is being rendered"):
        services.finding_create(review=review, text="Late.")
    services.report_version_retry(version=final)
    final.refresh_from_db()
    assert (final.status, final.final, final.number) == ("queued", True, 2)


def test_an_issued_review_refuses_changes_to_its_assessments(review, desk, sent):
    goal = OverallGoal.objects.get(partnership=review.partnership, number=1)
    services.goal_assessment_save(
        review=review, goal=goal, by=desk, rating="achieved", narrative="Done."
    )
    _issue(review, desk)  # locked from the moment the issued report is asked for
    with pytest.raises(ValidationError, match="issued"):
        services.goal_assessment_save(
            review=review, goal=goal, by=desk, rating="not_achieved", narrative="Changed."
        )
    with pytest.raises(ValidationError, match="issued"):
        services.finding_create(review=review, text="Late.")
    with pytest.raises(ValidationError, match="issued"):
        services.review_update(review=review, by=desk, changes={"title": "Renamed"})
    with pytest.raises(ValidationError, match="being rendered as the issued report"):
        services.report_version_request(review=review, by=desk)
    assert GoalAssessment.objects.get(review=review, goal=goal).rating == "achieved"


def test_a_goal_of_another_partnership_is_refused_at_its_field(review, desk, other_partnership):
    from tests.factories import GoalFactory

    foreign = GoalFactory(partnership=other_partnership)
    with pytest.raises(ValidationError) as caught:
        services.goal_assessment_save(
            review=review, goal=foreign, by=desk, rating="achieved", narrative="x"
        )
    assert "goal" in caught.value.message_dict
    assert not GoalAssessment.objects.exists()


def test_an_empty_narrative_is_refused_and_nothing_is_saved(review, desk):
    goal = OverallGoal.objects.get(partnership=review.partnership, number=1)
    with pytest.raises(ValidationError) as caught:
        services.goal_assessment_save(
            review=review, goal=goal, by=desk, rating="achieved", narrative=""
        )
    assert "narrative" in caught.value.message_dict
    assert not GoalAssessment.objects.exists()


def test_a_download_is_logged_only_for_a_rendered_version(review, desk):
    queued = ReportVersionFactory(review=review, number=1, requested_by=desk)
    with pytest.raises(ValidationError):
        services.report_version_log_download(version=queued, by=desk, channel="page")
    done = done_version(review, requested_by=desk, number=2)
    entry = services.report_version_log_download(version=done, by=desk, channel="api")
    assert (entry.version, entry.user, entry.channel) == (done, desk, "api")


def test_a_render_the_broker_did_not_take_is_sent_at_the_next_tick_and_costs_no_attempt(
    review, desk, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """Redis down: the request is kept, queued and marked never sent; each tick of the
    resend task during the outage tries again without using an attempt up, and the first
    after it hands the render over."""
    settings.REPORT_RENDER_MAX_ATTEMPTS = 3
    broker_up = False
    sent = []

    def send_task(name, args):
        if not broker_up:
            raise ConnectionRefusedError(111, "Connection refused")
        sent.append(args[0])

    monkeypatch.setattr(services.current_app, "send_task", send_task)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.report_version_request(review=review, by=desk)
    version.refresh_from_db()
    assert (version.status, version.sent_at, version.sends) == ("queued", None, 0)
    for _ in range(5):  # five ticks of an outage, each sending again and failing
        with django_capture_on_commit_callbacks(execute=True):
            assert services.report_versions_resend_stuck() == {"resent": 1, "failed": 0}
    version.refresh_from_db()
    assert (version.status, version.sent_at, version.sends) == ("queued", None, 0)
    broker_up = True
    with django_capture_on_commit_callbacks(execute=True):
        services.report_versions_resend_stuck()
    version.refresh_from_db()
    assert sent == [version.pk]
    assert version.sends == 1
    assert version.sent_at is not None


def test_the_render_is_sent_by_the_tasks_own_name_to_the_pdf_queue(monkeypatch, settings):
    sent = []
    monkeypatch.setattr(
        services.current_app, "send_task", lambda name, args: sent.append((name, args))
    )
    services._send_render(41)
    assert sent == [(tasks.render_report_version.name, [41])]
    route = services.current_app.amqp.router.route({}, tasks.render_report_version.name)
    assert route["queue"].name == "pdf"
