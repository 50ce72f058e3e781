"""The review pages: the role matrix, the render button, progress, downloads, verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils import translation
from django.utils.formats import date_format

from partnership.models import OverallGoal
from reviews import services
from reviews.models import DownloadLog
from reviews.models import Finding
from reviews.models import GoalAssessment
from reviews.models import PriorityAreaAssessment
from reviews.models import Recommendation
from reviews.models import ReportVersion
from reviews.models import Review
from tests.reviews.factories import ReportVersionFactory
from tests.reviews.factories import done_version
from tests.reviews.factories import issued_version

SLUG = "denmark-iom-2018-2020"
P = f"/p/{SLUG}/reviews"
ROLES = ["anonymous", "outsider", "desk", "geneva", "auditor"]
READ = {"anonymous": 302, "outsider": 404, "desk": 200, "geneva": 200, "auditor": 200}
EDIT_FORM = {"anonymous": 302, "outsider": 404, "desk": 200, "geneva": 403, "auditor": 403}
HISTORY = {"anonymous": 302, "outsider": 404, "desk": 200, "geneva": 403, "auditor": 200}
WRITE = {"anonymous": 302, "outsider": 404, "desk": 302, "geneva": 403, "auditor": 403}


@pytest.fixture
def objects(review, desk):
    finding = services.finding_create(review=review, text="A finding.")
    recommendation = services.recommendation_create(review=review, text="A recommendation.")
    done = done_version(review, requested_by=desk, number=1)
    failed = ReportVersionFactory(
        review=review, number=2, requested_by=desk, status="failed", error="boom"
    )
    return {
        "review": review.pk,
        "done": done.pk,
        "failed": failed.pk,
        "finding": finding.number,
        "recommendation": recommendation.number,
    }


PAGES = [
    ("{P}/", READ),
    ("{P}/{review}/", READ),
    ("{P}/{review}/versions/", READ),
    ("{P}/verify/", READ),
    ("{P}/versions/{done}/download/", READ),
    ("{P}/downloads/", HISTORY),
    ("{P}/dossiers/", HISTORY),
    ("{P}/dossiers/table/", HISTORY),
    ("{P}/{review}/dossiers/", HISTORY),
    ("{P}/{review}/edit/", EDIT_FORM),
    ("{P}/{review}/goals/4/", EDIT_FORM),
    ("{P}/{review}/priority-areas/1/", EDIT_FORM),
    ("{P}/{review}/findings/{finding}/", EDIT_FORM),
    ("{P}/{review}/recommendations/{recommendation}/", EDIT_FORM),
    ("{P}/versions/{done}/issue/", EDIT_FORM),
    ("{P}/{review}/findings/{finding}/delete/", EDIT_FORM),
    ("{P}/{review}/recommendations/{recommendation}/delete/", EDIT_FORM),
]


@pytest.mark.parametrize(("url", "expected"), PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_page_get(users, login, objects, url, expected, role):
    response = login(users.get(role)).get(url.format(P=P, **objects))
    response.close()
    assert response.status_code == expected[role], role
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def _count(model):
    return model.objects.count


WRITES = [
    (
        "{P}/",
        {"kind": "final", "title": "Final review", "due_description": "end of 2020"},
        _count(Review),
    ),
    (
        "{P}/{review}/goals/4/",
        {"rating": "too_early", "narrative": "Too soon."},
        _count(GoalAssessment),
    ),
    (
        "{P}/{review}/priority-areas/1/",
        {"rating": "partly_achieved", "narrative": "Some."},
        _count(PriorityAreaAssessment),
    ),
    ("{P}/{review}/findings/", {"text": "Another finding."}, _count(Finding)),
    ("{P}/{review}/recommendations/", {"text": "Another."}, _count(Recommendation)),
    ("{P}/{review}/render/", {}, _count(ReportVersion)),
    (
        "{P}/versions/{done}/issue/",
        {"reason": "Approved by the head of department."},
        lambda: ReportVersion.objects.filter(final=True).count(),
    ),
    (
        "{P}/versions/{failed}/retry/",
        {},
        lambda: ReportVersion.objects.filter(status="queued").count(),
    ),
]


@pytest.mark.parametrize(("url", "form", "measure"), WRITES)
@pytest.mark.parametrize("role", ROLES)
def test_page_post(users, login, objects, url, form, measure, role):
    before = measure()
    response = login(users.get(role)).post(url.format(P=P, **objects), form)
    assert response.status_code == WRITE[role], role
    assert measure() - before == (1 if role == "desk" else 0), role


def test_the_render_button_queues_a_version_and_sends_it_after_commit(
    review, desk, login, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[int] = []
    monkeypatch.setattr(services, "_send_render", sent.append)
    client = login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{P}/{review.pk}/render/", HTTP_HX_REQUEST="true")
    version = ReportVersion.objects.get(review=review)
    assert sent == [version.pk]
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in html  # the page polls while the render is pending
    assert "Queued" in html


def test_progress_polling_stops_when_the_render_is_done(review, desk, login):
    version = ReportVersionFactory(review=review, number=1, requested_by=desk, status="rendering")
    client = login(desk)
    assert 'hx-trigger="every 2s"' in client.get(f"{P}/{review.pk}/versions/").content.decode()
    ReportVersion.objects.filter(pk=version.pk).delete()
    done = done_version(review, requested_by=desk, number=2)
    html = client.get(f"{P}/{review.pk}/versions/").content.decode()
    assert "hx-trigger" not in html
    assert done.sha256 in html
    assert f"/versions/{done.pk}/download/" in html


def test_a_failed_render_is_shown_plainly_with_a_retry(review, desk, login):
    failed = ReportVersionFactory(
        review=review, number=1, requested_by=desk, status="failed", error="Disk full."
    )
    html = login(desk).get(f"{P}/{review.pk}/").content.decode()
    assert "The render failed: Disk full." in html
    assert f"/versions/{failed.pk}/retry/" in html


def test_a_download_is_an_uncached_attachment_with_a_safe_name_and_is_logged(
    review, desk, auditor, login
):
    review.title = 'Mid-term "review" ../../etc/passwd'
    review.save()
    version = done_version(review, requested_by=desk, number=3, content=b"%PDF-1.7 bytes")
    response = login(auditor).get(f"{P}/versions/{version.pk}/download/")
    body = b"".join(response.streaming_content)  # closes the file when exhausted
    assert body == b"%PDF-1.7 bytes"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == (
        'attachment; filename="denmark-iom-2018-2020-mid-term-review-etcpasswd-v3.pdf"'
    )
    (entry,) = DownloadLog.objects.all()
    assert (entry.user, entry.version, entry.channel) == (auditor, version, "page")


def test_a_version_without_a_file_cannot_be_downloaded(review, desk, login):
    queued = ReportVersionFactory(review=review, number=1, requested_by=desk)
    assert login(desk).get(f"{P}/versions/{queued.pk}/download/").status_code == 404
    assert not DownloadLog.objects.exists()


def test_the_download_log_lists_who_downloaded_which_version_when(
    review, desk, geneva, auditor, login
):
    version = done_version(review, requested_by=desk, number=4)
    services.report_version_log_download(version=version, by=geneva, channel="page")
    html = login(auditor).get(f"{P}/downloads/").content.decode()
    assert "geneva" in html
    assert review.title in html
    assert '<td class="num" data-label="Version">4</td>' in html
    # Written as the other pages write a time: on the site's clock, in the reader's format.
    at = timezone.localtime(DownloadLog.objects.get().at)
    assert f">{at:%-d %b %Y %H:%M}</time>" in html
    danish = login(auditor).get(f"{P}/downloads/", headers={"accept-language": "da"})
    with translation.override("da"):
        assert f">{date_format(at, 'j. b Y H.i')}</time>" in danish.content.decode()


def test_verification_by_upload_names_the_version_and_says_it_is_the_issued_report(
    review, desk, auditor, login
):
    desk.first_name, desk.last_name = "Dorte", "Skov"
    desk.save()
    done_version(review, requested_by=desk, number=1, content=b"%PDF-1.7 draft")
    issued_version(review, requested_by=desk, number=2, content=b"%PDF-1.7 exact")
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7 exact", content_type="application/pdf")
    html = login(auditor).post(f"{P}/verify/", {"file": upload}).content.decode()
    assert f"Match: {review.title}, version 2 — the issued report" in html
    assert "issued by Dorte Skov on" in html


def test_verification_of_a_draft_says_it_is_not_the_issued_report(review, desk, auditor, login):
    done_version(review, requested_by=desk, number=1, content=b"%PDF-1.7 draft")
    html = (
        login(auditor)
        .post(f"{P}/verify/", {"sha256": hashlib.sha256(b"%PDF-1.7 draft").hexdigest()})
        .content.decode()
    )
    assert f"Match: {review.title}, version 1 — a draft, not issued" in html
    assert "The review has no issued report yet." in html
    issued_version(review, requested_by=desk, number=2)
    html = (
        login(auditor)
        .post(f"{P}/verify/", {"sha256": hashlib.sha256(b"%PDF-1.7 draft").hexdigest()})
        .content.decode()
    )
    assert "a draft, not issued" in html
    assert "The review's issued report is version 2" in html


def test_verification_of_a_changed_file_matches_none(review, desk, auditor, login):
    done_version(review, requested_by=desk, number=1, content=b"%PDF-1.7 exact")
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7 exact!", content_type="application/pdf")
    html = login(auditor).post(f"{P}/verify/", {"file": upload}).content.decode()
    assert "No match" in html
    assert hashlib.sha256(b"%PDF-1.7 exact!").hexdigest() in html


def test_verification_by_pasted_sha256(review, desk, auditor, login):
    version = done_version(review, requested_by=desk, number=5)
    html = login(auditor).post(f"{P}/verify/", {"sha256": version.sha256.upper()}).content.decode()
    assert "version 5" in html


def test_verification_does_not_reveal_another_partnerships_versions(
    review, desk, outsider, other_partnership, login
):
    from tests.reviews.factories import ReviewFactory

    theirs = done_version(ReviewFactory(partnership=other_partnership), requested_by=outsider)
    html = login(desk).post(f"{P}/verify/", {"sha256": theirs.sha256}).content.decode()
    assert "No match" in html


def test_a_malformed_sha256_is_answered_at_its_field(auditor, review, login):
    response = login(auditor).post(f"{P}/verify/", {"sha256": "not-a-hash"})
    assert response.status_code == 400
    assert "64 hexadecimal characters" in response.content.decode()


def test_bad_assessment_input_is_answered_at_the_field_and_nothing_is_saved(review, desk, login):
    response = login(desk).post(f"{P}/{review.pk}/goals/4/", {"rating": "excellent"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "This field is required" in html
    assert not GoalAssessment.objects.exists()


@pytest.mark.parametrize("subject", ["goals/4", "priority-areas/1"])
def test_an_unassessed_subject_starts_on_no_assessment_and_one_must_be_chosen(
    review, desk, login, subject
):
    client = login(desk)
    url = f"{P}/{review.pk}/{subject}/"
    html = client.get(url).content.decode()
    assert '<option value="" selected>Choose…</option>' in html
    assert " selected>" not in html.replace('<option value="" selected>', "")
    response = client.post(url, {"rating": "", "narrative": "Not yet."})
    assert response.status_code == 400
    assert response.context["form"].errors == {"rating": ["Choose an assessment."]}
    danish = client.post(url, {"rating": "", "narrative": "x"}, HTTP_ACCEPT_LANGUAGE="da")
    assert danish.context["form"].errors == {"rating": ["Vælg en vurdering."]}
    assert '<option value="" selected>Vælg …</option>' in danish.content.decode()
    assert not GoalAssessment.objects.exists()
    assert not PriorityAreaAssessment.objects.exists()
    # Once assessed, the form starts on the assessment given.
    client.post(url, {"rating": "too_early", "narrative": "First."})
    html = client.get(url).content.decode()
    assert '<option value="too_early" selected>Too early to tell</option>' in html


def test_a_recommendation_offers_no_finding_and_each_finding_by_its_number_and_text(
    review, desk, login
):
    services.finding_create(review=review, text="Core funding grew slower than planned.")
    long = "Reporting on results against the strategy indicators is uneven across the regions."
    second = services.finding_create(review=review, text=long)
    client = login(desk)
    html = client.get(f"{P}/{review.pk}/").content.decode()
    assert '<option value="" selected>No finding</option>' in html
    assert ">1. Core funding grew slower than planned.</option>" in html
    start = long[:59]  # 60 characters with the ellipsis
    assert f'<option value="{second.pk}">2. {start}…</option>' in html
    client.post(f"{P}/{review.pk}/recommendations/", {"text": "Report.", "finding": second.pk})
    recommendation = Recommendation.objects.get(review=review)
    assert recommendation.finding == second
    url = f"{P}/{review.pk}/recommendations/{recommendation.number}/"
    assert f'<option value="{second.pk}" selected>2. {start}…</option>' in (
        client.get(url).content.decode()
    )
    danish = client.get(f"{P}/{review.pk}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert '<option value="" selected>Ingen konstatering</option>' in danish


def test_an_assessment_can_be_changed_and_the_page_shows_it(review, desk, login):
    client = login(desk)
    client.post(f"{P}/{review.pk}/goals/4/", {"rating": "too_early", "narrative": "First."})
    client.post(f"{P}/{review.pk}/goals/4/", {"rating": "partly_achieved", "narrative": "Then."})
    goal = OverallGoal.objects.get(partnership=review.partnership, number=4)
    assessment = GoalAssessment.objects.get(review=review, goal=goal)
    assert (assessment.rating, assessment.narrative) == ("partly_achieved", "Then.")
    assert assessment.history.count() == 2
    html = client.get(f"{P}/{review.pk}/").content.decode()
    assert "Partly achieved" in html


def test_an_issued_review_offers_no_edits(review, desk, login):
    done_version(review, requested_by=desk, number=1)
    issued_version(review, requested_by=desk, number=2)
    client = login(desk)
    html = client.get(f"{P}/{review.pk}/").content.decode()
    assert "This review is issued with version 2" in html
    assert f"{P}/{review.pk}/goals/4/" not in html
    assert "Render report" not in html
    assert "Issue…" not in html
    response = client.post(f"{P}/{review.pk}/goals/4/", {"rating": "achieved", "narrative": "x"})
    assert response.status_code == 400
    assert "This review is issued" in response.content.decode()


def test_only_a_rendered_draft_offers_issuing_and_only_until_the_report_is_asked_for(
    review, desk, geneva, login
):
    done = done_version(review, requested_by=desk, number=1)
    ReportVersionFactory(review=review, number=2, requested_by=desk, status="failed")
    ReportVersionFactory(review=review, number=3, requested_by=desk)  # queued
    table = login(desk).get(f"{P}/{review.pk}/versions/").content.decode()
    assert table.count("Issue…") == 1
    assert f"{P}/versions/{done.pk}/issue/" in table
    assert "Issue…" not in login(geneva).get(f"{P}/{review.pk}/versions/").content.decode()
    ReportVersionFactory(review=review, number=4, requested_by=desk, final=True)
    assert "Issue…" not in login(desk).get(f"{P}/{review.pk}/versions/").content.decode()


def test_the_reviews_are_in_the_partnership_navigation(review, geneva, login):
    html = login(geneva).get(f"/p/{SLUG}/").content.decode()
    assert f'href="{P}/"' in html


def test_issuing_asks_for_confirmation_and_a_reason_then_queues_the_final_version(
    review, desk, login, monkeypatch
):
    monkeypatch.setattr(services, "_send_render", lambda version_id: None)
    draft = done_version(review, requested_by=desk, number=1)
    client = login(desk)
    page = client.get(f"{P}/{review.pk}/").content.decode()
    assert f'href="{P}/versions/{draft.pk}/issue/"' in page  # a link to the confirmation
    assert f'action="{P}/versions/{draft.pk}/issue/"' not in page  # never one click

    confirm = client.get(f"{P}/versions/{draft.pk}/issue/")
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Render version 2 of the report" in html
    assert "Version 1, the draft, stays a draft." in html
    assert "Lock the review&#x27;s assessments" in html
    assert ReportVersion.objects.count() == 1  # the GET does nothing

    missing = client.post(f"{P}/versions/{draft.pk}/issue/", {"reason": "  "})
    assert missing.status_code == 400
    assert "Give a reason" in missing.content.decode()
    assert ReportVersion.objects.count() == 1

    done = client.post(f"{P}/versions/{draft.pk}/issue/", {"reason": "Approved by the head."})
    assert done.status_code == 302
    final = ReportVersion.objects.get(final=True)
    assert (final.number, final.requested_by) == (2, desk)
    assert final.issue_reason == "Approved by the head."
    assert final.history.first().history_change_reason == "Approved by the head."
    page = client.get(f"{P}/{review.pk}/").content.decode()
    assert "Version 2 is being rendered as the issued report" in page
    assert f"{P}/{review.pk}/goals/4/" not in page  # locked while it renders
    again = client.get(f"{P}/versions/{draft.pk}/issue/", follow=True)
    assert "Version 2 is being rendered as the issued report" in again.content.decode()
    assert ReportVersion.objects.filter(final=True).count() == 1


def test_the_issue_confirmation_names_the_sites_day_late_in_the_evening_in_utc(
    review, desk, login, monkeypatch
):
    """At 23:30 UTC on 30 November it is already 1 December in Copenhagen: the report is
    issued on the site's day, as its cover says."""
    draft = done_version(review, requested_by=desk, number=1)
    late = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    html = login(desk).get(f"{P}/versions/{draft.pk}/issue/").content.decode()
    assert "issued by Test desk on 1 December 2026" in html
    danish = login(desk).get(f"{P}/versions/{draft.pk}/issue/", headers={"accept-language": "da"})
    assert "udstedt af Test desk den 1. december 2026" in danish.content.decode()


