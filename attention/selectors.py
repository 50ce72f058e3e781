"""What needs attention, read for pages, the API and the digests alike.

:func:`attention_items` reads every candidate of every rule for a set of partnerships in a
fixed number of queries (one per kind of object, whatever the amount of data), and asks
the rules of :mod:`attention.rules` about each. Who an item is for is then worked out
without a query: its responsible member if it has one who still may act on it, otherwise
every member whose role may (:func:`for_user`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import ActionPoint, Consultation, Note
from core import access as core_access
from core.access import Capability
from funding.models import BudgetLine
from partnership import access
from partnership.assignees import person_name
from partnership.models import Membership, OverallGoal, Partnership
from reviews.models import ReportVersion, Review

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
            self.kind,
            self.title,
            self.object_id,
        )


def _finding_item(finding: rules.Finding | None, **item: Any) -> Item | None:
    if finding is None:
        return None
    return Item(summary=finding.summary, due=finding.due, overdue=finding.overdue, **item)


# --- One query per kind of object ------------------------------------------------------------


def _action_points(ids: list[int], today: dt.date, limits: rules.Limits) -> list[Item | None]:
    points = (
        ActionPoint.objects.filter(
            consultation__partnership_id__in=ids,
            status=ActionPoint.Status.OPEN,
            due_date__lte=today + dt.timedelta(days=limits.action_point_days),
        )
        .select_related("consultation__partnership", "assignee")
        .order_by("due_date", "pk")
    )
    return [
        _finding_item(
            rules.action_point_due(point, today=today, limits=limits),
            rule="action_point_due",
            kind=_("Action point of the %(year)s consultation") % {"year": point.consultation.year},
            object_id=point.pk,
            title=str(point),
            url=_action_point_url(point),
            partnership=point.consultation.partnership,
            capability=Capability.EDIT_CONSULTATIONS,
            assignee=point.assignee,
        )
        for point in points
    ]


def _action_point_url(point: ActionPoint) -> str:
    anchor = f"item-{point.agenda_item_id}-actions" if point.agenda_item_id else "agenda"
    return f"{point.consultation.get_absolute_url()}#{anchor}"


def _reviews(ids: list[int], today: dt.date, limits: rules.Limits) -> list[Item | None]:
    reviews = (
        Review.objects.filter(
            partnership_id__in=ids,
            due_date__lte=today + dt.timedelta(days=limits.review_days),
        )
        .exclude(status=Review.Status.ISSUED)
        .select_related("partnership", "assignee")
        .order_by("due_date", "pk")
    )
    return [
        _finding_item(
            rules.review_due(review, today=today, limits=limits),
            rule="review_due",
            kind=review.get_kind_display(),
            object_id=review.pk,
            title=review.title,
            url=review.get_absolute_url(),
            partnership=review.partnership,
            capability=Capability.EDIT_REVIEWS,
            assignee=review.assignee,
        )
        for review in reviews
    ]


def _consultations(ids: list[int], today: dt.date, limits: rules.Limits) -> list[Item | None]:
    consultations = (
        Consultation.objects.filter(
            partnership_id__in=ids,
            status=Consultation.Status.PLANNED,
            date__gte=today,
            date__lte=today + dt.timedelta(days=limits.consultation_days),
        )
        .annotate(agenda_count=Count("agenda_items"))
        .select_related("partnership", "organiser")
        .order_by("date", "pk")
    )
    return [
        _finding_item(
            rules.consultation_unprepared(
                consultation, agenda_items=consultation.agenda_count, today=today, limits=limits
            ),
            rule="consultation_unprepared",
            kind=_("Annual consultation"),
            object_id=consultation.pk,
            title=str(consultation),
            url=consultation.get_absolute_url(),
            partnership=consultation.partnership,
            capability=Capability.EDIT_CONSULTATIONS,
            assignee=consultation.organiser,
        )
        for consultation in consultations
    ]


def _budget_lines(ids: list[int], today: dt.date, limits: rules.Limits) -> list[Item | None]:
    lines = (
        BudgetLine.objects.filter(
            partnership_id__in=ids,
            status__in=[BudgetLine.Status.INDICATIVE, BudgetLine.Status.COMMITTED],
        )
        .with_disbursed()
        .select_related("partnership", "assignee")
        .order_by("year", "component", "pk")
    )
    items: list[Item | None] = []
    for line in lines:
        common = {
            "kind": "Budget line",
            "object_id": line.pk,
            "title": line.label,
            "url": line.get_absolute_url(),
            "partnership": line.partnership,
            "capability": Capability.EDIT_FUNDING,
            "assignee": line.assignee,
            "batch": f"{line.year} budget lines",
            "short_title": line.get_component_display(),
        }
        items.append(
            _finding_item(
                rules.indicative_after_finance_act(line, today=today, limits=limits),
                rule="indicative_after_finance_act",
                **common,
            )
        )
        items.append(
            _finding_item(
                rules.committed_unpaid(line, paid=line.paid, today=today, limits=limits),
                rule="committed_unpaid",
                **common,
            )
        )
    return items


def _notes(ids: list[int], today: dt.date, limits: rules.Limits) -> list[Item | None]:
    ready_before = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=limits.note_clearing_days - 1), dt.time())
    )
    notes = (
        Note.objects.filter(
            agenda_item__consultation__partnership_id__in=ids,
            status=Note.Status.READY,
            updated_at__lt=ready_before,
        )
        .select_related("agenda_item__consultation__partnership")
        .order_by("updated_at", "pk")
    )
    return [
        _finding_item(
            rules.note_waiting_for_clearing(note, today=today, limits=limits),
            rule="note_waiting_for_clearing",
            kind=_("Note of the %(year)s consultation")
            % {"year": note.agenda_item.consultation.year},
            object_id=note.pk,
            title=_("On “%(agenda_item)s”") % {"agenda_item": note.agenda_item},
            url=f"{note.agenda_item.consultation.get_absolute_url()}#note-{note.pk}",
            partnership=note.agenda_item.consultation.partnership,
            capability=Capability.CLEAR_NOTES,
        )
        for note in notes
    ]


def _goals(ids: list[int], today: dt.date, limits: rules.Limits) -> list[Item | None]:
    issued = ReportVersion.objects.filter(
        review__partnership=OuterRef("partnership"), issued_at__isnull=False
    ).order_by("-issued_at")
    goals = (
        OverallGoal.objects.with_current_status()
        .filter(
            partnership_id__in=ids,
            partnership__status=Partnership.Status.ACTIVE,
            retired_on__isnull=True,  # a retired goal takes no updates
        )
        .annotate(
            issued_at=Subquery(issued.values("issued_at")[:1]),
            issued_title=Subquery(issued.values("review__title")[:1]),
        )
        .select_related("partnership")
        .order_by("partnership_id", "number")
    )
    items: list[Item | None] = []
    for goal in goals:
        common = {
            "kind": _("Overall goal %(number)s") % {"number": goal.number},
            "object_id": goal.pk,
            "title": goal.text,
            "url": goal.get_absolute_url(),
            "partnership": goal.partnership,
            "capability": Capability.EDIT_RECORD,
            "batch": "overall goals",
            "short_title": f"Goal {goal.number}",
        }
        items.append(
            _finding_item(
                rules.goal_update_stale(
                    goal, started=goal.partnership.start_date, today=today, limits=limits
                ),
                rule="goal_update_stale",
                **common,
            )
        )
        issued_on = timezone.localdate(goal.issued_at) if goal.issued_at else None
        items.append(
            _finding_item(
                rules.goal_not_started_after_review(
                    goal, review_title=goal.issued_title, issued_on=issued_on
                ),
                rule="goal_not_started_after_review",
                **common,
            )
        )
    return items


def _report_versions(ids: list[int]) -> list[Item | None]:
    newer = ReportVersion.objects.filter(review=OuterRef("review"), number__gt=OuterRef("number"))
    versions = (
        ReportVersion.objects.filter(
            review__partnership_id__in=ids, status=ReportVersion.Status.FAILED
        )
        .annotate(newer=Exists(newer))
        .filter(newer=False)
        .select_related("review__partnership", "requested_by")
        .order_by("review_id", "number")
    )
    return [
        _finding_item(
            rules.report_render_failed(version, newer=version.newer),
            rule="report_render_failed",
            kind=_("Report version"),
            object_id=version.pk,
            title=_("%(title)s, version %(number)s")
            % {"title": version.review.title, "number": version.number},
            url=version.review.get_absolute_url(),
            partnership=version.review.partnership,
            capability=Capability.EDIT_REVIEWS,
            assignee=version.requested_by,
        )
        for version in versions
    ]


def attention_items(*, partnership_ids: list[int], today: dt.date | None = None) -> list[Item]:
    """Everything that needs attention in the partnerships, most urgent first (seven
    queries, whatever the amount of data)."""
    if not partnership_ids:
        return []
    today = today or rules.today()
    limits = rules.Limits.from_settings()
    ids = list(partnership_ids)
    found = [
        *_reviews(ids, today, limits),
        *_action_points(ids, today, limits),
        *_consultations(ids, today, limits),
        *_budget_lines(ids, today, limits),
        *_notes(ids, today, limits),
        *_goals(ids, today, limits),
        *_report_versions(ids),
    ]
    return sorted((item for item in found if item is not None), key=lambda i: i.sort_key)


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


@dataclass
class PartnershipWork:
    partnership: Partnership
    role: Membership.Role
    items: list[Item] = field(default_factory=list)


@dataclass
class MyWork:
    today: dt.date
    groups: list[PartnershipWork]

    @property
    def items(self) -> list[Item]:
        return [item for group in self.groups for item in group.items]

    @property
    def count(self) -> int:
        return sum(len(group.items) for group in self.groups)


def my_work(*, user: Any, today: dt.date | None = None, slug: str | None = None) -> MyWork:
    """What needs the user's attention across their partnerships (or the one ``slug``
    names), grouped by partnership, most urgent first (nine queries at most)."""
    today = today or rules.today()
    partnerships = access.partnerships.visible(user).order_by("-start_date", "title")
    if slug is not None:
        partnerships = partnerships.filter(slug=slug)
    partnerships = list(partnerships)
    ids = [p.pk for p in partnerships]
    roles = roles_by_partnership(partnership_ids=ids)
    items = for_user(
        attention_items(partnership_ids=ids, today=today), user_id=user.pk, roles=roles
    )
    by_partnership: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_partnership[item.partnership.pk].append(item)
    groups = [
        PartnershipWork(p, Membership.Role(roles[p.pk][user.pk]), by_partnership[p.pk])
        for p in partnerships
    ]
    return MyWork(today=today, groups=groups)


@dataclass
class RuleGroup:
    rule: str
    label: str
    items: list[Item]

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
    *, partnership: Partnership, today: dt.date | None = None
) -> list[RuleGroup]:
    """What needs attention in one partnership, whoever it is for, by rule (the dashboard's
    panel; seven queries)."""
    items = attention_items(partnership_ids=[partnership.pk], today=today)
    grouped: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        grouped[item.rule].append(item)
    return [RuleGroup(rule, str(RULES[rule]), grouped[rule]) for rule in RULES if grouped[rule]]


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
