"""What needs attention, read for pages, the API and the digests alike.

:func:`attention_items` reads every candidate of every rule for a set of partnerships in a
fixed number of queries (one per kind of object, whatever the amount of data), and asks
the rules of :mod:`attention.rules` about each. Who an item is for is then worked out
without a query: its responsible member if it has one who still may act on it, otherwise
every member whose role may (:func:`for_user`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.db.models import Count
from django.db.models import Exists
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Window
from django.db.models.functions import Coalesce
from django.db.models.functions import RowNumber
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import ActionPoint
from consultations.models import Consultation
from consultations.models import Note
from core import access as core_access
from core.access import Capability
from funding.models import BudgetLine
from partnership import access
from partnership.assignees import person_name
from partnership.models import GoalStatus
from partnership.models import Membership
from partnership.models import OverallGoal
from partnership.models import Partnership
from reviews.models import ReportVersion
from reviews.models import Review

from . import rules
from .models import Reminder

# The rules, in the order a reader meets them, each with what it is about in words.
RULES: dict[str, Any] = {
    "review_due": _("Reviews due"),
    "action_point_due": _("Action points due"),
    "consultation_unprepared": _("Consultations to prepare"),
    "indicative_after_finance_act": _("Budget lines still indicative after the Finance Act"),
    "committed_unpaid": _("Committed budget lines with nothing paid"),
    "note_waiting_for_clearing": _("Notes waiting to be cleared"),
    "goal_update_stale": _("Goals whose update is old"),
    "goal_not_started_after_review": _("Goals not started after a review"),
    "report_render_failed": _("Report renders that failed"),
}
RULE_ORDER = {name: index for index, name in enumerate(RULES)}


@dataclass(frozen=True)
class Item:
    """One thing that needs attention, and who it is for."""

    rule: str
    kind: str  # what the object is, in words
    object_id: int
    title: str
    summary: str
    url: str
    partnership: Partnership
    capability: Capability  # who may act on it
    due: dt.date | None = None
    overdue: bool = False
    assignee: Any = None  # the responsible member, if one is named
    # Items that read better together on the dashboard (a year's budget lines): the batch's
    # name, and the item's name within it.
    batch: str = ""
    short_title: str = ""

    @property
    def key(self) -> str:
        """Stable from day to day: the rule and the object (a digest tells "new" by it)."""
        return f"{self.rule}:{self.object_id}"

    @property
    def rule_label(self) -> str:
        return str(RULES[self.rule])

    @property
    def assignee_name(self) -> str | None:
        return person_name(self.assignee) if self.assignee is not None else None

    @property
    def sort_key(self) -> tuple:
        return (
            not self.overdue,
            self.due or dt.date.max,
            RULE_ORDER[self.rule],
            self.partnership.title,
            _numbers_as_numbers(self.kind),
            _numbers_as_numbers(self.title),
            self.object_id,
        )


_DIGITS = re.compile(r"(\d+)")


def _numbers_as_numbers(text: Any) -> tuple[str | int, ...]:
    """The text with its numbers compared as numbers: goal 2 before goal 10. (The split
    alternates text and digits, so two keys compare text with text, number with number.)"""
    return tuple(int(part) if i % 2 else part for i, part in enumerate(_DIGITS.split(str(text))))


def _finding_item(finding: rules.Finding | None, **item: Any) -> Item | None:
    if finding is None:
        return None
    return Item(summary=finding.summary, due=finding.due, overdue=finding.overdue, **item)


# --- One query per rule -----------------------------------------------------------------------
#
# Each rule's query selects exactly what the rule finds (the rule itself, asked of each row,
# stays the one statement of it), so that a page reads the rows it shows: with ``user``, only
# what is for that user (:func:`_for_user`), and with ``cap``, the first ``cap`` of each
# partnership, each row carrying how many there are in all (``attention_total``).


@dataclass(frozen=True)
class Source:
    """Where a rule's candidates come from and how each becomes an :class:`Item`."""

    candidates: Callable[[list[int], dt.date, rules.Limits], QuerySet]
    # A candidate's item, if the rule finds it: (row, today, limits, rule=…, capability=…),
    # the rule's name and its capability passed on to the item as they are (found_in).
    item: Callable[..., Item | None]
    capability: Capability
    partnership: str  # the path to the partnership's id
    order: tuple[Any, ...]  # the most urgent first
    assignee: str | None = None  # the path to the responsible member's id, if any

    def found_in(self, rule: str, row: Any, today: dt.date, limits: rules.Limits) -> Item | None:
        """The item the rule finds in a candidate (None where it finds nothing), named by
        the rule and marked with the capability that acts on it."""
        return self.item(row, today, limits, rule=rule, capability=self.capability)


