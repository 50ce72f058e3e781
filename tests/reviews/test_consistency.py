"""The consistency checks (``reviews.consistency``): each check on its own, then the review
page, which lists what they find with a link to fix each, and the report, which prints it."""

from __future__ import annotations

import datetime as dt
import html
import json
from decimal import Decimal

import pytest
from django.utils import translation

from consultations.models import ActionPoint
from funding.models import BudgetLine
from funding.models import Component
from funding.models import Disbursement
from partnership.models import GoalStatus
from partnership.models import OverallGoal
from reviews import consistency
from reviews import selectors
from reviews import services
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.funding import factories as funding_factories
from tests.reviews.pdfs import flat
from tests.reviews.pdfs import page_texts
from tests.reviews.pdfs import reader
from tests.reviews.pdfs import rendered_pdf

SLUG = "denmark-iom-2018-2020"
AS_OF = dt.date(2019, 12, 31)


def _found(review, check: str, as_of: dt.date = AS_OF) -> list[consistency.Inconsistency]:
    results = selectors.review_checks(
        review=review, assessments=selectors.review_assessments(review=review), as_of=as_of
    )
    (result,) = [r for r in results if r.check.name == check]
    return result.found


def _goal(review, number: int) -> OverallGoal:
    return OverallGoal.objects.get(partnership=review.partnership, number=number)


def _assess_areas(review, desk) -> None:
    for area in review.partnership.priority_areas.all():
        services.priority_area_assessment_save(
            review=review, priority_area=area, by=desk, rating="too_early", narrative="-"
        )


# --- Each check ------------------------------------------------------------------------------


def test_a_goal_achieved_in_its_assessment_but_not_started_in_the_tracker_is_flagged(review, desk):
    goal = _goal(review, 3)
    services.goal_assessment_save(
        review=review, goal=goal, by=desk, rating="achieved", narrative="The strategy is out."
    )
    (found,) = _found(review, "goal_status_disagrees_with_assessment")
    assert found.subject == "Goal 3"
    assert found.message == (
        "The goal tracker says “Not started” (no update); the review rates the goal “Achieved”."
    )
    assert [link.url for link in found.links] == [
        f"/p/{SLUG}/reviews/{review.pk}/goals/3/",
        f"/p/{SLUG}/goals/3/#update-heading",
    ]

    # Brought into line: the tracker records the goal achieved.
    factories.GoalUpdateFactory(
        goal=goal, author=desk, as_of=dt.date(2019, 6, 1), status=GoalStatus.ACHIEVED
    )
    assert _found(review, "goal_status_disagrees_with_assessment") == []


def test_a_goal_achieved_in_the_tracker_but_rated_partly_achieved_is_flagged(review, desk):
    goal = _goal(review, 2)
    factories.GoalUpdateFactory(
        goal=goal, author=desk, as_of=dt.date(2019, 5, 2), status=GoalStatus.ACHIEVED
    )
    services.goal_assessment_save(
        review=review, goal=goal, by=desk, rating="partly_achieved", narrative="-"
    )
    services.goal_assessment_save(
        review=review, goal=_goal(review, 4), by=desk, rating="too_early", narrative="-"
    )  # not started and too early to tell: no contradiction
    (found,) = _found(review, "goal_status_disagrees_with_assessment")
    assert found.message == (
        "The goal tracker says “Achieved” as of 2 May 2019; the review rates the goal "
        "“Partly achieved”."
    )


def test_a_goal_flagged_in_danish_reads_as_one_danish_sentence(review, desk):
    goal = _goal(review, 2)
    factories.GoalUpdateFactory(
        goal=goal, author=desk, as_of=dt.date(2019, 5, 2), status=GoalStatus.ACHIEVED
    )
    services.goal_assessment_save(
        review=review, goal=goal, by=desk, rating="partly_achieved", narrative="-"
    )
    with translation.override("da"):
        (found,) = _found(review, "goal_status_disagrees_with_assessment")
        assert found.message == (
            "Målopfølgningen angiver “Opnået” pr. 2. maj 2019; gennemgangen vurderer målet "
            "som “Delvist opnået”."
        )
        assert [str(link.label) for link in found.links] == [
            "Ret vurderingen",
            "Opdatér målets status",
        ]


def test_a_priority_area_without_assessment_is_flagged(review, desk):
    area = review.partnership.priority_areas.get(number=1)
    services.priority_area_assessment_save(
        review=review, priority_area=area, by=desk, rating="partly_achieved", narrative="-"
    )
    (found,) = _found(review, "priority_area_not_assessed")
    assert (found.subject, found.message) == (
        "Priority area 2",
        "The review has no assessment of this priority area.",
    )
    assert found.links[0].url == f"/p/{SLUG}/reviews/{review.pk}/priority-areas/2/"


