"""How the report reads: a one-page summary first, contents whose page numbers are where
the sections fall, a bookmark for every section, sections that flow, and the strategy's
text cited by section rather than printed again."""

from __future__ import annotations

import datetime as dt

import pytest

from consultations.models import ActionPoint
from partnership.models import OverallGoal
from partnership.models import PriorityArea
from partnership.models import Risk
from reviews import rendering
from reviews import services
from reviews.models import Rating
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.reviews.pdfs import contents
from tests.reviews.pdfs import flat
from tests.reviews.pdfs import outline
from tests.reviews.pdfs import page_texts
from tests.reviews.pdfs import rendered_pdf

LONG = (
    "The functional review was carried out and its recommendations are being put in place "
    "across the regional offices, with a first report to the Standing Committee. "
) * 3
RATINGS = list(Rating)


@pytest.fixture
def full_review(demo_review, desk):
    """The demo review assessed throughout, with long narratives, findings, updates, risk
    ratings and open action points: the summary must still fit its page."""
    review = demo_review
    for index, goal in enumerate(OverallGoal.objects.filter(partnership=review.partnership)):
        services.goal_assessment_save(
            review=review, goal=goal, by=desk, rating=RATINGS[index % 4], narrative=LONG
        )
        for day in (1, 2):
            factories.GoalUpdateFactory(
                goal=goal, author=desk, as_of=dt.date(2019, 3, day), narrative=LONG
            )
    for area in PriorityArea.objects.filter(partnership=review.partnership):
        services.priority_area_assessment_save(
            review=review, priority_area=area, by=desk, rating="partly_achieved", narrative=LONG
        )
    for risk in Risk.objects.filter(partnership=review.partnership):
        factories.RiskAssessmentFactory(risk=risk, author=desk, response=LONG)
    for n in range(1, 6):
        finding = services.finding_create(review=review, text=f"Finding {n}. {LONG}")
        services.recommendation_create(review=review, text=f"Recommendation {n}.", finding=finding)
    meeting = review.partnership.consultations.get(year=2019)
    for n in range(7):
        consultation_factories.ActionPointFactory(
            consultation=meeting,
            description=f"Action point {n}: {LONG}",
            due_date=dt.date(2019, 6, 1) + dt.timedelta(days=30 * n),
        )
    return review


def _section_headings() -> list[str]:
    return [section.heading for section in rendering.SECTIONS]


def test_the_report_opens_with_a_one_page_summary_then_the_contents(full_review, desk):
    pages = page_texts(rendered_pdf(full_review, desk))

    summary = pages[1]
    assert summary.startswith(("DRAFT Summary", "Summary"))
    assert "Goal 1 Achieved" in summary
    assert "Priority area 2 Partly achieved" in summary
    assert "The functional review was carried out" in summary  # each conclusion's one line
    assert "2018 25,000,000 25,000,000 0" in summary  # planned, committed, disbursed
    assert "All years 75,000,000 25,000,000 0" in summary
    assert "Top findings" in summary
    assert "Finding 1." in summary
    assert "Finding 4." not in summary  # the top three only
    assert "5 findings in all: section 7." in summary
    assert "Open action points" in summary
    assert "7 open in all: section 6." in summary
    assert "Overdue:" in summary
    assert "What the report rests on" in summary
    assert "5 source documents" in summary
    assert "18 goal updates, 4 risk assessments, 7 action points" in summary
    # One page: the contents start the next one, and nothing of the summary spills there.
    assert "Contents" in pages[2]
    assert "What the report rests on" not in pages[2]


def test_the_contents_give_the_page_on_which_each_section_starts(full_review, desk):
    pdf = rendered_pdf(full_review, desk)
    pages = page_texts(pdf)
    listed = contents(pdf)

    assert list(listed) == ["Summary", *_section_headings()]
    contents_page = next(n for n, text in enumerate(pages, start=1) if "Contents" in text)
    for heading, page in listed.items():
        # The first page on which the heading stands (beyond its line in the contents).
        first = next(
            number
            for number, text in enumerate(pages, start=1)
            if text.count(heading) > (number == contents_page)
        )
        assert page == first, (heading, page, first)


def test_every_section_and_every_goal_and_risk_is_a_bookmark_at_its_page(full_review, desk):
    pdf = rendered_pdf(full_review, desk)
    marks = outline(pdf)
    listed = contents(pdf)

    top = [(title, page) for level, title, page in marks if level == 1]
    assert top == [("Summary", 2), ("Contents", 3)] + [
        (heading, listed[heading]) for heading in _section_headings()
    ]
    second = [title for level, title, _ in marks if level == 2]
    for goal in OverallGoal.objects.filter(partnership=full_review.partnership):
        assert f"Goal {goal.number}: {goal.text}" in second
    for risk in Risk.objects.filter(partnership=full_review.partnership):
        assert f"Risk {risk.number}: {risk.title}" in second


def test_sections_flow_instead_of_each_starting_a_page(demo_review, desk):
    """Only the cover, the summary and the last page before the annexes end early: no
    other page but the last is mostly empty. The demo's report had 14 pages, five of them
    nearly empty, before it held a summary, contents, annexes and the checks."""
    pages = page_texts(rendered_pdf(demo_review, desk))
    running = len("DRAFT DRAFT — not issued · version 1 of the report ") + 90
    first_annex = next(s.heading for s in rendering.SECTIONS if s.annex)
    before_annexes = next(
        n for n, text in enumerate(pages) if text.startswith(f"DRAFT {first_annex}")
    )
    nearly_empty = [
        number
        for number, text in enumerate(pages[:-1], start=1)
        if number not in (1, 2, before_annexes) and len(text) - running < 600
    ]
    assert nearly_empty == []
    assert len(pages) <= 10


def test_the_strategys_text_is_cited_by_section_not_printed_again(demo_review, desk):
    pages = page_texts(rendered_pdf(demo_review, desk))
    text, summary = " ".join(pages), pages[1]
    partnership = demo_review.partnership

    for area in PriorityArea.objects.filter(partnership=partnership):
        assert flat(area.description)[:120] not in text
        assert f"Described in the strategy: {area.citation}" in text
    for risk in Risk.objects.filter(partnership=partnership):
        assert flat(risk.description)[:120] not in text
        assert flat(f"Described in the strategy: {risk.citation}") in text
    for goal in OverallGoal.objects.filter(partnership=partnership):
        assert flat(f"Goal {goal.number}: {goal.text}") in text  # in its own section
        assert flat(goal.text) not in summary  # the summary names it by number
    assert flat(partnership.funding_note)[:120] not in text


def test_the_summary_lists_open_action_points_overdue_first(full_review, desk):
    ActionPoint.objects.filter(description__startswith="Action point 6").update(
        due_date=dt.date(2000, 1, 1)
    )
    summary = page_texts(rendered_pdf(full_review, desk))[1]
    first = summary.index("Open action points")
    assert summary.index("Action point 6", first) < summary.index("Action point 0", first)