def _for_user(queryset: QuerySet, source: Source, user_id: int) -> QuerySet:
    """What the user is responsible for, and what nobody (who still may) is responsible for
    that the user's role may act on: :func:`for_user` in SQL."""
    roles = core_access.roles_with(source.capability)
    members = Membership.objects.filter(partnership_id=OuterRef(source.partnership), role__in=roles)
    queryset = queryset.filter(Exists(members.filter(user_id=user_id)))
    return _left_to_user(queryset, source, user_id)


def _left_to_user(queryset: QuerySet, source: Source, user_id: int) -> QuerySet:
    """Of what is in partnerships where the user's role may act on it: what the user is
    responsible for, and what nobody who still may is responsible for."""
    if source.assignee is None:
        return queryset
    roles = core_access.roles_with(source.capability)
    members = Membership.objects.filter(partnership_id=OuterRef(source.partnership), role__in=roles)
    assignee_may = Exists(members.filter(user_id=OuterRef(source.assignee)))
    return queryset.filter(Q(**{source.assignee: user_id}) | ~assignee_may)


def _capable_ids(ids: list[int], roles: dict[int, str], capability: Capability) -> list[int]:
    """The partnerships among ``ids`` where the role held (``roles``: partnership id ->
    role) may act with ``capability``."""
    return [
        pk for pk in ids if pk in roles and capability in core_access.ROLE_CAPABILITIES[roles[pk]]
    ]


def _capped(queryset: QuerySet, source: Source, cap: int | None, *, partnerships: int) -> Any:
    """The rows of ``queryset`` (in order), the first ``cap`` of each partnership, each
    with the partnership's total (``attention_total``); every row without a ``cap``.

    In one partnership that is a LIMIT, the total counted over every row before it. In
    several, each row is ranked in its partnership and the query returns the lowest ranks
    first, as many rows as ``cap`` of each would make: every row ranked within the cap is
    among them, and the few ranked beyond it (where another partnership has fewer) are
    left here. A filter on the rank would take a query around the query, which costs more
    to build than the rows it saves."""
    if cap is None:
        return queryset
    if partnerships == 1:
        return queryset.annotate(attention_total=Window(Count("pk")))[:cap]
    partition = F(source.partnership)
    ranked = queryset.annotate(
        attention_rank=Window(RowNumber(), partition_by=partition, order_by=source.order),
        attention_total=Window(Count("pk"), partition_by=partition),
    ).order_by("attention_rank", source.partnership, *source.order)
    return (row for row in ranked[: cap * partnerships] if row.attention_rank <= cap)


def _action_points(ids: list[int], today: dt.date, limits: rules.Limits) -> QuerySet:
    return ActionPoint.objects.filter(
        consultation__partnership_id__in=ids,
        status=ActionPoint.Status.OPEN,
        due_date__lte=today + dt.timedelta(days=limits.action_point_days),
    ).select_related("consultation__partnership", "assignee")


def _action_point_item(
    point: ActionPoint, today: dt.date, limits: rules.Limits, **source: Any
) -> Item | None:
    return _finding_item(
        rules.action_point_due(point, today=today, limits=limits),
        kind=_("Action point of the %(year)s consultation") % {"year": point.consultation.year},
        object_id=point.pk,
        title=str(point),
        url=_action_point_url(point),
        partnership=point.consultation.partnership,
        assignee=point.assignee,
        **source,
    )


def _action_point_url(point: ActionPoint) -> str:
    anchor = f"item-{point.agenda_item_id}-actions" if point.agenda_item_id else "agenda"
    return f"{point.consultation.get_absolute_url()}#{anchor}"


def _reviews(ids: list[int], today: dt.date, limits: rules.Limits) -> QuerySet:
    return (
        Review.objects.filter(
            partnership_id__in=ids,
            due_date__lte=today + dt.timedelta(days=limits.review_days),
        )
        .exclude(status=Review.Status.ISSUED)
        .select_related("partnership", "assignee")
    )