def test_a_budget_year_whose_lines_do_not_add_up_is_flagged(demo_review):
    assert _found(demo_review, "budget_year_does_not_add_up") == []  # section 5 adds up
    BudgetLine.objects.filter(
        partnership=demo_review.partnership, year=2019, component=Component.SECONDMENTS
    ).update(amount=Decimal(1_500_000))
    (found,) = _found(demo_review, "budget_year_does_not_add_up")
    assert found.subject == "2019"
    assert found.message == (
        "The budget lines of 2019 add up to DKK 24,500,000, not the agreement's "
        "DKK 25,000,000 a year (a difference of −500,000)."
    )
    assert found.links[0].url == f"/p/{SLUG}/funding/#budget-heading"


def test_a_foreign_payment_without_a_recorded_rate_is_flagged(demo_review):
    line = BudgetLine.objects.get(
        partnership=demo_review.partnership, year=2018, component=Component.CORE
    )
    funding_factories.DisbursementFactory(budget_line=line, reference="DKK-1")  # DKK: no rate
    rate = funding_factories.ExchangeRateFactory(partnership=demo_review.partnership)
    funding_factories.DisbursementFactory(
        budget_line=line, currency="USD", exchange_rate=rate.rate, rate=rate,
        amount_dkk=Decimal(6500), reference="USD-RATED",
    )  # fmt: skip
    funding_factories.DisbursementFactory(
        budget_line=line, currency="CHF", amount=Decimal(2000), exchange_rate=Decimal("6.9"),
        amount_dkk=Decimal(13800), value_date=dt.date(2018, 4, 3), reference="CHF-TYPED",
        kind=Disbursement.Kind.REFUND,
    )  # fmt: skip
    (found,) = _found(demo_review, "payment_without_rate")
    assert found.subject == "CHF-TYPED"
    assert found.message == (
        "The refund CHF-TYPED of CHF 2,000 on 3 Apr 2018 (2018 · Core funds (un-earmarked)) "
        "was converted at 6.9 DKK per CHF, a rate recorded nowhere."
    )
    assert found.links[0].url == f"/p/{SLUG}/funding/lines/{line.pk}/"


def test_an_action_point_overdue_at_the_end_of_the_period_is_flagged(review):
    review.period_end = dt.date(2019, 11, 30)
    review.save()
    meeting = consultation_factories.consultation(review.partnership, year=2019)
    late = consultation_factories.ActionPointFactory(
        consultation=meeting, description="IOM to share its results framework",
        due_date=dt.date(2019, 9, 1),
    )  # fmt: skip
    # Closed after the period ended: it was still open then.
    closed_late = consultation_factories.ActionPointFactory(
        consultation=meeting, description="IOM to brief on the UN Network",
        due_date=dt.date(2019, 10, 1), status=ActionPoint.Status.DONE,
        closed_on=dt.date(2019, 12, 15),
    )  # fmt: skip
    consultation_factories.ActionPointFactory(
        consultation=meeting, description="Closed in time", due_date=dt.date(2019, 10, 1),
        status=ActionPoint.Status.DONE, closed_on=dt.date(2019, 11, 1),
    )  # fmt: skip
    consultation_factories.ActionPointFactory(
        consultation=meeting, description="Due after the period", due_date=dt.date(2020, 1, 15)
    )
    found = _found(review, "action_point_overdue_at_period_end", as_of=dt.date(2020, 6, 1))
    assert [item.message for item in found] == [
        "“IOM to share its results framework” (IOM) was due on 1 Sep 2019 and was still open "
        "at the end of the period, 30 Nov 2019.",
        "“IOM to brief on the UN Network” (IOM) was due on 1 Oct 2019 and was still open at "
        "the end of the period, 30 Nov 2019.",
    ]
    assert found[0].links[0].url == f"/p/{SLUG}/consultations/action-points/{late.pk}/edit/"
    assert closed_late.pk != late.pk


