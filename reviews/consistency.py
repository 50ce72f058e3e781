"""Consistency checks of a review: where the record contradicts itself or leaves a gap that
an auditor would ask about. Each check is a named function of :class:`CheckInput`; the
review page lists what they find (with a link to fix each) before a report is rendered,
and the report prints it. Rendering is never refused because of them.

The checks read only what they are given: ``selectors.consistency_input`` (the page) and
``selectors.review_report_data`` (the report) gather it in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from consultations.models import ActionPoint
from core.access import Capability
from core.formatting import amount
from core.formatting import money
from partnership.models import GoalStatus

from .models import Rating
from .models import Review

# The ratings an assessment may give a goal whose latest tracker status is the key: a
# goal achieved in one and not in the other, or "partly achieved" while the tracker
# records no start, is a contradiction.
COMPATIBLE_RATINGS: dict[str, frozenset[str]] = {
    GoalStatus.NOT_STARTED: frozenset({Rating.NOT_ACHIEVED, Rating.TOO_EARLY}),
    GoalStatus.ON_TRACK: frozenset({Rating.PARTLY_ACHIEVED, Rating.NOT_ACHIEVED, Rating.TOO_EARLY}),
    GoalStatus.AT_RISK: frozenset({Rating.PARTLY_ACHIEVED, Rating.NOT_ACHIEVED, Rating.TOO_EARLY}),
    GoalStatus.OFF_TRACK: frozenset(
        {Rating.PARTLY_ACHIEVED, Rating.NOT_ACHIEVED, Rating.TOO_EARLY}
    ),
    GoalStatus.ACHIEVED: frozenset({Rating.ACHIEVED}),
}
DOMESTIC_CURRENCY = "DKK"


@dataclass(frozen=True)
class Link:
    """Where to fix what a check found, and the capability the page needs (shown only to
    those who hold it)."""

    label: str
    url: str
    capability: Capability = Capability.VIEW


@dataclass(frozen=True)
class Inconsistency:
    check: str  # the check's name
    subject: str  # what it is about, e.g. "Goal 3", "2019"
    message: str
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class PeriodEnd:
    """The day the action points are checked on, and what that day is to the review: the
    end of its period, else its due date, else today (``PERIOD``, ``DUE_DATE``, ``TODAY``)."""

    PERIOD = "period"
    DUE_DATE = "due_date"
    TODAY = "today"

    day: date
    kind: str = PERIOD

    @classmethod
    def of(cls, review: Review, *, today: date) -> PeriodEnd:
        """Never a day still to come: a point open now cannot be said to be open then."""
        for day, kind in ((review.period_end, cls.PERIOD), (review.due_date, cls.DUE_DATE)):
            if day is not None:
                return cls(day, kind) if day <= today else cls(today, cls.TODAY)
        return cls(today, cls.TODAY)


@dataclass
class CheckInput:
    """What the checks read. ``goals`` and ``priority_areas`` are the rows of
    ``selectors.review_assessments`` (goals with their current status); ``years`` have
    ``year``, ``planned``, ``annual_amount``, ``difference`` and ``adds_up``;
    ``payments`` are disbursements (with their budget line), ``action_points`` with their
    consultation; ``period_end`` is the day the action points are checked on
    (:meth:`PeriodEnd.of`).

    Where a list holds only the first of what a check finds (the page reads the years
    that do not add up and the overdue action points, the first few of each), ``totals``
    says how many the check finds in all, by the check's name, and ``rest`` where the
    others are listed; the report gives whole lists, and neither."""

    review: Review
    goals: Sequence[Any]
    priority_areas: Sequence[Any]
    years: Sequence[Any]
    payments: Sequence[Any]
    action_points: Sequence[ActionPoint]
    period_end: PeriodEnd
    currency: str = DOMESTIC_CURRENCY
    totals: Mapping[str, int] = field(default_factory=dict)
    rest: Mapping[str, Link] = field(default_factory=dict)
    slug: str = field(init=False)

    def __post_init__(self) -> None:
        self.slug = self.review.partnership.slug


def _day(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def goal_status_disagrees_with_assessment(data: CheckInput) -> list[Inconsistency]:
    """A goal whose latest status in the goal tracker contradicts the review's rating."""
    found = []
    for row in data.goals:
        goal, assessment = row.goal, row.assessment
        status = goal.current_status
        if assessment is None or assessment.rating in COMPATIBLE_RATINGS.get(status, ()):
            continue
        values = {
            "label": GoalStatus(status).label,
            "rating_display": assessment.get_rating_display(),
        }
        if goal.current_as_of:
            message = _(
                "The goal tracker says “%(label)s” as of %(as_of)s; the review rates the goal "
                "“%(rating_display)s”."
            ) % {**values, "as_of": _day(goal.current_as_of)}
        else:
            message = (
                _(
                    "The goal tracker says “%(label)s” (no update); the review rates the goal "
                    "“%(rating_display)s”."
                )
                % values
            )
        found.append(
            Inconsistency(
                check="goal_status_disagrees_with_assessment",
                subject=_("Goal %(number)s") % {"number": goal.number},
                message=message,
                links=(
                    Link(
                        _("Change the assessment"),
                        reverse(
                            "reviews:goal-assessment",
                            args=[data.slug, data.review.pk, goal.number],
                        ),
                        Capability.EDIT_REVIEWS,
                    ),
                    Link(
                        _("Update the goal's status"),
                        reverse("partnership:goal-detail", args=[data.slug, goal.number])
                        + "#update-heading",
                        Capability.EDIT_RECORD,
                    ),
                ),
            )
        )
    return found