def _review_item(
    review: Review, today: dt.date, limits: rules.Limits, **source: Any
) -> Item | None:
    return _finding_item(
        rules.review_due(review, today=today, limits=limits),
        kind=review.get_kind_display(),
        object_id=review.pk,
        title=review.title,
        url=review.get_absolute_url(),
        partnership=review.partnership,
        assignee=review.assignee,
        **source,
    )


def _consultations(ids: list[int], today: dt.date, limits: rules.Limits) -> QuerySet:
    """Planned within N days (a partnership holds one a year): whether the agenda or the
    participants are missing is the rule's to say."""
    return (
        Consultation.objects.filter(
            partnership_id__in=ids,
            status=Consultation.Status.PLANNED,
            date__gte=today,
            date__lte=today + dt.timedelta(days=limits.consultation_days),
        )
        .annotate(agenda_count=Count("agenda_items"))
        .select_related("partnership", "organiser")
    )


def _consultation_item(
    consultation: Consultation, today: dt.date, limits: rules.Limits, **source: Any
) -> Item | None:
    return _finding_item(
        rules.consultation_unprepared(
            consultation, agenda_items=consultation.agenda_count, today=today, limits=limits
        ),
        kind=_("Annual consultation"),
        object_id=consultation.pk,
        title=str(consultation),
        url=consultation.get_absolute_url(),
        partnership=consultation.partnership,
        assignee=consultation.organiser,
        **source,
    )


def _last_year_past(day_of_year: Callable[[int], dt.date], today: dt.date) -> int:
    """The last year whose day (``day_of_year(year)``) is before today: the years grow
    with their day, so the rule holds for that year and every earlier one."""
    year = today.year + 1
    while day_of_year(year) >= today:
        year -= 1
    return year


def _indicative_lines(ids: list[int], today: dt.date, limits: rules.Limits) -> QuerySet:
    return BudgetLine.objects.filter(
        partnership_id__in=ids,
        status=BudgetLine.Status.INDICATIVE,
        year__lte=_last_year_past(limits.finance_act_passed_by, today),
    ).select_related("partnership", "assignee")


def _unpaid_lines(ids: list[int], today: dt.date, limits: rules.Limits) -> QuerySet:
    # Only what was paid by the day payments were due: one paid later (or dated ahead,
    # as a payment recorded before that was refused could be) does not answer the rule.
    month, day = (int(part) for part in limits.payment_due.split("-"))  # MM-DD
    return (
        BudgetLine.objects.filter(
            partnership_id__in=ids,
            status=BudgetLine.Status.COMMITTED,
            year__lte=_last_year_past(limits.payment_due_by, today),
        )
        .with_paid(by_day=(month, day))
        .filter(paid__lte=0)
        .select_related("partnership", "assignee")
    )


def _line_item(rule: str) -> Callable[..., Item | None]:
    def item(line: BudgetLine, today: dt.date, limits: rules.Limits, **source: Any) -> Item | None:
        if rule == "indicative_after_finance_act":
            finding = rules.indicative_after_finance_act(line, today=today, limits=limits)
        else:
            finding = rules.committed_unpaid(line, paid=line.paid, today=today, limits=limits)
        return _finding_item(
            finding,
            kind=_("Budget line"),
            object_id=line.pk,
            title=line.label,
            url=line.get_absolute_url(),
            partnership=line.partnership,
            assignee=line.assignee,
            batch=_("%(year)s budget lines") % {"year": line.year},
            short_title=line.get_component_display(),
            **source,
        )

    return item


def _notes(ids: list[int], today: dt.date, limits: rules.Limits) -> QuerySet:
    ready_before = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=limits.note_clearing_days - 1), dt.time())
    )
    return Note.objects.filter(
        agenda_item__consultation__partnership_id__in=ids,
        status=Note.Status.READY,
        updated_at__lt=ready_before,
    ).select_related("agenda_item__consultation__partnership")


def _note_item(note: Note, today: dt.date, limits: rules.Limits, **source: Any) -> Item | None:
    return _finding_item(
        rules.note_waiting_for_clearing(note, today=today, limits=limits),
        kind=_("Note of the %(year)s consultation") % {"year": note.agenda_item.consultation.year},
        object_id=note.pk,
        title=_("On “%(agenda_item)s”") % {"agenda_item": note.agenda_item},
        url=f"{note.agenda_item.consultation.get_absolute_url()}#note-{note.pk}",
        partnership=note.agenda_item.consultation.partnership,
        **source,
    )


