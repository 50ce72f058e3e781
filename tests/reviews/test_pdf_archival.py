"""The report is PDF/A-3b and a tagged PDF, as the checks of ``pdf_validation`` (pikepdf
and qpdf, with veraPDF's rules for PDF/A-2 and -3) find it; and those checks fail a file
that breaks the rules they check."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pikepdf
import pytest
from django.utils import timezone
from django.utils import translation
from django.utils.formats import date_format

from reviews import charts
from reviews import rendering
from reviews import services
from tests.reviews.factories import ReportVersionFactory
from tests.reviews.pdf_validation import _elements
from tests.reviews.pdf_validation import pdfa_3b_problems
from tests.reviews.pdf_validation import structure
from tests.reviews.pdf_validation import tagging_problems
from tests.reviews.pdfs import page_texts
from tests.reviews.pdfs import render
from tests.reviews.pdfs import stored


@pytest.fixture
def draft_pdf(demo_review, desk) -> bytes:
    return stored(render(demo_review, desk))


def test_the_draft_report_is_pdf_a_3b(draft_pdf):
    assert pdfa_3b_problems(draft_pdf) == []


def test_the_issued_report_is_pdf_a_3b_and_tagged(demo_review, desk):
    draft = render(demo_review, desk)
    final = services.report_version_issue(version=draft, by=desk, reason="Approved.")
    assert services.report_version_render(version_id=final.pk, task_id="t2") == "done"
    final.refresh_from_db()
    pdf = stored(final)
    assert pdfa_3b_problems(pdf) == []
    assert tagging_problems(pdf) == []


def test_the_report_is_tagged_with_headings_tables_figures_and_language(draft_pdf):
    assert tagging_problems(draft_pdf) == []
    elements = structure(draft_pdf)
    kinds = [kind for kind, _ in elements]
    assert kinds.count("/H1") == 1  # the review's title, on the cover
    assert kinds.count("/H2") >= len(rendering.SECTIONS) + 2  # + the summary, the contents
    assert kinds.count("/Table") == kinds.count("/Caption") >= 6
    assert kinds.count("/TH") > kinds.count("/Table")
    alternatives = [alt for kind, alt in elements if kind == "/Figure"]
    assert len(alternatives) == 2
    assert alternatives[0].startswith("Bar chart of the budget per year")
    assert alternatives[1].startswith("Heat map of the risks' latest residual likelihood")
    with pikepdf.open(io.BytesIO(draft_pdf)) as document:
        assert str(document.Root.Lang) == "en-GB"


SAMPLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A sample</title>
<meta name="author" content="Partnership Monitor"></head><body>
<h1>A sample report</h1><h2>A section</h2><p>Text <a href="#t">to the table</a>.</p>
<figure><img src="%s" alt="A square"></figure>
<table id="t"><caption>Figures</caption><thead><tr><th scope="col">Year</th></tr></thead>
<tbody><tr><td>2019</td></tr></tbody></table></body></html>"""


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    """A small document rendered as the report is (tagged PDF/A-3b, two attachments),
    for the checks to be shown failing once it is broken."""
    square = charts.svg_data_uri(
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
        '<rect width="20" height="20"/></svg>'
    )
    pdf, _ = rendering.render_pdf(
        SAMPLE % square,
        attachments=[("b.json", b"{}", "JSON"), ("a.csv", b"x\r\n", "CSV")],
    )
    assert pdfa_3b_problems(pdf) == []
    assert tagging_problems(pdf) == []
    return pdf


def _rewrite(pdf: bytes, change: Callable[[pikepdf.Pdf], None]) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        change(document)
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def _first(document: pikepdf.Pdf, kind: str) -> pikepdf.Dictionary:
    return next(e for e in _elements(document.Root.StructTreeRoot.K) if kind == e.S)


def _unembed_a_font(document: pikepdf.Pdf) -> None:
    for obj in document.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            del obj["/FontFile2"]
            return


def _claim_part_2(document: pikepdf.Pdf) -> None:
    with document.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"


