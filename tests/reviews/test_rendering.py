"""The report read back from the PDF, and the URL fetcher that keeps the render closed."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import socket
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from funding import seed as funding_seed
from partnership.models import OverallGoal
from partnership.models import Risk
from reviews import rendering
from reviews import report
from reviews import selectors
from reviews import services
from reviews.models import Rating
from reviews.models import ReportVersion
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.reviews.factories import ReportVersionFactory

AS_OF = dt.date(2019, 10, 1)

HOSTILE = (
    '<img src="file:///etc/passwd"> '
    '<link rel="attachment" href="file:///etc/hostname"> '
    '<img src="http://169.254.169.254/latest/meta-data/"> '
    '<link rel="stylesheet" href="https://example.org/x.css">'
)
RATINGS = list(Rating)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _attachment(pdf: bytes, suffix: str) -> bytes:
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    (name,) = [name for name in attachments if name.endswith(suffix)]
    return attachments[name][0]


def _flat(text: str) -> str:
    """Text with line breaks and runs of spaces folded, for phrases that wrap."""
    return " ".join(text.split())


@pytest.fixture
def assessed_review(review, desk):
    """Every goal assessed (ratings in turn), updates and risk ratings in the tracker."""
    for index, goal in enumerate(OverallGoal.objects.filter(partnership=review.partnership)):
        services.goal_assessment_save(
            review=review,
            goal=goal,
            by=desk,
            rating=RATINGS[index % len(RATINGS)],
            narrative=f"Narrative of goal {goal.number} in the review.",
        )
        factories.GoalUpdateFactory(goal=goal, author=desk, narrative=f"Update of {goal.number}")
    for risk in Risk.objects.filter(partnership=review.partnership):
        factories.RiskAssessmentFactory(risk=risk, author=desk)
    return review


def _stored(version: ReportVersion) -> bytes:
    with default_storage.open(version.file.name) as stored:
        return stored.read()


def _render(review, desk) -> ReportVersion:
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    assert services.report_version_render(version_id=version.pk, task_id="t1") == "done"
    version.refresh_from_db()
    return version


def test_the_pdf_holds_every_goal_and_its_assessment_and_matches_what_is_stored(
    assessed_review, desk
):
    version = _render(assessed_review, desk)
    pdf = _stored(version)
    reader = PdfReader(io.BytesIO(pdf))
    text = _flat(_pdf_text(pdf))

    assert version.status == ReportVersion.Status.DONE
    assert hashlib.sha256(pdf).hexdigest() == version.sha256
    assert len(pdf) == version.size
    assert len(reader.pages) == version.pages > 5
    for goal in OverallGoal.objects.filter(partnership=assessed_review.partnership):
        assessment = assessed_review.goal_assessments.get(goal=goal)
        assert _flat(f"Goal {goal.number}: {goal.text}") in text
        assert f"Narrative of goal {goal.number} in the review." in text
        assert f"Assessment: {assessment.get_rating_display()}" in text
        assert f"Update of {goal.number}" in text
    for risk in Risk.objects.filter(partnership=assessed_review.partnership):
        assert _flat(f"Risk {risk.number}: {risk.title}") in text
    assert f"Page 1 of {version.pages}" in text
    assert f"Page {version.pages} of {version.pages}" in text
    assert "Version 1 · rendered" in text
    assert version.data_sha256[:16] in text


def test_the_figures_are_attached_as_json_and_csv_and_the_footer_hash_is_theirs(
    assessed_review, desk
):
    version = _render(assessed_review, desk)
    reader = PdfReader(io.BytesIO(_stored(version)))
    attachments = reader.attachments
    stem = f"review-{assessed_review.pk}-figures"
    assert sorted(attachments) == [f"{stem}.csv", f"{stem}.json"]
    raw_json = attachments[f"{stem}.json"][0]
    figures = json.loads(raw_json)
    assert hashlib.sha256(raw_json).hexdigest() == version.data_sha256
    assert [g["number"] for g in figures["goals"]] == list(range(1, 10))
    assert figures["goals"][0]["assessment"]["rating"] == "achieved"
    assert figures["review"]["due_description"] == "fall of 2019"
    csv_text = attachments[f"{stem}.csv"][0].decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "section,item,measure,value,unit,as_of"
    assert "goal,Goal 2,assessment,partly_achieved,," in csv_text
    assert "risk,Risk 1,residual_likelihood,2,1–5," in csv_text


def test_the_pdf_declares_pdf_a_3b(assessed_review, desk):
    version = _render(assessed_review, desk)
    reader = PdfReader(io.BytesIO(_stored(version)))
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert reader.pdf_header == "%PDF-1.7"


def _data_sha256(review) -> str:
    data = selectors.review_report_data(review_id=review.pk, as_of=AS_OF)
    return hashlib.sha256(report.figures_json(report.report_figures(data))).hexdigest()


def test_the_same_data_gives_the_same_data_hash_in_every_version(assessed_review, desk):
    first = _data_sha256(assessed_review)
    assert _data_sha256(assessed_review) == first
    services.finding_create(review=assessed_review, text="A new finding.")
    assert _data_sha256(assessed_review) != first


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a URL or a socket fails the test loudly."""
    attempts: list[str] = []

    def refuse_open(self, url, *args, **kwargs):
        attempts.append(str(getattr(url, "full_url", url)))
        raise AssertionError(f"urllib opened {url}")

    def refuse_connect(self, address):
        attempts.append(str(address))
        raise AssertionError(f"socket connected to {address}")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse_open)
    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    return attempts