def _active_goals(ids: list[int]) -> QuerySet:
    return (
        OverallGoal.objects.with_current_state()
        .filter(
            partnership_id__in=ids,
            partnership__status=Partnership.Status.ACTIVE,
            retired_on__isnull=True,  # a retired goal takes no updates
        )
        .select_related("partnership")
    )


def _stale_goals(ids: list[int], today: dt.date, limits: rules.Limits) -> QuerySet:
    return (
        _active_goals(ids)
        .annotate(attention_since=Coalesce("current_as_of", "partnership__start_date"))
        .exclude(current_status=GoalStatus.ACHIEVED)
        .filter(attention_since__lte=rules.months_before(today, limits.goal_update_months))
    )


def _goals_not_started(ids: list[int], today: dt.date, limits: rules.Limits) -> QuerySet:
    issued = ReportVersion.objects.filter(
        review__partnership=OuterRef("partnership"), issued_at__isnull=False
    ).order_by("-issued_at")
    on = TruncDate("issued_at", tzinfo=timezone.get_current_timezone())
    return (
        _active_goals(ids)
        .filter(current_status=GoalStatus.NOT_STARTED)
        .annotate(
            issued_at=Subquery(issued.values("issued_at")[:1]),
            issued_on=Subquery(issued.annotate(on=on).values("on")[:1]),
            issued_title=Subquery(issued.values("review__title")[:1]),
        )
        .filter(issued_at__isnull=False)
        .filter(Q(current_as_of__isnull=True) | Q(current_as_of__lte=F("issued_on")))
    )


def _goal_item(rule: str) -> Callable[..., Item | None]:
    def item(goal: Any, today: dt.date, limits: rules.Limits, **source: Any) -> Item | None:
        if rule == "goal_update_stale":
            finding = rules.goal_update_stale(
                goal, started=goal.partnership.start_date, today=today, limits=limits
            )
        else:
            issued_on = timezone.localdate(goal.issued_at) if goal.issued_at else None
            finding = rules.goal_not_started_after_review(
                goal, review_title=goal.issued_title, issued_on=issued_on
            )
        return _finding_item(
            finding,
            kind=_("Overall goal %(number)s") % {"number": goal.number},
            object_id=goal.pk,
            title=goal.text,
            url=goal.get_absolute_url(),
            partnership=goal.partnership,
            batch=str(_("overall goals")),
            short_title=_("Goal %(number)s") % {"number": goal.number},
            **source,
        )

    return item


def _report_versions(ids: list[int], today: dt.date, limits: rules.Limits) -> QuerySet:
    newer = ReportVersion.objects.filter(review=OuterRef("review"), number__gt=OuterRef("number"))
    return (
        ReportVersion.objects.filter(
            review__partnership_id__in=ids, status=ReportVersion.Status.FAILED
        )
        .annotate(newer=Exists(newer))
        .filter(newer=False)
        .select_related("review__partnership", "requested_by")
    )


def _report_version_item(
    version: ReportVersion, today: dt.date, limits: rules.Limits, **source: Any
) -> Item | None:
    return _finding_item(
        rules.report_render_failed(version, newer=version.newer),
        kind=_("Report version"),
        object_id=version.pk,
        title=_("%(title)s, version %(number)s")
        % {"title": version.review.title, "number": version.number},
        url=version.review.get_absolute_url(),
        partnership=version.review.partnership,
        assignee=version.requested_by,
        **source,
    )