def test_without_an_end_of_period_the_action_points_are_checked_on_the_due_date(review):
    """The demo's mid-term review: a period from 1 January 2018 that gives no end, due on
    30 November 2019, checked years later."""
    assert (review.period_start, review.period_end) == (dt.date(2018, 1, 1), None)
    assert review.due_date == dt.date(2019, 11, 30)
    meeting = consultation_factories.consultation(review.partnership, year=2019)
    consultation_factories.ActionPointFactory(
        consultation=meeting, description="IOM to share its results framework",
        due_date=dt.date(2019, 9, 1),
    )  # fmt: skip
    consultation_factories.ActionPointFactory(
        consultation=meeting, description="Due after the review", due_date=dt.date(2020, 1, 15)
    )
    today = dt.date(2026, 11, 30)
    (found,) = _found(review, "action_point_overdue_at_period_end", as_of=today)
    assert found.message == (
        "“IOM to share its results framework” (IOM) was due on 1 Sep 2019 and was still open "
        "on the review's due date, 30 Nov 2019."
    )
    with translation.override("da"):
        (found,) = _found(review, "action_point_overdue_at_period_end", as_of=today)
    assert found.message == (
        "“IOM to share its results framework” (IOM) havde frist den 1. sept 2019 og var "
        "stadig åbent ved gennemgangens frist, 30. nov 2019."
    )
    # Before the due date has come, the points are checked on the day, and say so.
    assert _found(review, "action_point_overdue_at_period_end", as_of=dt.date(2019, 8, 1)) == []
    (found,) = _found(review, "action_point_overdue_at_period_end", as_of=dt.date(2019, 9, 2))
    assert found.message == (
        "“IOM to share its results framework” (IOM) was due on 1 Sep 2019 and is still open "
        "today, 2 Sep 2019."
    )


def test_without_an_end_of_period_or_a_due_date_the_action_points_are_checked_today(review):
    review.due_date = None
    review.save()
    meeting = consultation_factories.consultation(review.partnership, year=2019)
    consultation_factories.ActionPointFactory(
        consultation=meeting, description="IOM to share its results framework",
        due_date=dt.date(2019, 9, 1),
    )  # fmt: skip
    (found,) = _found(review, "action_point_overdue_at_period_end", as_of=dt.date(2026, 11, 30))
    assert found.message == (
        "“IOM to share its results framework” (IOM) was due on 1 Sep 2019 and is still open "
        "today, 30 Nov 2026."
    )
    with translation.override("da"):
        (found,) = _found(review, "action_point_overdue_at_period_end", as_of=dt.date(2026, 11, 30))
    assert found.message == (
        "“IOM to share its results framework” (IOM) havde frist den 1. sept 2019 og er "
        "stadig åbent i dag, 30. nov 2026."
    )


# --- The review page and the report ----------------------------------------------------------


@pytest.fixture
def contradicted(demo_review, desk):
    services.goal_assessment_save(
        review=demo_review, goal=_goal(demo_review, 3), by=desk, rating="achieved", narrative="-"
    )
    return demo_review


def test_the_review_page_lists_what_the_checks_found_with_a_link_to_fix_each(
    contradicted, desk, login
):
    response = login(desk).get(contradicted.get_absolute_url())
    page = html.unescape(response.content.decode())
    assert "Consistency checks" in page
    assert "3 things are contradictory or missing" in page
    assert "Goal 3:</strong> The goal tracker says “Not started” (no update)" in page
    assert f'href="/p/{SLUG}/reviews/{contradicted.pk}/goals/3/"' in page
    assert f'href="/p/{SLUG}/reviews/{contradicted.pk}/priority-areas/1/"' in page
    assert page.index("Consistency checks") < page.index("Render report")


def test_an_auditor_sees_the_checks_without_links_to_forms_they_may_not_use(
    contradicted, auditor, login
):
    page = html.unescape(login(auditor).get(contradicted.get_absolute_url()).content.decode())
    assert "Goal 3:</strong> The goal tracker says" in page
    assert f"/reviews/{contradicted.pk}/goals/3/" not in page
    assert "Update the goal's status" not in page


def test_a_review_with_nothing_to_flag_says_so(demo_review, desk, login):
    _assess_areas(demo_review, desk)
    page = login(desk).get(demo_review.get_absolute_url()).content.decode()
    assert "Nothing contradictory or missing was found." in page


def test_the_report_prints_the_checks_and_its_summary_says_they_exist(contradicted, desk):
    pdf = rendered_pdf(contradicted, desk)
    pages = page_texts(pdf)
    text = " ".join(pages)
    assert (
        "The consistency checks found 3 matters the record contradicts or leaves open" in (pages[1])
    )
    section = text[text.rindex("8. Consistency checks") :]
    assert (
        flat(
            "A goal's latest tracker status contradicts its assessment Goal 3: The goal tracker "
            "says “Not started” (no update); the review rates the goal “Achieved”."
        )
        in section
    )
    assert "Priority area 2: The review has no assessment of this priority area." in section
    assert "A year's budget lines do not add up to the annual amount None" in section
    attachments = reader(pdf).attachments
    (name,) = [n for n in attachments if n.endswith(".json")]
    figures = json.loads(attachments[name][0])
    assert [item["check"] for item in figures["consistency"]] == [
        "goal_status_disagrees_with_assessment",
        "priority_area_not_assessed",
        "priority_area_not_assessed",
    ]