@pytest.fixture
def spy_fetcher(monkeypatch):
    """The fetcher the render uses, kept for the test to read what was asked of it."""
    fetchers: list[rendering.ReportURLFetcher] = []
    original = rendering.ReportURLFetcher

    def make(*args, **kwargs):
        fetcher = original(*args, **kwargs)
        fetchers.append(fetcher)
        return fetcher

    monkeypatch.setattr(rendering, "ReportURLFetcher", make)
    return fetchers


def _secret_lines() -> list[str]:
    lines = [line for line in Path("/etc/passwd").read_text().splitlines() if line][:3]
    hostname = Path("/etc/hostname")
    if hostname.exists() and hostname.read_text().strip():
        lines.append(hostname.read_text().strip())
    return lines


def test_hostile_text_in_narratives_and_notes_is_shown_as_text_and_fetches_nothing(
    review, desk, no_network, spy_fetcher
):
    goal = OverallGoal.objects.get(partnership=review.partnership, number=3)
    services.goal_assessment_save(
        review=review, goal=goal, by=desk, rating="too_early", narrative=HOSTILE
    )
    factories.GoalUpdateFactory(goal=goal, author=desk, narrative=HOSTILE)
    factories.RiskAssessmentFactory(
        risk=Risk.objects.get(partnership=review.partnership, number=1),
        author=desk,
        response=HOSTILE,
    )
    services.finding_create(review=review, text=HOSTILE)
    services.recommendation_create(review=review, text="See http://169.254.169.254/ " + HOSTILE)
    review.purpose = HOSTILE
    review.save()

    version = _render(review, desk)

    pdf = _stored(version)
    text = _flat(_pdf_text(pdf))
    assert no_network == []
    (fetcher,) = spy_fetcher
    assert fetcher.refused == []
    assert all(url.startswith(("asset:", "data:image/svg+xml")) for url in fetcher.requested)
    # Escaped: the markup is printed as the words it is.
    assert '<img src="file:///etc/passwd">' in text
    assert '<link rel="attachment" href="file:///etc/hostname">' in text
    reader = PdfReader(io.BytesIO(pdf))
    assert sorted(reader.attachments) == [
        f"review-{review.pk}-figures.csv",
        f"review-{review.pk}-figures.json",
    ]
    embedded = b"".join(b"".join(v) for v in reader.attachments.values()).decode()
    for secret in _secret_lines():
        assert secret not in text
        assert secret not in embedded