def test_deleting_a_finding_asks_for_confirmation_and_keeps_the_reason(review, desk, login):
    finding = services.finding_create(review=review, text="IOM's reporting improved.")
    client = login(desk)
    edit = client.get(f"{P}/{review.pk}/findings/1/").content.decode()
    assert f'href="{P}/{review.pk}/findings/1/delete/"' in edit
    assert 'name="delete"' not in edit  # no one-click delete
    confirm = client.get(f"{P}/{review.pk}/findings/1/delete/")
    assert confirm.status_code == 200
    assert "Delete finding 1 of" in confirm.content.decode()
    assert client.post(f"{P}/{review.pk}/findings/1/delete/", {"reason": ""}).status_code == 400
    assert Finding.objects.filter(pk=finding.pk).exists()
    done = client.post(f"{P}/{review.pk}/findings/1/delete/", {"reason": "Said twice."})
    assert done.status_code == 302
    assert not Finding.objects.filter(pk=finding.pk).exists()
    deleted = Finding.history.filter(id=finding.pk).first()
    assert (deleted.history_type, deleted.history_change_reason) == ("-", "Said twice.")


def test_each_field_of_the_review_page_has_its_own_id_and_label(review, desk, login):
    """The finding's and the recommendation's forms both have a text box: each has an id
    of its own, so each label names its own box, also when a refused one comes back."""
    client = login(desk)
    for page in (
        client.get(f"{P}/{review.pk}/"),
        client.post(f"{P}/{review.pk}/recommendations/", {"text": ""}),
    ):
        html = page.content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert [i for i in set(ids) if ids.count(i) > 1] == []
        assert '<label for="finding-text">Finding:</label>' in html
        assert '<label for="recommendation-text">Recommendation:</label>' in html
    assert re.search(r'<textarea [^>]*aria-invalid="true"[^>]*id="recommendation-text"', html)
    assert not Recommendation.objects.filter(text="").exists()