def priority_area_not_assessed(data: CheckInput) -> list[Inconsistency]:
    """A priority area the review does not assess."""
    return [
        Inconsistency(
            check="priority_area_not_assessed",
            subject=_("Priority area %(number)s") % {"number": row.area.number},
            message=_("The review has no assessment of this priority area."),
            links=(
                Link(
                    _("Assess it"),
                    reverse(
                        "reviews:priority-area-assessment",
                        args=[data.slug, data.review.pk, row.area.number],
                    ),
                    Capability.EDIT_REVIEWS,
                ),
            ),
        )
        for row in data.priority_areas
        if row.assessment is None
    ]


def budget_year_does_not_add_up(data: CheckInput) -> list[Inconsistency]:
    """A year whose budget lines do not add up to the agreement's annual amount."""
    return [
        Inconsistency(
            check="budget_year_does_not_add_up",
            subject=str(year.year),
            message=(
                _(
                    "The budget lines of %(year)s add up to %(money)s, not the agreement's "
                    "%(money2)s a year (a difference of %(amount)s)."
                )
                % {
                    "year": year.year,
                    "money": money(year.planned, data.currency),
                    "money2": money(year.annual_amount, data.currency),
                    "amount": amount(year.difference),
                }
            ),
            links=(
                Link(
                    _("See the year's budget lines"),
                    reverse("funding:overview", args=[data.slug]) + "#budget-heading",
                ),
            ),
        )
        for year in data.years
        if not year.adds_up
    ]


def payment_without_rate(data: CheckInput) -> list[Inconsistency]:
    """A payment or refund in a foreign currency converted at no recorded exchange rate."""
    found = []
    for payment in data.payments:
        if payment.currency == DOMESTIC_CURRENCY or payment.rate_id is not None:
            continue
        line = payment.budget_line
        found.append(
            Inconsistency(
                check="payment_without_rate",
                subject=payment.reference,
                message=(
                    _(
                        "The %(payment)s %(reference)s of %(money)s on %(day)s (%(label)s) was "
                        "converted at %(normalize)s DKK per %(currency)s, a rate recorded "
                        "nowhere."
                    )
                    % {
                        "payment": payment.get_kind_display().lower(),
                        "reference": payment.reference,
                        "money": money(payment.amount, payment.currency),
                        "day": _day(payment.value_date),
                        "label": line.label,
                        "normalize": payment.exchange_rate.normalize(),
                        "currency": payment.currency,
                    }
                ),
                links=(
                    Link(
                        _("Open the budget line"),
                        reverse("funding:budget-line-detail", args=[data.slug, line.pk]),
                    ),
                ),
            )
        )
    return found