SOURCES: dict[str, Source] = {
    "review_due": Source(
        _reviews,
        _review_item,
        Capability.EDIT_REVIEWS,
        "partnership_id",
        (F("due_date").asc(), F("pk").asc()),
        "assignee_id",
    ),
    "action_point_due": Source(
        _action_points,
        _action_point_item,
        Capability.EDIT_CONSULTATIONS,
        "consultation__partnership_id",
        (F("due_date").asc(), F("pk").asc()),
        "assignee_id",
    ),
    "consultation_unprepared": Source(
        _consultations,
        _consultation_item,
        Capability.EDIT_CONSULTATIONS,
        "partnership_id",
        (F("date").asc(), F("pk").asc()),
        "organiser_id",
    ),
    "indicative_after_finance_act": Source(
        _indicative_lines,
        _line_item("indicative_after_finance_act"),
        Capability.EDIT_FUNDING,
        "partnership_id",
        (F("year").asc(), F("component").asc(), F("pk").asc()),
        "assignee_id",
    ),
    "committed_unpaid": Source(
        _unpaid_lines,
        _line_item("committed_unpaid"),
        Capability.EDIT_FUNDING,
        "partnership_id",
        (F("year").asc(), F("component").asc(), F("pk").asc()),
        "assignee_id",
    ),
    "note_waiting_for_clearing": Source(
        _notes,
        _note_item,
        Capability.CLEAR_NOTES,
        "agenda_item__consultation__partnership_id",
        (F("updated_at").asc(), F("pk").asc()),
    ),
    "goal_update_stale": Source(
        _stale_goals,
        _goal_item("goal_update_stale"),
        Capability.EDIT_RECORD,
        "partnership_id",
        (F("attention_since").asc(), F("number").asc(), F("pk").asc()),
    ),
    "goal_not_started_after_review": Source(
        _goals_not_started,
        _goal_item("goal_not_started_after_review"),
        Capability.EDIT_RECORD,
        "partnership_id",
        (F("number").asc(), F("pk").asc()),
    ),
    "report_render_failed": Source(
        _report_versions,
        _report_version_item,
        Capability.EDIT_REVIEWS,
        "review__partnership_id",
        (F("review_id").asc(), F("number").asc()),
        "requested_by_id",
    ),
}
assert list(SOURCES) == list(RULES)


def rule_candidates(
    rule: str, *, partnership_ids: list[int], today: dt.date, user_id: int | None = None
) -> QuerySet:
    """What one rule finds in the partnerships (for the user, if given), most urgent first."""
    source = SOURCES[rule]
    queryset = source.candidates(list(partnership_ids), today, rules.Limits.from_settings())
    if user_id is not None:
        queryset = _for_user(queryset, source, user_id)
    return queryset.order_by(*source.order)


def rule_items(rule: str, rows: Any, *, today: dt.date) -> list[Item]:
    """The items of a rule's rows (from :func:`rule_candidates`)."""
    limits = rules.Limits.from_settings()
    found = (SOURCES[rule].found_in(rule, row, today, limits) for row in rows)
    return [item for item in found if item is not None]


@dataclass
class Found:
    """What needs attention, most urgent first, and how many of each rule there are in each
    partnership (more than ``items`` holds when they were capped)."""

    items: list[Item]
    totals: dict[tuple[int, str], int]


def attention_found(
    *,
    partnership_ids: list[int],
    today: dt.date | None = None,
    user_id: int | None = None,
    roles: dict[int, str] | None = None,
    cap: int | None = None,
) -> Found:
    """Everything that needs attention in the partnerships (for the user, if given; the
    first ``cap`` of each rule in each partnership, if given), one query per rule.

    With the user's role in each partnership they are a member of (``roles``), a rule is
    asked only of the partnerships where that role may act on what it finds, and not at
    all where there are none."""
    if not partnership_ids:
        return Found([], {})
    today = today or rules.today()
    limits = rules.Limits.from_settings()
    items: list[Item] = []
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for rule, source in SOURCES.items():
        ids = list(partnership_ids)
        if user_id is not None and roles is not None:
            ids = _capable_ids(ids, roles, source.capability)
            if not ids:
                continue
        queryset = source.candidates(ids, today, limits)
        if user_id is not None:
            if roles is not None:
                queryset = _left_to_user(queryset, source, user_id)
            else:
                queryset = _for_user(queryset, source, user_id)
        queryset = queryset.order_by(*source.order)
        for row in _capped(queryset, source, cap, partnerships=len(ids)):
            item = source.found_in(rule, row, today, limits)
            if item is None:
                continue
            items.append(item)
            key = (item.partnership.pk, rule)
            totals[key] = getattr(row, "attention_total", totals[key] + 1)
    items.sort(key=lambda i: i.sort_key)
    return Found(items, dict(totals))


# The rules whose findings can be overdue, and how their query keeps only those that are.
OVERDUE: dict[str, Callable[[QuerySet, dt.date], QuerySet]] = {
    "review_due": lambda queryset, today: queryset.filter(due_date__lt=today),
    "action_point_due": lambda queryset, today: queryset.filter(due_date__lt=today),
    "indicative_after_finance_act": lambda queryset, today: queryset,  # overdue once found
    "committed_unpaid": lambda queryset, today: queryset,
}


