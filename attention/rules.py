"""The rules of what needs attention: one small, named rule per function.

Each rule looks at one object as the selectors read it (with the few annotations it
needs), and at ``today``, and says why it needs attention (a :class:`Finding`) or that it
does not (``None``). They read nothing from the database and no clock of their own: today
comes from :func:`today`, the one place that says which day it is, and the N of each rule
from the settings (:class:`Limits`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.models import ActionPoint
from consultations.models import Consultation
from consultations.models import Note
from funding.models import BudgetLine
from partnership.models import GoalStatus
from reviews.models import ReportVersion
from reviews.models import Review


def today() -> dt.date:
    """The day the rules take as today: ``ATTENTION_TODAY`` if set (a demo, a test), else
    the calendar's, in the site's time zone."""
    pinned = settings.ATTENTION_TODAY
    if pinned:
        return pinned if isinstance(pinned, dt.date) else dt.date.fromisoformat(pinned)
    return timezone.localdate()


def _day_of_year(setting: str, year: int) -> dt.date:
    month, day = (int(part) for part in setting.split("-"))
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Limits:
    """The N of each rule, from the settings."""

    action_point_days: int
    review_days: int
    consultation_days: int
    note_clearing_days: int
    goal_update_months: int
    finance_act_passed: str  # MM-DD of the year before the budget year
    payment_due: str  # MM-DD of the budget year

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            action_point_days=settings.ATTENTION_ACTION_POINT_DAYS,
            review_days=settings.ATTENTION_REVIEW_DAYS,
            consultation_days=settings.ATTENTION_CONSULTATION_DAYS,
            note_clearing_days=settings.ATTENTION_NOTE_CLEARING_DAYS,
            goal_update_months=settings.ATTENTION_GOAL_UPDATE_MONTHS,
            finance_act_passed=settings.ATTENTION_FINANCE_ACT_PASSED,
            payment_due=settings.ATTENTION_PAYMENT_DUE,
        )

    def finance_act_passed_by(self, year: int) -> dt.date:
        """The day by which the Finance Act for ``year`` has passed."""
        return _day_of_year(self.finance_act_passed, year - 1)

    def payment_due_by(self, year: int) -> dt.date:
        """The day by which a committed line of ``year`` should have had a payment."""
        return _day_of_year(self.payment_due, year)


@dataclass(frozen=True)
class Finding:
    """Why an object needs attention: in words, and the day it is (or was) due."""

    summary: str
    due: dt.date | None = None
    overdue: bool = False


def long_date(day: dt.date) -> str:
    """The day as the reader's language writes it in full (the rules name the same few
    days on item after item: each is formatted once in a language)."""
    return _long_date(day, get_format("DATE_FORMAT"), get_language())


@functools.lru_cache(maxsize=4096)
def _long_date(day: dt.date, format: str, language: str | None) -> str:
    return date_format(day, format)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day where it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _due(due: dt.date, today: dt.date, within_days: int) -> Finding | None:
    """Overdue, due today, or due within ``within_days``; ``None`` when later."""
    days = (due - today).days
    if days < 0:
        # On its due day a thing is still on time: it is overdue from the day after.
        since = long_date(due + dt.timedelta(days=1))
        return Finding(_("Overdue since %(long_date)s") % {"long_date": since}, due, overdue=True)
    if days == 0:
        return Finding(_("Due today"), due)
    if days <= within_days:
        return Finding(
            ngettext("Due in %(days)s day (%(date)s)", "Due in %(days)s days (%(date)s)", days)
            % {"days": days, "date": long_date(due)},
            due,
        )
    return None


# --- The rules ------------------------------------------------------------------------------


def action_point_due(point: ActionPoint, *, today: dt.date, limits: Limits) -> Finding | None:
    """An open action point past its due date, or due within N days."""
    if point.status != ActionPoint.Status.OPEN or point.due_date is None:
        return None
    return _due(point.due_date, today, limits.action_point_days)


def review_due(review: Review, *, today: dt.date, limits: Limits) -> Finding | None:
    """A review not issued, past its due date or due within N days. Only the real due date
    counts: the source's words ("fall of 2019") are shown beside it, never compared."""
    if review.status == Review.Status.ISSUED or review.due_date is None:
        return None
    finding = _due(review.due_date, today, limits.review_days)
    if finding is None or not review.due_description:
        return finding
    return Finding(
        _("%(summary)s; due in the %(due_description)s")
        % {"summary": finding.summary, "due_description": review.due_description},
        finding.due,
        finding.overdue,
    )