def _open_on(point: ActionPoint, day: date) -> bool:
    return point.status == ActionPoint.Status.OPEN or (
        point.closed_on is not None and point.closed_on > day
    )


# What an overdue action point's message says of the day it is checked on, by what that day
# is to the review (PeriodEnd.kind).
OVERDUE_MESSAGES = {
    PeriodEnd.PERIOD: _(
        "“%(description)s” (%(owner)s) was due on %(day)s and was still open at the end of "
        "the period, %(day2)s."
    ),
    PeriodEnd.DUE_DATE: _(
        "“%(description)s” (%(owner)s) was due on %(day)s and was still open on the "
        "review's due date, %(day2)s."
    ),
    PeriodEnd.TODAY: _(
        "“%(description)s” (%(owner)s) was due on %(day)s and is still open today, %(day2)s."
    ),
}


def action_point_overdue_at_period_end(data: CheckInput) -> list[Inconsistency]:
    """An action point past its due date and still open when the review's period ends
    (or on its due date, or today: :class:`PeriodEnd`)."""
    end = data.period_end.day
    message = OVERDUE_MESSAGES[data.period_end.kind]
    return [
        Inconsistency(
            check="action_point_overdue_at_period_end",
            subject=_("Action point of %(year)s") % {"year": point.consultation.year},
            message=(
                message
                % {
                    "description": point.description,
                    "owner": point.owner,
                    "day": _day(point.due_date),
                    "day2": _day(end),
                }
            ),
            links=(
                Link(
                    _("Open the action point"),
                    reverse("consultations:action-point-edit", args=[data.slug, point.pk]),
                    Capability.EDIT_CONSULTATIONS,
                ),
            ),
        )
        for point in data.action_points
        if point.due_date is not None and point.due_date < end and _open_on(point, end)
    ]


@dataclass(frozen=True)
class Check:
    name: str
    title: str  # what it looks for, as the page and the report list it
    run: Callable[[CheckInput], list[Inconsistency]]


CHECKS: tuple[Check, ...] = (
    Check(
        "goal_status_disagrees_with_assessment",
        _("A goal's latest tracker status contradicts its assessment"),
        goal_status_disagrees_with_assessment,
    ),
    Check(
        "priority_area_not_assessed",
        _("A priority area has no assessment"),
        priority_area_not_assessed,
    ),
    Check(
        "budget_year_does_not_add_up",
        _("A year's budget lines do not add up to the annual amount"),
        budget_year_does_not_add_up,
    ),
    Check(
        "payment_without_rate",
        _("A payment in a foreign currency has no recorded exchange rate"),
        payment_without_rate,
    ),
    Check(
        "action_point_overdue_at_period_end",
        _("An action point was overdue at the end of the review's period"),
        action_point_overdue_at_period_end,
    ),
)


@dataclass(frozen=True)
class CheckResult:
    """What a check found: the items listed, how many it found in all (more than listed
    where only the first are read), and where the others are."""

    check: Check
    found: list[Inconsistency]
    total: int = -1  # as many as found, unless told
    rest: Link | None = None

    def __post_init__(self) -> None:
        if self.total < len(self.found):
            object.__setattr__(self, "total", len(self.found))

    @property
    def more(self) -> int:
        """How many it found that are not listed."""
        return self.total - len(self.found)


@dataclass(frozen=True)
class CheckResults:
    """Every check, in order, with what it found (nothing where all is well)."""

    results: tuple[CheckResult, ...] = ()

    def __iter__(self) -> Iterator[CheckResult]:
        return iter(self.results)

    @property
    def found(self) -> list[Inconsistency]:
        return [item for result in self.results for item in result.found]

    @property
    def count(self) -> int:
        """How many things the checks found in all, listed or not."""
        return sum(result.total for result in self.results)


def run_checks(data: CheckInput) -> CheckResults:
    results = []
    for check in CHECKS:
        found = check.run(data)
        total = data.totals.get(check.name, len(found))
        rest = data.rest.get(check.name) if total > len(found) else None
        results.append(CheckResult(check, found, total, rest))
    return CheckResults(tuple(results))