def test_the_fetcher_refuses_markup_that_escaping_would_have_stopped(no_network):
    """Defence in depth: raw hostile HTML rendered straight through the fetcher."""
    fetcher = rendering.ReportURLFetcher()
    html = (
        "<html><head><link rel='stylesheet' href='http://169.254.169.254/'>"
        "<link rel='attachment' href='file:///etc/hostname'></head><body>"
        "<p>Hello</p><img src='file:///etc/passwd'><img src='https://example.org/a.png'>"
        "<img src='/etc/passwd'><a rel='attachment' href='file:///etc/passwd'>x</a>"
        "<img src='data:text/html;base64,PGI+aGk8L2I+'>"
        "</body></html>"
    )
    pdf, pages = rendering.render_pdf(html, fetcher=fetcher)
    assert pages == 1
    assert no_network == []
    assert "file:///etc/passwd" in fetcher.refused
    assert "file:///etc/hostname" in fetcher.refused
    assert "http://169.254.169.254/" in fetcher.refused
    assert "https://example.org/a.png" in fetcher.refused
    assert set(fetcher.requested) == set(fetcher.refused)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    for secret in _secret_lines():
        assert secret.encode() not in pdf
        assert secret not in _pdf_text(pdf)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/report.css",
        "ftp://example.org/x",
        "asset:../../../etc/passwd",
        "asset:/etc/passwd",
        "asset:reviews/pdf/other.css",
        "data:text/html,<b>hi</b>",
        "data:image/svg+xml",
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses(url, no_network):
    fetcher = rendering.ReportURLFetcher()
    with pytest.raises(rendering.FetchRefusedError):
        fetcher(url)
    assert fetcher.refused == [url]
    assert no_network == []


def test_the_fetcher_serves_its_allowlisted_asset_and_data_images(no_network):
    fetcher = rendering.ReportURLFetcher()
    css = fetcher("asset:reviews/pdf/report.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    svg = fetcher("data:image/svg+xml;base64,PHN2Zy8+")
    assert svg.read() == b"<svg/>"
    assert fetcher.refused == []


def test_the_report_shows_the_budget_of_section_5_and_the_consultations_action_points(
    assessed_review, desk
):
    funding_seed.load_demo(assessed_review.partnership)
    meeting = consultation_factories.held(
        assessed_review.partnership, year=2019, date=dt.date(2019, 5, 20)
    )
    point = consultation_factories.ActionPointFactory(
        consultation=meeting,
        description="IOM to share the draft results framework with Denmark",
        owner="IOM",
        due_date=dt.date(2019, 9, 1),
    )
    point.goals.add(OverallGoal.objects.get(partnership=assessed_review.partnership, number=3))
    version = _render(assessed_review, desk)
    pdf = _stored(version)
    text = _flat(_pdf_text(pdf))
    assert "2. The budget" in text
    assert "15,000,000" in text  # core funds a year, section 5
    assert "Finance Bill for 2018" in text
    assert "75,000,000" in text  # planned over the three years
    assert "6. Action points of the annual consultations" in text
    assert "IOM to share the draft results framework with Denmark" in text
    figures = json.loads(_attachment(pdf, ".json"))
    years = {year["year"]: year for year in figures["budget"]["years"]}
    assert [years[y]["planned"] for y in (2018, 2019, 2020)] == ["25000000.00"] * 3
    assert years[2018]["committed"] == "25000000.00"
    assert years[2019]["committed"] == "0"
    assert figures["action_points"][0]["goals"] == [3]
    assert figures["action_points"][0]["consultation_year"] == 2019
    csv_text = _attachment(pdf, ".csv").decode("utf-8-sig")
    assert "budget,2018 core,planned,15000000.00,DKK," in csv_text


def test_a_formula_typed_into_a_goal_is_text_in_the_embedded_figures_csv(assessed_review, desk):
    """The embedded CSV goes through the app's one neutralising writer (core.exports): a
    spreadsheet opening it shows the unit as typed, and runs nothing."""
    goal = OverallGoal.objects.get(partnership=assessed_review.partnership, number=1)
    goal.unit = '=HYPERLINK("http://evil.example", "x")'
    goal.baseline_value, goal.target_value = Decimal("-5"), Decimal("8")
    goal.save()
    version = _render(assessed_review, desk)
    rows = list(csv.reader(io.StringIO(_attachment(_stored(version), ".csv").decode("utf-8-sig"))))
    baseline = next(row for row in rows if row[:3] == ["goal", "Goal 1", "baseline"])
    assert baseline[3:5] == ["-5.00", '\'=HYPERLINK("http://evil.example", "x")']
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "@"))]


def _page_texts(pdf: bytes) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_draft_says_draft_on_its_cover_and_on_every_page(assessed_review, desk):
    version = _render(assessed_review, desk)
    pages = _page_texts(_stored(version))
    assert len(pages) > 5
    assert "DRAFT — not issued" in pages[0]
    assert "Draft, not issued: a version rendered for review" in pages[0]
    # The demo's due date is the app's reading of "fall of 2019", not confirmed yet.
    assert "30 Nov 2019 (fall of 2019; not confirmed)" in pages[0]
    assert [n for n, text in enumerate(pages, start=1) if "DRAFT" not in text] == []
    assert not any("ISSUED" in text or "Status: Draft" in text for text in pages)
    title = PdfReader(io.BytesIO(_stored(version))).metadata.title
    assert title.endswith("(version 1, draft)")


