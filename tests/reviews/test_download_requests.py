"""A report's download log records files delivered, nothing else: a HEAD request (a link
checker, a proxy asking for the size) is answered without an entry, and a client that asks
for the PDF by its type (``Accept: application/pdf``) gets it."""

from __future__ import annotations

import pytest

from reviews.models import DownloadLog
from tests.reviews.factories import ReportVersionFactory
from tests.reviews.factories import done_version

PDF = b"%PDF-1.7 the mid-term review"


@pytest.fixture
def version(review, desk):
    return done_version(review, requested_by=desk, number=1, content=PDF)


def api_url(version) -> str:
    return f"/api/v1/report-versions/{version.pk}/download/"


def page_url(version) -> str:
    return f"/p/{version.review.partnership.slug}/reviews/versions/{version.pk}/download/"


def test_a_head_request_on_the_api_download_is_answered_but_not_logged(api_login, auditor, version):
    response = api_login(auditor).head(api_url(version))
    b"".join(response.streaming_content)  # read to its end: the client closes the file
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert not DownloadLog.objects.exists()


def test_a_head_request_on_a_version_without_a_file_is_404(api_login, review, desk):
    queued = ReportVersionFactory(review=review, number=1, requested_by=desk)
    assert api_login(desk).head(api_url(queued)).status_code == 404


def test_a_head_request_is_refused_to_whom_a_get_is_refused(api_login, outsider, version):
    assert api_login(outsider).head(api_url(version)).status_code == 404
    assert api_login(None).head(api_url(version)).status_code == 401


def test_asking_for_the_pdf_by_its_type_gets_it_and_logs_it(api_login, auditor, version):
    response = api_login(auditor).get(api_url(version), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    (entry,) = DownloadLog.objects.all()
    assert (entry.user, entry.channel) == (auditor, "api")


def test_an_error_asked_for_as_pdf_still_comes_as_json(api_login, review, desk):
    queued = ReportVersionFactory(review=review, number=1, requested_by=desk)
    response = api_login(desk).get(api_url(queued), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response.json() == {"detail": "This version has no file yet."}


def test_a_head_request_on_the_page_download_is_not_logged(login, auditor, version):
    response = login(auditor).head(page_url(version))
    b"".join(response.streaming_content)  # read to its end: the client closes the file
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not DownloadLog.objects.exists()
    response = login(auditor).get(page_url(version))
    assert b"".join(response.streaming_content) == PDF
    assert DownloadLog.objects.count() == 1
