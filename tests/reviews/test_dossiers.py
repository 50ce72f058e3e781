"""The auditor's dossier: a ZIP of the issued report, the tables behind it (CSV and XLSX),
the change history and the download log, with a manifest of every file's SHA-256 and
size; collected by a Celery job, downloaded (and logged) through the pages and the API,
and verified by its own SHA-256 on the verification page."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from funding import services as funding_services
from funding.models import BudgetLine
from funding.models import Component
from partnership.models import OverallGoal
from reviews import dossier as dossier_files
from reviews import services
from reviews import tasks
from reviews.models import Dossier
from reviews.models import DossierDownload
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.reviews.pdfs import render
from tests.reviews.pdfs import stored

SLUG = "denmark-iom-2018-2020"
TABLES = [
    "budget-lines", "disbursements", "allocations", "assessed-contributions", "goal-updates",
    "risk-assessments", "consultation-notes", "action-points",
]  # fmt: skip


def _zip(dossier: Dossier) -> bytes:
    with default_storage.open(dossier.file.name, "rb") as handle:
        return handle.read()


def _build(dossier: Dossier) -> Dossier:
    assert services.dossier_build(dossier_id=dossier.pk) == "done"
    dossier.refresh_from_db()
    return dossier


def _read(content: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name)


def _manifest(content: bytes) -> dict:
    return json.loads(_read(content, "manifest.json"))


def _csv(content: bytes, name: str) -> list[list[str]]:
    text = _read(content, name).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def issued(demo_review, desk):
    """The demo review with a payment and a goal update, issued (its final version)."""
    line = BudgetLine.objects.get(
        partnership=demo_review.partnership, year=2018, component=Component.CORE
    )
    funding_services.disbursement_create(
        budget_line=line, by=desk, value_date=dt.date(2018, 3, 15), amount=Decimal(7_500_000),
        currency="DKK", reference="MFA-2018-0042",
    )  # fmt: skip
    goal = OverallGoal.objects.get(partnership=demo_review.partnership, number=2)
    factories.GoalUpdateFactory(
        goal=goal, author=desk, as_of=dt.date(2019, 5, 1), narrative='=HYPERLINK("x")'
    )
    draft = render(demo_review, desk)
    final = services.report_version_issue(version=draft, by=desk, reason="Approved.")
    assert services.report_version_render(version_id=final.pk, task_id="t2") == "done"
    final.refresh_from_db()
    return final


def test_the_demo_reviews_dossier_verifies_against_its_manifest(issued, auditor):
    review = issued.review
    dossier = _build(services.dossier_request(review=review, by=auditor))
    content = _zip(dossier)
    manifest = _manifest(content)

    assert hashlib.sha256(content).hexdigest() == dossier.sha256
    assert len(content) == dossier.size
    assert dossier_files.verify(content) == []
    assert manifest["app_version"] == "0.1.0" == dossier.app_version
    assert manifest["dossier"]["review"] == review.pk
    assert manifest["dossier"]["period"]["start"] == "2018-01-01"
    paths = [entry["path"] for entry in manifest["files"]]
    assert dossier.file_count == len(paths)
    (report,) = [e for e in manifest["files"] if e["kind"] == "report"]
    assert (report["status"], report["version"]) == ("issued", issued.number)
    assert report["sha256"] == issued.sha256  # the very file that was issued
    assert _read(content, report["path"]) == stored(issued)
    for table in TABLES:
        assert f"tables/{table}.csv" in paths
        assert f"tables/{table}.xlsx" in paths
    assert {"change-history.csv", "download-log.csv"} <= set(paths)
    statuses = [(v["number"], v["status"], v["final"], v["in_dossier"]) for v in manifest[
        "report_versions"
    ]]  # fmt: skip
    assert statuses == [(2, "done", True, True), (1, "done", False, False)]


def test_a_dossier_whose_files_were_changed_no_longer_verifies(issued, auditor):
    content = _zip(_build(services.dossier_request(review=issued.review, by=auditor)))
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for name in source.namelist():
            data = source.read(name)
            if name == "tables/disbursements.csv":
                data = data.replace(b"7500000", b"7600000")
            target.writestr(name, data)
    assert dossier_files.verify(buffer.getvalue()) == [
        "tables/disbursements.csv: differs from the manifest"
    ]


def test_the_tables_hold_the_rows_and_neutralise_formulas(issued, auditor):
    content = _zip(_build(services.dossier_request(review=issued.review, by=auditor)))
    payments = _csv(content, "tables/disbursements.csv")
    assert payments[0][:4] == ["year", "component", "kind", "value date"]
    assert [row[-3] for row in payments[1:]] == ["MFA-2018-0042"]
    updates = _csv(content, "tables/goal-updates.csv")
    (row,) = updates[1:]
    assert row[1] == "2"
    assert row[6] == '\'=HYPERLINK("x")'  # shown as text, never run
    sheet = openpyxl.load_workbook(io.BytesIO(_read(content, "tables/goal-updates.xlsx"))).active
    assert sheet.cell(row=2, column=7).value == '\'=HYPERLINK("x")'
    budget = _csv(content, "tables/budget-lines.csv")
    assert len(budget) == 1 + 12  # section 5's twelve lines
    history = _csv(content, "change-history.csv")
    assert history[0] == ["when", "who", "kind", "object", "action", "field", "from", "to",
                          "reason"]  # fmt: skip
    assert any(row[4] == "created" and row[2] == "Disbursement" for row in history[1:])


def test_the_download_log_in_the_dossier_holds_the_reports_downloads(issued, auditor):
    services.report_version_log_download(version=issued, by=auditor, channel="page")
    content = _zip(_build(services.dossier_request(review=issued.review, by=auditor)))
    rows = _csv(content, "download-log.csv")
    assert rows[0] == ["when", "who", "what", "of", "version or dossier", "through"]
    assert [row[1:] for row in rows[1:]] == [
        ["auditor", "report", issued.review.title, str(issued.number), "Page"]
    ]


def test_a_review_not_yet_issued_gives_its_latest_draft_marked_so(demo_review, desk, auditor):
    draft = render(demo_review, desk)
    manifest = _manifest(_zip(_build(services.dossier_request(review=demo_review, by=auditor))))
    (report,) = [e for e in manifest["files"] if e["kind"] == "report"]
    assert (report["status"], report["version"], report["sha256"]) == ("draft", 1, draft.sha256)


def test_a_years_dossier_holds_that_year_only(demo_review, desk, auditor):
    meeting = consultation_factories.consultation(demo_review.partnership, year=2020)
    consultation_factories.ActionPointFactory(consultation=meeting, description="Of 2020")
    meeting_2019 = demo_review.partnership.consultations.get(year=2019)
    consultation_factories.ActionPointFactory(consultation=meeting_2019, description="Of 2019")
    dossier = _build(
        services.dossier_request(partnership=demo_review.partnership, year=2019, by=auditor)
    )
    content = _zip(dossier)
    budget = _csv(content, "tables/budget-lines.csv")
    assert {row[0] for row in budget[1:]} == {"2019"}
    assert len(budget) == 1 + 4
    points = _csv(content, "tables/action-points.csv")
    assert [row[2] for row in points[1:]] == ["Of 2019"]
    manifest = _manifest(content)
    assert manifest["dossier"]["period"] == {"start": "2019-01-01", "end": "2019-12-31"}
    assert not [e for e in manifest["files"] if e["kind"] == "report"]  # none issued in 2019


def test_a_year_outside_the_agreement_is_refused_at_the_year(iom, auditor):
    with pytest.raises(ValidationError) as caught:
        services.dossier_request(partnership=iom, year=2017, by=auditor)
    assert caught.value.message_dict == {"year": ["Choose a year of the agreement, 2018–2020."]}


def test_the_build_is_sent_after_commit_and_safe_to_run_twice(
    review, auditor, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[int] = []
    monkeypatch.setattr(services, "_send_dossier", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_request(review=review, by=auditor)
    assert sent == [dossier.pk]
    assert dossier.status == "queued"
    built = _build(dossier)
    assert services.dossier_build(dossier_id=dossier.pk) == "finished"
    built_again = Dossier.objects.get(pk=dossier.pk)
    assert (built_again.sha256, built_again.attempts) == (built.sha256, 1)


# --- The API and the pages -------------------------------------------------------------------


def test_the_api_queues_a_reviews_dossier_and_downloads_it_logged(issued, auditor, api_login):
    client = api_login(auditor)
    response = client.post(f"/api/v1/reviews/{issued.review_id}/dossier/")
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["review"], body["year"]) == ("queued", issued.review_id, None)
    assert [(v["number"], v["status"], v["final"]) for v in body["report_versions"]] == [
        (2, "done", True),
        (1, "done", False),
    ]
    dossier = _build(Dossier.objects.get(pk=body["id"]))
    assert client.get(f"/api/v1/dossiers/{dossier.pk}/").json()["sha256"] == dossier.sha256
    download = client.get(f"/api/v1/dossiers/{dossier.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content) == _zip(dossier)
    (entry,) = DossierDownload.objects.all()
    assert (entry.user, entry.channel, entry.dossier) == (auditor, "api", dossier)


def test_the_api_queues_a_partnerships_dossier_for_a_year(iom, desk, api_login):
    client = api_login(desk)
    response = client.post("/api/v1/dossiers/", {"partnership": SLUG, "year": 2019}, format="json")
    assert response.status_code == 202
    assert (response.json()["year"], response.json()["status"]) == (2019, "queued")
    refused = client.post("/api/v1/dossiers/", {"partnership": SLUG, "year": 2031}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"year": ["Choose a year of the agreement, 2018–2020."]}


def test_mission_staff_may_neither_collect_nor_download_a_dossier(review, geneva, auditor, login):
    dossier = _build(services.dossier_request(review=review, by=auditor))
    client = login(geneva)
    assert client.post(f"/p/{SLUG}/reviews/{review.pk}/dossier/").status_code == 403
    assert client.get(f"/p/{SLUG}/reviews/dossiers/").status_code == 403
    assert client.get(f"/p/{SLUG}/reviews/dossiers/{dossier.pk}/download/").status_code == 403
    assert "Collect the dossier" not in client.get(review.get_absolute_url()).content.decode()


def test_an_auditor_collects_a_dossier_on_the_review_page_and_downloads_it(review, auditor, login):
    client = login(auditor)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Collect the dossier" in page
    response = client.post(f"/p/{SLUG}/reviews/{review.pk}/dossier/")
    assert response.status_code == 302
    dossier = _build(Dossier.objects.get(review=review))
    listing = client.get(f"/p/{SLUG}/reviews/dossiers/").content.decode()
    assert f"/p/{SLUG}/reviews/dossiers/{dossier.pk}/download/" in listing
    assert dossier.sha256 in listing
    download = client.get(f"/p/{SLUG}/reviews/dossiers/{dossier.pk}/download/")
    assert download.status_code == 200
    assert download["Cache-Control"] == "no-store"
    assert b"".join(download.streaming_content) == _zip(dossier)
    assert DossierDownload.objects.get().channel == "page"
    log = client.get(f"/p/{SLUG}/reviews/downloads/").content.decode()
    assert f"{dossier.pk}</a>: {review.title}" in log


def test_a_years_dossier_is_collected_on_the_dossiers_page(iom, desk, login):
    client = login(desk)
    response = client.post(f"/p/{SLUG}/reviews/dossiers/", {"year": "2020"})
    assert response.status_code == 302
    assert Dossier.objects.get().year == 2020
    refused = client.post(f"/p/{SLUG}/reviews/dossiers/", {"year": "2017"})
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()


def test_the_verification_page_recognises_a_dossier_by_its_sha256(review, auditor, login):
    dossier = _build(services.dossier_request(review=review, by=auditor))
    content = _zip(dossier)
    client = login(auditor)
    upload = ContentFile(content, name="dossier.zip")
    page = client.post(f"/p/{SLUG}/reviews/verify/", {"file": upload}).content.decode()
    assert f"Match: dossier {dossier.pk}" in page
    changed = ContentFile(content + b"\x00", name="dossier.zip")
    page = client.post(f"/p/{SLUG}/reviews/verify/", {"file": changed}).content.decode()
    assert "No match" in page


def test_a_build_that_fails_says_why_on_the_dossier(review, auditor, monkeypatch, login):
    def broken(contents, **kwargs):
        raise ValueError("the disk is full")

    monkeypatch.setattr(dossier_files, "build", broken)
    dossier = services.dossier_request(review=review, by=auditor)
    assert services.dossier_build(dossier_id=dossier.pk) == "failed"
    dossier.refresh_from_db()
    assert (dossier.status, dossier.error) == ("failed", "ValueError: the disk is full")
    page = login(auditor).get(f"/p/{SLUG}/reviews/dossiers/").content.decode()
    assert "ValueError: the disk is full" in page


# --- The dossier's language ----------------------------------------------------------------


def _danish_csv(content: bytes, name: str) -> list[list[str]]:
    raw = _read(content, name)
    assert raw.startswith("\ufeff".encode())  # the byte-order mark Danish Excel reads
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_a_dossier_asked_for_in_danish_is_built_in_danish(issued, auditor, login, settings):
    """The language is the one of the request, kept on the dossier: the worker builds it in
    that language whatever its own (semicolons, decimal commas, the labels in Danish)."""
    client = login(auditor)
    response = client.post(
        f"/p/{SLUG}/reviews/{issued.review_id}/dossier/", HTTP_ACCEPT_LANGUAGE="da"
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.language == "da"
    services.report_version_log_download(version=issued, by=auditor, channel="page")
    content = _zip(_build(dossier))
    assert _manifest(content)["dossier"]["language"] == "da"
    payments = _danish_csv(content, "tables/disbursements.csv")
    assert payments[0][:4] == ["year", "component", "kind", "value date"]  # identifiers
    (payment,) = payments[1:]
    assert "7500000,00" in payment
    log = _danish_csv(content, "download-log.csv")
    assert log[1][-1] == "Side"
    history = _danish_csv(content, "change-history.csv")
    assert ("Organisation", "Navn") in {(row[2], row[5]) for row in history[1:]}  # its field
    assert any(row[4] == "oprettet" for row in history[1:])


def test_the_api_keeps_the_language_a_dossier_was_asked_in(issued, auditor, api_login):
    client = api_login(auditor)
    danish = client.post(f"/api/v1/reviews/{issued.review_id}/dossier/", HTTP_ACCEPT_LANGUAGE="da")
    assert danish.json()["language"] == "da"
    english = client.post(f"/api/v1/reviews/{issued.review_id}/dossier/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["language"] == "en-gb"
    content = _zip(_build(Dossier.objects.get(pk=english.json()["id"])))
    assert "7500000.00" in _csv(content, "tables/disbursements.csv")[1]
    assert _manifest(content)["dossier"]["language"] == "en-gb"


# --- A build stuck, lost or never sent is sent again ---------------------------------------


@pytest.fixture
def sent_dossiers(monkeypatch):
    """The dossiers handed to the broker (nothing reaches a real one)."""
    ids: list[int] = []
    monkeypatch.setattr(services, "_send_dossier", ids.append)
    return ids


def _dossier(review, by, **fields) -> Dossier:
    dossier = services.dossier_request(review=review, by=by)
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    dossier.refresh_from_db()
    return dossier


def test_the_periodic_task_resends_stuck_dossiers_and_fails_exhausted_ones(
    review, auditor, sent_dossiers, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RENDER_STALE_AFTER = 600
    settings.REPORT_RENDER_MAX_ATTEMPTS = 3
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=601)
    fresh = _dossier(review, auditor)
    lost = _dossier(review, auditor, sent_at=long_ago)
    dead = _dossier(review, auditor, status="building", started_at=long_ago, attempts=1)
    exhausted = _dossier(
        review, auditor, status="building", started_at=long_ago, attempts=3, sends=3
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = tasks.resend_stuck_dossiers.apply().get()
    assert counts == {"resent": 2, "failed": 1}
    assert sorted(sent_dossiers) == sorted([lost.pk, dead.pk])
    for dossier in (fresh, lost, dead, exhausted):
        dossier.refresh_from_db()
    assert (fresh.status, fresh.sends) == ("queued", 1)  # left alone
    assert (lost.status, lost.sends) == ("queued", 2)
    assert (dead.status, dead.sends, dead.attempts) == ("queued", 2, 1)
    assert exhausted.status == "failed"
    assert exhausted.error == (
        "The build did not finish after 3 attempt(s) (the worker stopped or the build timed "
        "out). Collect the dossier again, or ask an administrator."
    )
    assert exhausted.finished_at is not None


def test_a_stuck_build_is_sent_again_and_then_built_once(
    review, auditor, sent_dossiers, settings, django_capture_on_commit_callbacks
):
    """The worker died in the middle of the build: the resend queues it again, the next
    run builds it, and a late end of the lost run stores nothing."""
    settings.REPORT_RENDER_STALE_AFTER = 600
    dossier = _dossier(review, auditor)
    assert services.dossier_build(dossier_id=dossier.pk) == "done"  # the lost run's files
    Dossier.objects.filter(pk=dossier.pk).update(
        status="building", started_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.dossiers_resend_stuck() == {"resent": 1, "failed": 0}
    assert sent_dossiers == [dossier.pk]
    assert services._dossier_finish(dossier.pk, 1, error="late") == "superseded"
    built = _build(dossier)
    assert (built.status, built.attempts, built.sends) == ("done", 2, 2)
    assert dossier_files.verify(_zip(built)) == []
    assert services.dossier_build(dossier_id=dossier.pk) == "finished"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.dossiers_resend_stuck() == {"resent": 0, "failed": 0}
    assert sent_dossiers == [dossier.pk]
    assert default_storage.listdir("dossiers")[1] == [f"dossier-{dossier.pk}.zip"]


def test_a_run_that_was_taken_over_stores_nothing(review, auditor, monkeypatch):
    """A later run (the task delivered again) counts another attempt: the earlier run's
    outcome, failure or file, is no longer the dossier's."""
    dossier = _dossier(review, auditor, status="building", attempts=2)
    assert services._dossier_finish(dossier.pk, 1, error="ValueError: late") == "superseded"
    dossier.refresh_from_db()
    assert (dossier.status, dossier.error) == ("building", "")