def test_issuing_renders_a_final_version_that_says_who_issued_it_and_when(assessed_review, desk):
    desk.first_name, desk.last_name = "Dorte", "Skov"
    desk.save()
    draft = _render(assessed_review, desk)
    draft_pdf = _stored(draft)

    final = services.report_version_issue(
        version=draft, by=desk, reason="Approved by the head of department."
    )
    assert (final.number, final.final, final.is_issued) == (2, True, False)
    assessed_review.refresh_from_db()
    assert assessed_review.status != "issued"  # not before its file exists
    assert services.report_version_render(version_id=final.pk, task_id="t2") == "done"

    final.refresh_from_db()
    assessed_review.refresh_from_db()
    assert assessed_review.status == "issued"
    assert (final.issued_by, final.issued_at) == (desk, final.requested_at)
    pdf = _stored(final)
    pages = _page_texts(pdf)
    issued_at = timezone.localtime(final.issued_at)  # on the site's clock, as pages write it
    assert f"ISSUED by Dorte Skov on {issued_at:%-d %B %Y}" in pages[0]
    assert f"by Dorte Skov, {issued_at:%-d %B %Y %H:%M}" in pages[0]
    assert "UTC" not in pages[0]
    assert not any("DRAFT" in text for text in pages)
    assert [n for n, text in enumerate(pages, start=1) if "Issued report" not in text] == []
    assert PdfReader(io.BytesIO(pdf)).metadata.title.endswith("(version 2, issued)")
    # The draft is what it was: a draft, byte for byte.
    draft.refresh_from_db()
    assert _stored(draft) == draft_pdf
    assert hashlib.sha256(draft_pdf).hexdigest() == draft.sha256
    assert not draft.is_issued


def test_the_issued_report_is_pdf_a_3b_too(assessed_review, desk):
    draft = _render(assessed_review, desk)
    final = services.report_version_issue(version=draft, by=desk, reason="Approved.")
    services.report_version_render(version_id=final.pk, task_id="t2")
    final.refresh_from_db()
    reader = PdfReader(io.BytesIO(_stored(final)))
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_the_charts_alternative_texts_are_in_the_reports_language(assessed_review):
    """A Danish report describes its charts in Danish: read aloud, the PDF's images say
    what they show in the language of the rest."""
    from django.utils import timezone
    from django.utils import translation

    data = selectors.review_report_data(review_id=assessed_review.pk, as_of=AS_OF)
    with translation.override("da"):
        html = rendering.report_html(
            data, version_number=1, rendered_at=timezone.now(), data_sha256="0" * 64
        )
    assert 'alt="Søjlediagram over budgettet pr. år:' in html
    assert 'alt="Risikokort over risiciene' in html
    assert "risiko 1 med sandsynlighed " in html
    assert "Bar chart" not in html
    assert "at likelihood" not in html


@pytest.mark.parametrize("strategy_language", ["en", "da"])
def test_the_reports_strategy_words_carry_the_strategys_language(
    assessed_review, strategy_language
):
    """In a Danish report a screen reader speaks the goals, indicators, priority areas and
    risks in the strategy's language; the review's own narratives are left unmarked."""
    from django.utils import translation

    from partnership.models import Partnership
    from partnership.models import PriorityArea
    from tests.languages import languages_of

    partnership = assessed_review.partnership
    Partnership.objects.filter(pk=partnership.pk).update(strategy_language=strategy_language)
    data = selectors.review_report_data(review_id=assessed_review.pk, as_of=AS_OF)
    with translation.override("da"):
        html = rendering.report_html(
            data, version_number=1, rendered_at=timezone.now(), data_sha256="0" * 64
        )
    assert '<html lang="da">' in html
    goal = OverallGoal.objects.get(partnership=partnership, number=4)
    area = PriorityArea.objects.get(partnership=partnership, number=1)
    risk = Risk.objects.get(partnership=partnership, number=1)
    for text in (goal.text, goal.indicator, goal.citation, area.short_title, risk.title):
        found = languages_of(html, text)
        assert found, text
        assert set(found) == {strategy_language}, (text, found)
    assert set(languages_of(html, "Narrative of goal 4 in the review.")) == {"da"}