def overdue_found(*, partnership_ids: list[int], cap: int, today: dt.date | None = None) -> Found:
    """What is overdue in the partnerships: the first ``cap`` of each rule that can be
    overdue in each partnership, with how many there are (one query per such rule)."""
    if not partnership_ids:
        return Found([], {})
    today = today or rules.today()
    limits = rules.Limits.from_settings()
    items: list[Item] = []
    totals: dict[tuple[int, str], int] = {}
    for rule, overdue in OVERDUE.items():
        source = SOURCES[rule]
        queryset = overdue(source.candidates(list(partnership_ids), today, limits), today)
        queryset = queryset.order_by(*source.order)
        for row in _capped(queryset, source, cap, partnerships=len(partnership_ids)):
            item = source.found_in(rule, row, today, limits)
            if item is not None and item.overdue:
                items.append(item)
                totals[(item.partnership.pk, rule)] = row.attention_total
    items.sort(key=lambda i: i.sort_key)
    return Found(items, totals)


def attention_items(*, partnership_ids: list[int], today: dt.date | None = None) -> list[Item]:
    """Everything that needs attention in the partnerships, most urgent first (one query
    per rule, whatever the amount of data)."""
    return attention_found(partnership_ids=partnership_ids, today=today).items


# --- Who an item is for ---------------------------------------------------------------------


def responsible_for(item: Item, roles: dict[int, dict[int, str]]) -> int | None:
    """The id of the item's responsible member if they still may act on it, else ``None``:
    then it is for every member whose role may (``roles``: partnership id -> user id ->
    role)."""
    members = roles.get(item.partnership.pk, {})
    assignee_id = getattr(item.assignee, "pk", None)
    role = members.get(assignee_id) if assignee_id is not None else None
    if role is not None and item.capability in core_access.ROLE_CAPABILITIES[role]:
        return assignee_id
    return None


def for_user(items: list[Item], *, user_id: int, roles: dict[int, dict[int, str]]) -> list[Item]:
    """The items that need this user's attention: those they are responsible for, and those
    nobody (who still may) is responsible for that their role may act on."""
    mine = []
    for item in items:
        role = roles.get(item.partnership.pk, {}).get(user_id)
        if role is None:
            continue
        responsible = responsible_for(item, roles)
        if responsible == user_id or (
            responsible is None and item.capability in core_access.ROLE_CAPABILITIES[role]
        ):
            mine.append(item)
    return mine


def roles_by_partnership(
    *, partnership_ids: list[int] | None = None, user_ids: list[int] | None = None
) -> dict[int, dict[int, str]]:
    """Partnership id -> user id -> role, for the partnerships or users given (one query)."""
    memberships = Membership.objects.all()
    if partnership_ids is not None:
        memberships = memberships.filter(partnership_id__in=partnership_ids)
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=user_ids)
    roles: dict[int, dict[int, str]] = defaultdict(dict)
    for partnership_id, user_id, role in memberships.values_list(
        "partnership_id", "user_id", "role"
    ):
        roles[partnership_id][user_id] = role
    return roles


# --- My work, the dashboard's panel ---------------------------------------------------------

# A section shows the first few of each rule, and says how many there are in all.
ITEMS_PER_RULE = 10


@dataclass(frozen=True)
class More:
    """A rule with more items than a section shows: how many, and where the rest are."""

    rule: str
    total: int
    shown: int

    @property
    def label(self) -> str:
        return RULES[self.rule]

    @property
    def hidden(self) -> int:
        return self.total - self.shown


def _more(items: list[Item], totals: dict[tuple[int, str], int], partnership_id: int) -> list[More]:
    shown: dict[str, int] = defaultdict(int)
    for item in items:
        shown[item.rule] += 1
    return [
        More(rule, totals[(partnership_id, rule)], shown[rule])
        for rule in RULES
        if totals.get((partnership_id, rule), 0) > shown[rule]
    ]


@dataclass
class PartnershipWork:
    partnership: Partnership
    role: Membership.Role
    items: list[Item] = field(default_factory=list)
    total: int = 0  # how many things need the user's attention here, shown or not
    more: list[More] = field(default_factory=list)


@dataclass
class MyWork:
    today: dt.date
    groups: list[PartnershipWork]

    @property
    def items(self) -> list[Item]:
        return [item for group in self.groups for item in group.items]

    @property
    def count(self) -> int:
        return sum(group.total for group in self.groups)


