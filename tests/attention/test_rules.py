"""Each rule of what needs attention, on its own: one object as the selectors read it, and
today. No database: the rules read none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from attention import rules
from consultations.models import ActionPoint
from consultations.models import Consultation
from consultations.models import Note
from funding.models import BudgetLine
from partnership.models import GoalStatus
from reviews.models import ReportVersion
from reviews.models import Review

TODAY = dt.date(2020, 2, 15)
LIMITS = rules.Limits(
    action_point_days=14,
    review_days=60,
    consultation_days=30,
    note_clearing_days=14,
    goal_update_months=6,
    finance_act_passed="12-31",
    payment_due="06-30",
)


def _point(**fields) -> ActionPoint:
    return ActionPoint(**{"description": "IOM to share the results framework", **fields})


# --- today and the limits -------------------------------------------------------------------


def test_today_is_the_calendars_unless_a_day_is_pinned(settings):
    settings.ATTENTION_TODAY = None
    assert rules.today() == timezone.localdate()
    settings.ATTENTION_TODAY = "2020-02-15"
    assert rules.today() == TODAY


def test_the_limits_are_read_from_the_settings(settings):
    settings.ATTENTION_ACTION_POINT_DAYS = 3
    settings.ATTENTION_PAYMENT_DUE = "03-31"
    limits = rules.Limits.from_settings()
    assert limits.action_point_days == 3
    assert limits.payment_due_by(2018) == dt.date(2018, 3, 31)


def test_the_finance_act_for_a_year_passes_in_the_year_before():
    assert LIMITS.finance_act_passed_by(2020) == dt.date(2019, 12, 31)


def test_a_month_earlier_keeps_the_day_or_takes_the_months_last():
    assert rules.months_before(dt.date(2020, 8, 31), 6) == dt.date(2020, 2, 29)
    assert rules.months_before(dt.date(2020, 1, 15), 1) == dt.date(2019, 12, 15)
    assert rules.months_before(dt.date(2020, 2, 15), 0) == dt.date(2020, 2, 15)


# --- action_point_due -----------------------------------------------------------------------


def test_an_open_action_point_past_its_due_date_is_overdue():
    finding = rules.action_point_due(
        _point(status="open", due_date=dt.date(2020, 1, 31)), today=TODAY, limits=LIMITS
    )
    assert finding == rules.Finding(
        "Overdue since 1 February 2020", dt.date(2020, 1, 31), overdue=True
    )


def test_a_thing_is_on_time_on_its_due_day_and_overdue_from_the_next():
    yesterday = TODAY - dt.timedelta(days=1)
    on_the_day = rules.action_point_due(
        _point(status="open", due_date=TODAY), today=TODAY, limits=LIMITS
    )
    assert (on_the_day.summary, on_the_day.overdue) == ("Due today", False)
    late = rules.action_point_due(
        _point(status="open", due_date=yesterday), today=TODAY, limits=LIMITS
    )
    assert late == rules.Finding("Overdue since 15 February 2020", yesterday, overdue=True)


def test_an_action_point_due_within_n_days_is_due_soon_and_one_due_later_is_not():
    soon = rules.action_point_due(
        _point(status="open", due_date=dt.date(2020, 2, 29)), today=TODAY, limits=LIMITS
    )
    assert soon == rules.Finding("Due in 14 days (29 February 2020)", dt.date(2020, 2, 29))
    later = _point(status="open", due_date=dt.date(2020, 3, 1))
    assert rules.action_point_due(later, today=TODAY, limits=LIMITS) is None
    today = rules.action_point_due(
        _point(status="open", due_date=TODAY), today=TODAY, limits=LIMITS
    )
    assert today.summary == "Due today"


@pytest.mark.parametrize(
    "point",
    [
        _point(status="done", due_date=dt.date(2020, 1, 31)),
        _point(status="dropped", due_date=dt.date(2020, 1, 31)),
        _point(status="open", due_date=None),
    ],
    ids=["done", "dropped", "no due date"],
)
def test_an_action_point_done_dropped_or_without_a_due_date_needs_nothing(point):
    assert rules.action_point_due(point, today=TODAY, limits=LIMITS) is None


# --- review_due -------------------------------------------------------------------------------


def test_a_review_past_its_confirmed_due_date_is_overdue_with_the_sources_words_beside_it():
    review = Review(status="draft", due_date=dt.date(2019, 11, 30), due_description="fall of 2019")
    finding = rules.review_due(review, today=TODAY, limits=LIMITS)
    assert finding.overdue
    assert finding.summary == "Overdue since 1 December 2019; due in the fall of 2019"


def test_a_review_due_within_n_days_is_due_soon():
    review = Review(status="in_review", due_date=dt.date(2020, 4, 1))
    assert rules.review_due(review, today=TODAY, limits=LIMITS).summary == (
        "Due in 46 days (1 April 2020)"
    )
    assert (
        rules.review_due(
            Review(status="draft", due_date=dt.date(2020, 4, 30)), today=TODAY, limits=LIMITS
        )
        is None
    )


def test_an_issued_review_or_one_with_only_the_sources_words_needs_nothing():
    issued = Review(status="issued", due_date=dt.date(2019, 11, 30))
    words_only = Review(status="draft", due_date=None, due_description="fall of 2019")
    assert rules.review_due(issued, today=TODAY, limits=LIMITS) is None
    assert rules.review_due(words_only, today=TODAY, limits=LIMITS) is None


# --- consultation_unprepared --------------------------------------------------------------------


def test_a_consultation_within_n_days_without_participants_or_agenda_needs_preparing():
    meeting = Consultation(status="planned", date=dt.date(2020, 3, 2), participants="")
    finding = rules.consultation_unprepared(meeting, agenda_items=0, today=TODAY, limits=LIMITS)
    assert finding.summary == (
        "Held in 16 days (2 March 2020): the agenda is empty and no participants are listed"
    )
    assert finding.due == dt.date(2020, 3, 2)


def test_a_prepared_consultation_or_one_further_off_or_held_needs_nothing():
    ready = Consultation(status="planned", date=dt.date(2020, 3, 2), participants="IOM\nMFA")
    far = Consultation(status="planned", date=dt.date(2020, 4, 2), participants="")
    held = Consultation(status="held", date=dt.date(2020, 3, 2), participants="")
    undated = Consultation(status="planned", date=None, participants="")
    assert rules.consultation_unprepared(ready, agenda_items=9, today=TODAY, limits=LIMITS) is None
    for meeting in (far, held, undated):
        assert (
            rules.consultation_unprepared(meeting, agenda_items=0, today=TODAY, limits=LIMITS)
            is None
        )


def test_a_consultation_with_an_agenda_but_no_participants_says_only_that():
    meeting = Consultation(status="planned", date=TODAY, participants=" \n")
    finding = rules.consultation_unprepared(meeting, agenda_items=9, today=TODAY, limits=LIMITS)
    assert finding.summary == "Held today (15 February 2020): no participants are listed"


# --- indicative_after_finance_act ----------------------------------------------------------------


def test_an_indicative_line_after_its_years_finance_act_needs_committing():
    line = BudgetLine(year=2020, status="indicative")
    finding = rules.indicative_after_finance_act(line, today=TODAY, limits=LIMITS)
    assert finding.overdue
    assert "the Finance Act for 2020 had passed by 31 December 2019" in finding.summary


def test_an_indicative_line_before_its_finance_act_or_a_committed_one_needs_nothing():
    assert (
        rules.indicative_after_finance_act(
            BudgetLine(year=2021, status="indicative"), today=TODAY, limits=LIMITS
        )
        is None
    )
    assert (
        rules.indicative_after_finance_act(
            BudgetLine(year=2020, status="committed"), today=TODAY, limits=LIMITS
        )
        is None
    )
    on_the_day = dt.date(2019, 12, 31)
    assert (
        rules.indicative_after_finance_act(
            BudgetLine(year=2020, status="indicative"), today=on_the_day, limits=LIMITS
        )
        is None
    )


# --- committed_unpaid ---------------------------------------------------------------------------


def test_a_committed_line_with_nothing_paid_by_the_day_needs_paying():
    line = BudgetLine(year=2018, status="committed")
    finding = rules.committed_unpaid(line, paid=Decimal(0), today=TODAY, limits=LIMITS)
    assert finding == rules.Finding(
        "Committed, and nothing paid by 30 June 2018", dt.date(2018, 6, 30), overdue=True
    )


def test_a_line_with_a_payment_or_before_the_day_or_not_committed_needs_nothing():
    committed = BudgetLine(year=2018, status="committed")
    assert (
        rules.committed_unpaid(committed, paid=Decimal("0.01"), today=TODAY, limits=LIMITS) is None
    )
    assert (
        rules.committed_unpaid(
            BudgetLine(year=2020, status="committed"), paid=Decimal(0), today=TODAY, limits=LIMITS
        )
        is None
    )
    for status in ("indicative", "closed"):
        assert (
            rules.committed_unpaid(
                BudgetLine(year=2018, status=status), paid=Decimal(0), today=TODAY, limits=LIMITS
            )
            is None
        )


# --- note_waiting_for_clearing -----------------------------------------------------------------


def _ready_note(on: dt.date) -> Note:
    moment = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0)))
    return Note(status="ready", updated_at=moment)


def test_a_note_ready_for_n_days_and_not_cleared_needs_clearing():
    finding = rules.note_waiting_for_clearing(
        _ready_note(dt.date(2020, 2, 1)), today=TODAY, limits=LIMITS
    )
    assert finding.summary == "Ready for clearing since 1 February 2020 (14 days)"


def test_a_note_ready_for_fewer_days_a_draft_or_a_cleared_one_needs_nothing():
    assert (
        rules.note_waiting_for_clearing(
            _ready_note(dt.date(2020, 2, 2)), today=TODAY, limits=LIMITS
        )
        is None
    )
    for status in ("draft", "cleared"):
        note = _ready_note(dt.date(2020, 1, 1))
        note.status = status
        assert rules.note_waiting_for_clearing(note, today=TODAY, limits=LIMITS) is None


# --- goal_update_stale --------------------------------------------------------------------------


def _goal(status=GoalStatus.ON_TRACK, as_of=None):
    return SimpleNamespace(current_status=status, current_as_of=as_of)


def test_a_goal_not_updated_for_n_months_needs_an_update():
    finding = rules.goal_update_stale(
        _goal(as_of=dt.date(2019, 8, 15)), started=dt.date(2018, 1, 1), today=TODAY, limits=LIMITS
    )
    assert finding.summary == "Last updated 15 August 2019"


def test_a_goal_never_updated_counts_from_the_agreements_start():
    finding = rules.goal_update_stale(
        _goal(GoalStatus.NOT_STARTED), started=dt.date(2018, 1, 1), today=TODAY, limits=LIMITS
    )
    assert finding.summary == "No update since the agreement started (1 January 2018)"
    young = rules.goal_update_stale(
        _goal(GoalStatus.NOT_STARTED), started=dt.date(2020, 1, 1), today=TODAY, limits=LIMITS
    )
    assert young is None


def test_a_recently_updated_or_achieved_goal_needs_nothing():
    recent = _goal(as_of=dt.date(2019, 8, 16))
    achieved = _goal(GoalStatus.ACHIEVED, as_of=dt.date(2018, 3, 1))
    for goal in (recent, achieved):
        assert (
            rules.goal_update_stale(goal, started=dt.date(2018, 1, 1), today=TODAY, limits=LIMITS)
            is None
        )


# --- goal_not_started_after_review --------------------------------------------------------------


def test_a_goal_still_not_started_after_a_review_was_issued_needs_an_update():
    finding = rules.goal_not_started_after_review(
        _goal(GoalStatus.NOT_STARTED),
        review_title="Mid-term review of the strategy",
        issued_on=dt.date(2019, 12, 10),
    )
    assert finding.summary == (
        "Still “Not started” after the Mid-term review of the strategy was issued on "
        "10 December 2019"
    )


def test_a_goal_started_or_updated_after_the_review_or_without_an_issued_review_needs_nothing():
    issued = dt.date(2019, 12, 10)
    assert (
        rules.goal_not_started_after_review(
            _goal(GoalStatus.ON_TRACK), review_title="R", issued_on=issued
        )
        is None
    )
    assert (
        rules.goal_not_started_after_review(
            _goal(GoalStatus.NOT_STARTED, as_of=dt.date(2019, 12, 11)),
            review_title="R",
            issued_on=issued,
        )
        is None
    )
    assert (
        rules.goal_not_started_after_review(
            _goal(GoalStatus.NOT_STARTED), review_title=None, issued_on=None
        )
        is None
    )


# --- report_render_failed -----------------------------------------------------------------------


def test_the_latest_report_version_that_failed_to_render_needs_a_retry():
    version = ReportVersion(number=3, status="failed", error="WeasyPrint: no fonts\ntraceback")
    finding = rules.report_render_failed(version, newer=False)
    assert finding.summary == "Rendering version 3 failed: WeasyPrint: no fonts"


def test_a_failed_version_superseded_by_a_newer_one_or_a_done_one_needs_nothing():
    assert rules.report_render_failed(ReportVersion(number=3, status="failed"), newer=True) is None
    assert rules.report_render_failed(ReportVersion(number=3, status="done"), newer=False) is None