def test_a_build_past_the_attempt_limit_fails_the_dossier(review, auditor, settings):
    settings.REPORT_RENDER_MAX_ATTEMPTS = 2
    dossier = _dossier(review, auditor, status="building", attempts=2)
    assert services.dossier_build(dossier_id=dossier.pk) == "gave up"
    dossier.refresh_from_db()
    assert dossier.status == "failed"
    assert dossier.error.startswith("The build did not finish after 2 attempt(s)")


def test_a_build_over_its_time_limit_fails_explicitly(review, auditor, monkeypatch):
    def slow(contents, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(dossier_files, "build", slow)
    dossier = _dossier(review, auditor)
    assert services.dossier_build(dossier_id=dossier.pk) == "failed"
    dossier.refresh_from_db()
    assert (dossier.status, dossier.error) == ("failed", "The build took longer than 240 s.")


def test_a_dossier_the_broker_did_not_take_is_sent_at_the_next_tick_and_costs_no_attempt(
    review, auditor, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """Redis down when the dossier is asked for: it is kept, queued and marked never sent;
    each tick of the resend task during the outage tries again without using an attempt
    up, and the first after it hands the build over."""
    settings.REPORT_RENDER_MAX_ATTEMPTS = 3
    broker_up = False
    sent = []

    def send_task(name, args):
        if not broker_up:
            raise ConnectionRefusedError(111, "Connection refused")
        sent.append((name, args))

    monkeypatch.setattr(services.current_app, "send_task", send_task)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_request(review=review, by=auditor)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.sent_at, dossier.sends) == ("queued", None, 0)
    for _ in range(5):  # five ticks of an outage, each sending again and failing
        with django_capture_on_commit_callbacks(execute=True):
            assert services.dossiers_resend_stuck() == {"resent": 1, "failed": 0}
    dossier.refresh_from_db()
    assert (dossier.status, dossier.sent_at, dossier.sends) == ("queued", None, 0)
    broker_up = True
    with django_capture_on_commit_callbacks(execute=True):
        assert services.dossiers_resend_stuck() == {"resent": 1, "failed": 0}
    dossier.refresh_from_db()
    assert sent == [(tasks.build_dossier.name, [dossier.pk])]
    assert (dossier.sends, dossier.status) == (1, "queued")
    assert dossier.sent_at is not None
    with django_capture_on_commit_callbacks(execute=True):  # sent: nothing more to do
        assert services.dossiers_resend_stuck() == {"resent": 0, "failed": 0}
    assert _build(dossier).status == "done"


def test_the_beat_runs_the_dossier_resend_as_often_as_the_report_versions(settings):
    from celery import current_app

    schedule = settings.CELERY_BEAT_SCHEDULE
    dossiers = schedule["reviews-resend-stuck-dossiers"]
    assert dossiers["task"] == tasks.resend_stuck_dossiers.name
    assert dossiers["task"] in current_app.tasks
    versions = schedule["reviews-resend-stuck-report-versions"]
    assert dossiers["schedule"] == versions["schedule"] == settings.REPORT_RESEND_INTERVAL


# --- The table refreshes itself while a dossier is being collected ---------------------------

POLLS = 'hx-trigger="every 2s"'


@pytest.mark.parametrize("where", ["list", "review"])
def test_the_dossiers_table_polls_while_one_is_pending_and_stops_when_all_are_done(
    review, auditor, login, where
):
    """On the dossiers page and on the review's: the table asks for itself again every two
    seconds while a dossier is queued or building, and no more once each is built."""
    client = login(auditor)
    page = f"/p/{SLUG}/reviews/dossiers/" if where == "list" else review.get_absolute_url()
    table = f"/p/{SLUG}/reviews/dossiers/table/" if where == "list" else (
        f"/p/{SLUG}/reviews/{review.pk}/dossiers/"
    )  # fmt: skip
    assert POLLS not in client.get(page).content.decode()  # none asked for: no polling
    done = _build(services.dossier_request(review=review, by=auditor))
    queued = services.dossier_request(review=review, by=auditor)
    for url in (page, table):
        html = client.get(url).content.decode()
        assert f'hx-get="{table}" {POLLS} hx-swap="outerHTML"' in html, url
        assert 'aria-live="polite"' in html
        # Without the script the page still says where each one stands.
        assert "Queued" in html
        assert "Being collected…" in html
    _build(queued)
    html = client.get(table).content.decode()
    assert "hx-get" not in html
    assert 'aria-live="polite"' in html
    assert "Being collected" not in html
    assert html.count("Download the ZIP") == 2
    assert done.sha256 in html
    assert POLLS not in client.get(page).content.decode()


def test_a_failed_dossier_stops_the_polling_and_says_why(review, auditor, login, monkeypatch):
    def broken(contents, **kwargs):
        raise ValueError("the disk is full")

    monkeypatch.setattr(dossier_files, "build", broken)
    services.dossier_build(dossier_id=services.dossier_request(review=review, by=auditor).pk)
    html = login(auditor).get(f"/p/{SLUG}/reviews/dossiers/table/").content.decode()
    assert POLLS not in html
    assert "ValueError: the disk is full" in html


def test_the_review_pages_table_lists_that_reviews_dossiers_only(iom, review, auditor, login):
    services.dossier_request(partnership=iom, year=2019, by=auditor)
    mine = services.dossier_request(review=review, by=auditor)
    client = login(auditor)
    html = client.get(f"/p/{SLUG}/reviews/{review.pk}/dossiers/").content.decode()
    assert "The year 2019" not in html
    assert f'data-label="Dossier">{mine.pk}<' in html
    listing = client.get(f"/p/{SLUG}/reviews/dossiers/table/").content.decode()
    assert "The year 2019" in listing