def consultation_unprepared(
    consultation: Consultation, *, agenda_items: int, today: dt.date, limits: Limits
) -> Finding | None:
    """A planned consultation within N days whose agenda is empty or that has no
    participants."""
    if consultation.status != Consultation.Status.PLANNED or consultation.date is None:
        return None
    days = (consultation.date - today).days
    if not 0 <= days <= limits.consultation_days:
        return None
    missing = [
        *([gettext("the agenda is empty")] if agenda_items == 0 else []),
        *([gettext("no participants are listed")] if not consultation.participant_list else []),
    ]
    if not missing:
        return None
    when = (
        gettext("today")
        if days == 0
        else ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}
    )
    return Finding(
        _("Held %(when)s (%(date)s): %(missing)s")
        % {
            "when": when,
            "date": long_date(consultation.date),
            "missing": gettext(" and ").join(missing),
        },
        consultation.date,
    )


def indicative_after_finance_act(
    line: BudgetLine, *, today: dt.date, limits: Limits
) -> Finding | None:
    """A budget line still indicative although its year's Finance Act has passed."""
    if line.status != BudgetLine.Status.INDICATIVE:
        return None
    passed_by = limits.finance_act_passed_by(line.year)
    if today <= passed_by:
        return None
    return Finding(
        _(
            "Still indicative: the Finance Act for %(year)s had passed by "
            "%(long_date)s; commit the line under it"
        )
        % {"year": line.year, "long_date": long_date(passed_by)},
        passed_by,
        overdue=True,
    )


def committed_unpaid(
    line: BudgetLine, *, paid: Decimal, today: dt.date, limits: Limits
) -> Finding | None:
    """A committed line with nothing paid from it by the day payments are due."""
    if line.status != BudgetLine.Status.COMMITTED or paid > 0:
        return None
    due_by = limits.payment_due_by(line.year)
    if today <= due_by:
        return None
    return Finding(
        _("Committed, and nothing paid by %(long_date)s") % {"long_date": long_date(due_by)},
        due_by,
        overdue=True,
    )


def note_waiting_for_clearing(note: Note, *, today: dt.date, limits: Limits) -> Finding | None:
    """A note marked ready and not cleared after N days. A ready note changes only when it
    is cleared or edited (which returns it to draft): its last change is when it was
    marked ready."""
    if note.status != Note.Status.READY:
        return None
    ready_on = timezone.localdate(note.updated_at)
    days = (today - ready_on).days
    if days < limits.note_clearing_days:
        return None
    return Finding(
        _("Ready for clearing since %(long_date)s (%(days)s days)")
        % {"long_date": long_date(ready_on), "days": days},
        ready_on,
    )


def goal_update_stale(
    goal: Any, *, started: dt.date, today: dt.date, limits: Limits
) -> Finding | None:
    """A goal whose latest update (``current_as_of``; none: since the agreement
    ``started``) is older than N months. Achieved goals need no further update."""
    if goal.current_status == GoalStatus.ACHIEVED:
        return None
    since = goal.current_as_of
    limit = months_before(today, limits.goal_update_months)
    if (since or started) > limit:
        return None
    if since is None:
        return Finding(
            _("No update since the agreement started (%(long_date)s)")
            % {"long_date": long_date(started)},
            started,
        )
    return Finding(_("Last updated %(long_date)s") % {"long_date": long_date(since)}, since)


def goal_not_started_after_review(
    goal: Any, *, review_title: str | None, issued_on: dt.date | None
) -> Finding | None:
    """A goal still "Not started" after a review of the partnership was issued."""
    if goal.current_status != GoalStatus.NOT_STARTED or issued_on is None:
        return None
    if goal.current_as_of is not None and goal.current_as_of > issued_on:
        return None
    return Finding(
        _("Still “Not started” after the %(value)s was issued on %(long_date)s")
        % {"value": review_title or "review", "long_date": long_date(issued_on)},
        issued_on,
    )


def report_render_failed(version: ReportVersion, *, newer: bool) -> Finding | None:
    """A review's latest report version whose render failed (a newer one supersedes it)."""
    if version.status != ReportVersion.Status.FAILED or newer:
        return None
    reason = (version.error or "no reason recorded").splitlines()[0][:150]
    return Finding(
        _("Rendering version %(number)s failed: %(reason)s")
        % {"number": version.number, "reason": reason}
    )
