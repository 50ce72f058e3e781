from __future__ import annotations

import datetime as dt

from partnership.models import Document
from reviews import seed
from reviews.models import Review


def test_the_demo_holds_the_mid_term_review_of_the_fall_of_2019(review):
    assert review.kind == Review.Kind.MID_TERM
    # The source's words are kept; the date the app compares with today is a reading of
    # them that the desk officer has still to confirm.
    assert review.due_description == "fall of 2019"
    assert review.due_date == dt.date(2019, 11, 30)
    assert (review.due_confirmed_by, review.due_confirmed_at) == (None, None)
    assert "fall of 2019" in review.citation
    assert (review.fulfils_goal.number, review.fulfils_goal.text) == (
        9,
        "A mid-term review of the present strategy will be carried out in the fall of 2019",
    )
    assert review.status == Review.Status.DRAFT
    assert "assess progress against the overall goals" in review.purpose
    assert "Section 1" in review.citation
    assert "section 4.1" in review.citation


def test_its_sources_are_the_reports_section_4_1_names(review):
    sources = {s.document.kind: s for s in review.review_sources.select_related("document")}
    assert set(sources) == {
        Document.Kind.ANNUAL_REPORT,
        Document.Kind.FINANCIAL_REPORT,
        Document.Kind.AUDITED_STATEMENTS,
        Document.Kind.AUDIT_REPORT,
        Document.Kind.MOPAN,
    }
    assert sources[Document.Kind.ANNUAL_REPORT].document.title == "IOM's Annual Report"
    assert all(s.citation.startswith("Section 4.1") for s in sources.values())


def test_no_assessment_is_invented(review):
    assert not review.goal_assessments.exists()
    assert not review.priority_area_assessments.exists()
    assert not review.findings.exists()
    assert not review.recommendations.exists()


def test_loading_twice_changes_nothing(review):
    again = seed.load_demo(review.partnership)
    assert again == review
    assert Review.objects.count() == 1
    assert review.review_sources.count() == 5


def test_its_citations_of_section_3_2_name_the_heading_key_challenges(review):
    # The document has two headings numbered 3.2; the MOPAN assessment is in "Key challenges".
    mopan = review.review_sources.get(document__kind=Document.Kind.MOPAN)
    for citation in (review.citation, mopan.citation, mopan.document.citation):
        assert "section 3.2, Key challenges" in citation