def my_partnerships(*, user: Any, slug: str | None = None) -> QuerySet[Partnership]:
    """The partnerships My work goes through (or the one ``slug`` names), newest first,
    each with the user's role in it (``my_role``): those the user holds a role in. A
    portfolio administrator reads every partnership but acts only where they hold one."""
    partnerships = access.partnerships.visible(user).order_by("-start_date", "title", "pk")
    if slug is not None:
        partnerships = partnerships.filter(slug=slug)
    return with_my_role(partnerships, user=user).filter(my_role__isnull=False)


def with_my_role(partnerships: QuerySet[Partnership], *, user: Any) -> QuerySet[Partnership]:
    """The partnerships, each with the user's role in it (``my_role``; ``None`` where they
    hold none), read in the same query."""
    role = Membership.objects.filter(partnership=OuterRef("pk"), user=user).values("role")[:1]
    return partnerships.annotate(my_role=Subquery(role))


def my_work(
    *,
    user: Any,
    today: dt.date | None = None,
    slug: str | None = None,
    partnerships: list[Partnership] | None = None,
    cap: int | None = ITEMS_PER_RULE,
) -> MyWork:
    """What needs the user's attention in ``partnerships`` (from :func:`my_partnerships`;
    default: all of them, or the one ``slug`` names), grouped by partnership, most urgent
    first: the first ``cap`` of each rule in each, with how many there are in all (one
    query per rule)."""
    today = today or rules.today()
    if partnerships is None:
        partnerships = list(my_partnerships(user=user, slug=slug))
    found = attention_found(
        partnership_ids=[p.pk for p in partnerships],
        today=today,
        user_id=user.pk,
        roles={p.pk: p.my_role for p in partnerships if p.my_role},
        cap=cap,
    )
    by_partnership: dict[int, list[Item]] = defaultdict(list)
    for item in found.items:
        by_partnership[item.partnership.pk].append(item)
    groups = []
    for p in partnerships:
        items = by_partnership[p.pk]
        total = sum(n for (pk, _rule), n in found.totals.items() if pk == p.pk)
        more = _more(items, found.totals, p.pk)
        groups.append(PartnershipWork(p, Membership.Role(p.my_role), items, total, more))
    return MyWork(today=today, groups=groups)


@dataclass
class RuleGroup:
    rule: str
    label: str
    items: list[Item]
    total: int = 0  # how many there are, shown or not

    @property
    def hidden(self) -> int:
        return self.total - len(self.items)

    @property
    def batches(self) -> list[Batch]:
        """The items, those of one batch together (in the order of the first)."""
        batches: list[Batch] = []
        named: dict[str, Batch] = {}
        for item in self.items:
            if item.batch and item.batch in named:
                named[item.batch].items.append(item)
                continue
            batch = Batch(item.batch, [item])
            batches.append(batch)
            if item.batch:
                named[item.batch] = batch
        return batches


def partnership_attention(
    *, partnership: Partnership, today: dt.date | None = None, cap: int | None = ITEMS_PER_RULE
) -> list[RuleGroup]:
    """What needs attention in one partnership, whoever it is for, by rule: the first
    ``cap`` of each, with how many there are (the dashboard's panel; one query per rule)."""
    found = attention_found(partnership_ids=[partnership.pk], today=today, cap=cap)
    grouped: dict[str, list[Item]] = defaultdict(list)
    for item in found.items:
        grouped[item.rule].append(item)
    return [
        RuleGroup(rule, str(RULES[rule]), grouped[rule], found.totals[(partnership.pk, rule)])
        for rule in RULES
        if grouped[rule]
    ]


@dataclass
class Batch:
    """Items of one rule shown together (a year's budget lines), or one item alone."""

    name: str
    items: list[Item]

    @property
    def first(self) -> Item:
        return self.items[0]

    @property
    def one_summary(self) -> bool:
        """Whether every item of the batch needs attention for the same reason."""
        return len({item.summary for item in self.items}) == 1


# --- Who was reminded of what ---------------------------------------------------------------


def reminders(*, partnership_ids: list[int]) -> QuerySet[Reminder]:
    """The reminders sent about the partnerships' work, newest first, with their digest and
    its recipient (one query per page)."""
    return (
        Reminder.objects.filter(partnership_id__in=partnership_ids)
        .select_related("digest__user", "partnership")
        .order_by("-digest__created_at", "-pk")
    )