BROKEN_PDFA = {
    "no output intent": (
        lambda d: d.Root.__delitem__("/OutputIntents"),
        "6.2.3: there is not exactly one GTS_PDFA1 output intent",
    ),
    "a font not embedded": (_unembed_a_font, "6.2.11.4.1: font"),
    "an attachment without its relationship": (
        lambda d: d.Root.AF[0].__delitem__("/AFRelationship"),
        "has no AFRelationship",
    ),
    "another PDF/A part claimed": (_claim_part_2, "6.6.4: XMP identifies PDF/A part 2"),
    "a title that differs from the XMP": (
        lambda d: d.docinfo.__setitem__("/Title", "Another title"),
        "6.6.3: Info /Title differs from the XMP",
    ),
    "JavaScript": (
        lambda d: d.Root.Names.__setitem__("/JavaScript", pikepdf.Dictionary()),
        "6.6.1: the document holds JavaScript",
    ),
}
BROKEN_TAGS = {
    "no language": (lambda d: d.Root.__delitem__("/Lang"), "the document has no language"),
    "a chart without its alternative": (
        lambda d: _first(d, "/Figure").__delitem__("/Alt"),
        "a figure has no alternative text",
    ),
    "a heading level skipped": (
        lambda d: _first(d, "/H2").__setitem__("/S", pikepdf.Name("/H4")),
        "a heading skips from level 1 to 4",
    ),
    "not marked as tagged": (
        lambda d: d.Root.__delitem__("/MarkInfo"),
        "the catalog does not mark the file as tagged",
    ),
}


@pytest.mark.parametrize(("change", "problem"), BROKEN_PDFA.values(), ids=BROKEN_PDFA)
def test_the_pdf_a_checks_fail_a_file_that_breaks_their_rules(sample_pdf, change, problem):
    problems = pdfa_3b_problems(_rewrite(sample_pdf, change))
    assert any(problem in found for found in problems), problems


@pytest.mark.parametrize(("change", "problem"), BROKEN_TAGS.values(), ids=BROKEN_TAGS)
def test_the_tagging_checks_fail_a_file_that_breaks_their_rules(sample_pdf, change, problem):
    problems = tagging_problems(_rewrite(sample_pdf, change))
    assert problem in problems, problems


def test_qpdf_finds_an_embedded_file_tree_out_of_order(sample_pdf):
    """What the render once left: the attachments' name tree listed JSON before CSV."""

    def unsort(document: pikepdf.Pdf) -> None:
        names = document.Root.Names.EmbeddedFiles.Names
        document.Root.Names.EmbeddedFiles.Names = pikepdf.Array([*names[2:4], *names[0:2]])

    problems = pdfa_3b_problems(_rewrite(sample_pdf, unsort))
    assert any("keys are not sorted" in found for found in problems), problems


def test_a_danish_report_declares_its_language_and_stays_pdf_a(demo_review, desk):
    version = ReportVersionFactory(review=demo_review, number=1, requested_by=desk, language="da")
    assert services.report_version_render(version_id=version.pk, task_id="t1") == "done"
    version.refresh_from_db()
    pdf = stored(version)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert str(document.Root.Lang) == "da"
    assert pdfa_3b_problems(pdf) == []
    assert tagging_problems(pdf) == []
    text = " ".join(page_texts(pdf))
    # Its dates are Danish ones: the month of the render in Danish, on the site's calendar
    # (late on the last evening of a month in UTC, it is already the next one in Copenhagen).
    with translation.override("da"):
        month = date_format(timezone.localdate(version.finished_at), "F Y")
        # Rendered on the site's day and clock, written as the Danish pages write it.
        day = date_format(timezone.localdate(version.finished_at), "j. F Y")
    assert month in text
    assert re.search(rf"1, dannet {day} \d\d\.\d\d", text), text[:2000]
    assert "UTC" not in text
    # Its pages are numbered in Danish.
    assert f"Side 1 af {version.pages}" in text
    assert "Page 1 of" not in text
    # Its sections are headed, and its charts titled, in Danish.
    for heading in ("1. Gennemgangen og aftalen", "Bilag A. Betalinger og tilbagebetalinger"):
        assert heading in text
    assert "The review and the agreement" not in text
    assert "Payments and refunds" not in text
    # An issued report keeps the language of the draft it was read in.
    final = services.report_version_issue(version=version, by=desk, reason="Godkendt.")
    assert final.language == "da"
