"""Measurements made inside the application's process (``manage.py bench_measure``).

Each returns plain data (JSON-ready) for the harness, which runs them against the
database of each scale and puts the figures side by side.
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction

from portfolio.seed import IOM_SLUG

from . import pages


def session_cookie(*, username: str = "desk") -> str:
    """A logged-in session for the load generator (as a log-in would make one: a desk
    officer's is signed in with a second factor, its authenticator app)."""
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.contrib.auth import HASH_SESSION_KEY
    from django.contrib.auth import SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ops.sessions import LOGGED_IN_AT
    from ops.sessions import REFRESHED_AT

    user = get_user_model().objects.get(username=username)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Authenticator app"}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # Refreshed far ahead: the run measures pages, not the once-a-minute session write.
    session[REFRESHED_AT] = int(time.time()) + 3600
    session[LOGGED_IN_AT] = int(time.time())
    session.create()
    return session.session_key


def urls() -> dict[str, str]:
    return pages.throughput_urls(pages.Objects.of_demo())


def every_url() -> dict[str, dict[str, Any]]:
    return pages.every_url(pages.Objects.of_demo())


def chaos_setup() -> dict[str, Any]:
    """What ``make chaos`` drives the app with: a desk officer's session (for the pages) and
    personal token (for the API, as a script has one), the review whose report it asks
    for, and the pages it keeps reading."""
    from accounts import services as account_services

    desk = get_user_model().objects.get(username="desk")
    _, token = account_services.api_token_create(by=desk, name="make chaos")
    objects = pages.Objects.of_demo()
    found = pages.throughput_urls(objects)
    return {
        "session": session_cookie(),
        "token": token,
        "review": objects.review,
        "pages": {label: found[label] for label in CHAOS_PAGES},
    }


CHAOS_PAGES = ("dashboard", "funding page", "API: disbursements")


# --- The review report --------------------------------------------------------------------


def _demo_review_id() -> int:
    return pages.Objects.of_demo().review


def _report_html(review_id: int) -> str:
    """The report's HTML, exactly as the render task builds it."""
    import hashlib

    from django.utils import timezone

    from reviews import rendering
    from reviews import report
    from reviews import selectors

    data = selectors.review_report_data(review_id=review_id, as_of=timezone.localdate())
    figures_json = report.figures_json(report.report_figures(data))
    return rendering.report_html(
        data,
        version_number=1,
        rendered_at=timezone.now(),
        data_sha256=hashlib.sha256(figures_json).hexdigest(),
    )


def bare_render(html: str) -> tuple[float, int]:
    """WeasyPrint alone on the report's HTML: seconds and bytes."""
    from weasyprint import HTML

    from reviews.rendering import ReportURLFetcher

    started = time.perf_counter()
    pdf = HTML(string=html, base_url=None, url_fetcher=ReportURLFetcher()).write_pdf()
    return time.perf_counter() - started, len(pdf)


def enqueue(*, count: int, review_id: int | None = None) -> list[int]:
    """Ask for ``count`` renders of the demo's review, as the page's button does."""
    from reviews import services
    from reviews.models import Review

    review = Review.objects.get(pk=review_id or _demo_review_id())
    user = get_user_model().objects.get(username="desk")
    ids = []
    for _ in range(count):
        with transaction.atomic():
            ids.append(services.report_version_request(review=review, by=user).pk)
    return ids


def wait_done(ids: list[int], *, timeout: float = 900, poll: float = 0.02) -> dict[int, str]:
    from reviews.models import ReportVersion

    deadline = time.monotonic() + timeout
    while True:
        states = dict(ReportVersion.objects.filter(pk__in=ids).values_list("pk", "status"))
        if all(s in ("done", "failed") for s in states.values()):
            return states
        if time.monotonic() > deadline:
            raise TimeoutError(f"Renders not finished after {timeout:.0f} s: {states}")
        time.sleep(poll)


def wait_rendering(ids: list[int], *, timeout: float = 120) -> None:
    from reviews.models import ReportVersion

    deadline = time.monotonic() + timeout
    while ReportVersion.objects.filter(pk__in=ids, status="queued").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("No worker took the renders.")
        time.sleep(0.05)


def report_job(review_id: int | None = None) -> tuple[float, int]:
    """Enqueue → worker → stored file, as a user waits for it: seconds and bytes."""
    from reviews.models import ReportVersion

    started = time.perf_counter()
    [version_id] = enqueue(count=1, review_id=review_id)
    states = wait_done([version_id])
    seconds = time.perf_counter() - started
    if states[version_id] != "done":
        error = ReportVersion.objects.get(pk=version_id).error
        raise RuntimeError(f"The render failed: {error}")
    return seconds, ReportVersion.objects.get(pk=version_id).size


def report(*, repeats: int) -> dict[str, Any]:
    """The whole job against a bare render of the same HTML, alternated, ``repeats`` each.

    A job and a bare render of the smallest review first, uncounted: the worker and this
    process load WeasyPrint and its fonts once."""
    from reviews.models import Review

    review_id = _demo_review_id()
    html = _report_html(review_id)
    smallest = Review.objects.exclude(partnership__slug=IOM_SLUG).order_by("pk").first()
    warm_up = smallest.pk if smallest else review_id
    report_job(warm_up)
    bare_render(_report_html(warm_up))
    jobs, bares = [], []
    job_bytes = bare_bytes = 0
    for _ in range(repeats):
        seconds, job_bytes = report_job()
        jobs.append(seconds)
        seconds, bare_bytes = bare_render(html)
        bares.append(seconds)
    return {
        "job_s": jobs,
        "bare_s": bares,
        "html_bytes": len(html.encode()),
        "job_pdf_bytes": job_bytes,
        "bare_pdf_bytes": bare_bytes,
    }


# --- The Annex IV import --------------------------------------------------------------------

IMPORT_YEARS = tuple(range(2008, 2018))  # ten year columns: 10,000 projects = 100,000 rows
IMPORT_REGIONS = ("Asia and the Pacific", "East and Horn of Africa", "Southern Africa")


def import_rows(rows: int) -> list[dict[str, Any]]:
    """``rows`` yearly figures of ``rows / 10`` projects, the same every time."""
    result = []
    projects = rows // len(IMPORT_YEARS)
    for number in range(projects):
        region = IMPORT_REGIONS[number % len(IMPORT_REGIONS)]
        for offset, year in enumerate(IMPORT_YEARS):
            result.append(
                {
                    "region": region,
                    "country": f"Country {number % 40:02d}",
                    "donor": "Denmark",
                    "donor_unit": "Denmark - Ministry of Foreign Affairs",
                    "project_code": f"BX{number:06d}",
                    "title": f"Migration management programme {number}",
                    "year": year,
                    "amount": 1_000 + (number * 7919 + offset * 104_729) % 900_000,
                }
            )
    return result


def import_file(rows: list[dict[str, Any]]) -> bytes:
    """The rows in Annex IV's layout: a region row, then its projects, one row a project."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "Table", "Level", "Region / Country", "Donor", "Donor (specific)", "Project Code",
            "Project Title", *map(str, IMPORT_YEARS), "Total", "%",
        ]
    )  # fmt: skip
    by_project: dict[str, list[dict]] = {}
    for row in rows:
        by_project.setdefault(row["project_code"], []).append(row)
    for region in IMPORT_REGIONS:
        projects = [p for p in by_project.values() if p[0]["region"] == region]
        totals = [sum(p[i]["amount"] for p in projects) for i in range(len(IMPORT_YEARS))]
        writer.writerow(["All Projects", "", region, "", "", "", "", *totals, sum(totals), ""])
        for project in projects:
            first = project[0]
            amounts = [r["amount"] for r in project]
            writer.writerow(
                [
                    "All Projects", "", first["country"], first["donor"], first["donor_unit"],
                    first["project_code"], first["title"], *amounts, sum(amounts), "",
                ]
            )  # fmt: skip
    return buffer.getvalue().encode("utf-8")


class _UndoError(Exception):
    """Rolls a measured transaction back: each try starts from the same database."""


def _timed_and_undone(prepare, action) -> tuple[float, Any]:
    """Time ``action(prepare())`` (not ``prepare``) in a transaction that is rolled back."""
    result = None
    try:
        with transaction.atomic():
            prepared = prepare()
            started = time.perf_counter()
            result = action(prepared)
            seconds = time.perf_counter() - started
            raise _UndoError
    except _UndoError:
        pass
    return seconds, result


def import_contributions(*, rows: int, repeats: int) -> dict[str, Any]:
    """The import of a file of ``rows`` contributions against a bare bulk insert of the
    same rows, alternated; each in a transaction rolled back afterwards."""
    from decimal import Decimal

    from funding import services as funding_services
    from funding.models import ContributionImport
    from funding.models import VoluntaryContribution
    from partnership.models import Partnership

    demo = Partnership.objects.get(slug=IOM_SLUG)
    user = get_user_model().objects.get(username="desk")
    data = import_rows(rows)
    content = import_file(data)

    def new_partnership():
        """A partnership of its own: the demo's annex already states these regions' totals."""
        return Partnership.objects.create(
            donor=demo.donor,
            organisation=demo.organisation,
            title="Benchmark import",
            slug="benchmark-import",
            start_date=demo.start_date,
            end_date=demo.end_date,
            annual_amount=demo.annual_amount,
        )

    def full_import(partnership):
        result = funding_services.voluntary_contributions_import(
            partnership=partnership, content=content, filename="bench.csv", by=user
        )
        return result.record.contributions_added

    def bare_insert(partnership):
        record = ContributionImport.objects.create(
            partnership=partnership, filename="bench.csv", sha256="0" * 64, imported_by=user
        )
        objects = [
            VoluntaryContribution(
                partnership=partnership,
                source_import=record,
                source_table="all_projects",
                source_row=index + 2,
                project_code=row["project_code"],
                title=row["title"],
                region=row["region"],
                country=row["country"],
                donor=row["donor"],
                donor_unit=row["donor_unit"],
                year=row["year"],
                amount=Decimal(row["amount"]),
            )
            for index, row in enumerate(data)
        ]
        return len(VoluntaryContribution.objects.bulk_create(objects))

    imports, bares = [], []
    for _ in range(repeats):
        seconds, added = _timed_and_undone(new_partnership, full_import)
        if added != rows:
            raise AssertionError(f"The import added {added} rows, not {rows}.")
        imports.append(seconds)
        seconds, added = _timed_and_undone(new_partnership, bare_insert)
        bares.append(seconds)
    return {"rows": rows, "file_bytes": len(content), "import_s": imports, "bare_s": bares}
