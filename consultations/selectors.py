"""Reads shared by the consultation pages, the API and the review report.

Each selector makes a fixed number of queries whatever the number of consultations,
agenda items, notes and action points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from partnership.models import OverallGoal, Partnership, Risk

from .models import (
    ActionPoint,
    AgendaItem,
    Consultation,
    Note,
    NoteRevision,
    StandardAgendaItem,
)


def _count(queryset: QuerySet, path: str) -> Coalesce:
    counted = (
        queryset.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def standard_agenda(*, partnership: Partnership) -> list[StandardAgendaItem]:
    """The items every new consultation of the partnership starts with, in their order,
    the retired left out (one query). A partnership whose strategy prescribes none has an
    empty one."""
    return list(
        StandardAgendaItem.objects.filter(
            partnership=partnership, retired_on__isnull=True
        ).order_by("order")
    )


def standard_agenda_with_retired(*, partnership: Partnership) -> list[StandardAgendaItem]:
    """Every item of the partnership's standard agenda, those in force first, each part in
    its order (one query)."""
    return list(
        StandardAgendaItem.objects.filter(partnership=partnership)
        .select_related("partnership")
        .order_by(F("retired_on").asc(nulls_first=True), "order")
    )


def next_consultations(*, partnership_ids: list[int]) -> dict[int, Consultation]:
    """Each partnership's next consultation: the first still planned, by year, by
    partnership id (one query, a row a partnership)."""
    planned = (
        Consultation.objects.filter(
            partnership_id__in=partnership_ids, status=Consultation.Status.PLANNED
        )
        .annotate(
            rank=Window(RowNumber(), partition_by=F("partnership_id"), order_by=F("year").asc())
        )
        .filter(rank=1)
        .select_related("partnership")
    )
    return {consultation.partnership_id: consultation for consultation in planned}


def consultation_list(*, partnership: Partnership) -> QuerySet[Consultation]:
    """The partnership's consultations, newest first, with counts (one query)."""
    return (
        Consultation.objects.filter(partnership=partnership)
        .select_related("partnership")
        .annotate(
            item_count=_count(AgendaItem.objects.all(), "consultation"),
            note_count=_count(Note.objects.exclude(body=""), "agenda_item__consultation"),
            uncleared_count=_count(
                Note.objects.exclude(body="").exclude(status=Note.Status.CLEARED),
                "agenda_item__consultation",
            ),
            action_point_count=_count(ActionPoint.objects.all(), "consultation"),
            open_action_point_count=_count(
                ActionPoint.objects.filter(status=ActionPoint.Status.OPEN), "consultation"
            ),
        )
        .order_by("-year")
    )


def _action_points() -> QuerySet[ActionPoint]:
    return ActionPoint.objects.select_related(
        "consultation__partnership", "agenda_item", "assignee"
    ).prefetch_related(
        Prefetch("goals", queryset=OverallGoal.objects.order_by("number")),
        Prefetch("risks", queryset=Risk.objects.order_by("number")),
    )


def _mark_overdue(
    points: list[ActionPoint], as_of: dt.date, *, closed_that_day_was_open: bool = False
) -> list[ActionPoint]:
    """Set ``overdue`` on each point: open at ``as_of`` with its due date before it.

    A point closed on ``as_of`` itself was still open then if ``as_of`` is a meeting at
    which it was closed; seen from today, it is closed.
    """
    for point in points:
        closed = point.closed_on
        open_then = point.status == ActionPoint.Status.OPEN or (
            closed is not None and (closed >= as_of if closed_that_day_was_open else closed > as_of)
        )
        point.overdue = bool(open_then and point.due_date and point.due_date < as_of)
    return points


def action_point_row(*, pk: int) -> ActionPoint:
    """One action point as a list shows it, ``overdue`` as of today (three queries)."""
    return _mark_overdue([_action_points().get(pk=pk)], timezone.localdate())[0]


def open_action_points_due_first(*, partnership: Partnership) -> QuerySet[ActionPoint]:
    """Open action points of every consultation, the ones due first on top and those
    without a due date last (unmarked: ``_mark_overdue`` a page of them)."""
    return (
        _action_points()
        .filter(consultation__partnership=partnership, status=ActionPoint.Status.OPEN)
        .order_by(F("due_date").asc(nulls_last=True), "consultation__year", "pk")
    )


def mark_overdue(points: Iterable[ActionPoint], *, as_of: dt.date | None = None) -> list:
    return _mark_overdue(list(points), as_of or timezone.localdate())


def open_action_points(
    *, partnership: Partnership, as_of: dt.date | None = None
) -> list[ActionPoint]:
    """Open action points of every consultation, the ones due first on top (three queries)."""
    as_of = as_of or timezone.localdate()
    points = list(
        _action_points()
        .filter(consultation__partnership=partnership, status=ActionPoint.Status.OPEN)
        .order_by("due_date", "consultation__year", "pk")
    )
    points.sort(key=lambda p: (p.due_date is None, p.due_date or dt.date.max))
    return _mark_overdue(points, as_of)


def matters_arising_points(*, consultation: Consultation) -> QuerySet[ActionPoint]:
    """Action points of earlier consultations still open when this one meets, oldest
    consultation first (unmarked: see ``matters_arising``).

    For a consultation that has met, that is the points open now or closed on or after
    its date (they stay in its minutes with their present status); otherwise the points
    open now."""
    today = timezone.localdate()
    still_open = Q(status=ActionPoint.Status.OPEN)
    if consultation.date and consultation.date <= today:
        still_open |= Q(closed_on__gte=consultation.date)
    return (
        _action_points()
        .filter(
            still_open,
            consultation__partnership_id=consultation.partnership_id,
            consultation__year__lt=consultation.year,
        )
        .order_by("consultation__year", "due_date", "pk")
    )


def mark_matters_arising(
    points: Iterable[ActionPoint], *, consultation: Consultation
) -> list[ActionPoint]:
    """``overdue`` on each point, as of the meeting, or today if that is earlier."""
    today = timezone.localdate()
    as_of = min(consultation.date, today) if consultation.date else today
    return _mark_overdue(list(points), as_of, closed_that_day_was_open=as_of == consultation.date)


def matters_arising(*, consultation: Consultation) -> list[ActionPoint]:
    """Every matter arising (``matters_arising_points``) with ``overdue`` marked (three
    queries)."""
    return mark_matters_arising(
        matters_arising_points(consultation=consultation), consultation=consultation
    )


def _notes() -> QuerySet[Note]:
    return (
        Note.objects.select_related("author", "last_edited_by", "cleared_by")
        .prefetch_related(
            Prefetch("goals", queryset=OverallGoal.objects.order_by("number")),
            Prefetch("risks", queryset=Risk.objects.order_by("number")),
            Prefetch(
                "revisions",
                queryset=NoteRevision.objects.select_related("cleared_by", "written_by").order_by(
                    "-number"
                ),
            ),
        )
        .order_by("created_at", "pk")
    )


@dataclass
class ConsultationPage:
    consultation: Consultation
    items: list[AgendaItem]
    unfiled_action_points: list[ActionPoint]
    matters_arising: Sequence[ActionPoint]
    goals: list[OverallGoal] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)


def consultation_page(
    *, consultation: Consultation, arising: Sequence[ActionPoint] | None = None
) -> ConsultationPage:
    """Everything the consultation page shows: the agenda with each item's notes (with
    links and cleared revisions) and action points (``item.points``), action points filed
    under no item, the matters arising (``arising``, a page of them marked, or else all),
    and the partnership's goals and risks for the link pickers. Fifteen queries at most,
    however many items, notes and points there are.
    """
    today = timezone.localdate()
    items = list(
        AgendaItem.objects.filter(consultation=consultation)
        .order_by("order")
        .prefetch_related(Prefetch("notes", queryset=_notes()))
    )
    points = _mark_overdue(
        list(_action_points().filter(consultation=consultation).order_by("due_date", "pk")),
        today,
    )
    by_item: dict[int | None, list[ActionPoint]] = {}
    for point in points:
        by_item.setdefault(point.agenda_item_id, []).append(point)
    for item in items:
        item.points = by_item.get(item.pk, [])
    return ConsultationPage(
        consultation=consultation,
        items=items,
        unfiled_action_points=by_item.get(None, []),
        matters_arising=(
            matters_arising(consultation=consultation) if arising is None else arising
        ),
        goals=list(OverallGoal.objects.filter(partnership_id=consultation.partnership_id)),
        risks=list(Risk.objects.filter(partnership_id=consultation.partnership_id)),
    )


def note_with_links(*, note_id: int) -> Note:
    """One note as the page shows it (five queries)."""
    return _notes().select_related("agenda_item__consultation__partnership").get(pk=note_id)


def agenda_items(*, consultation: Consultation) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(consultation=consultation).order_by("order"))


def action_points_for_report(
    *, partnership: Partnership, as_of: dt.date | None = None
) -> list[ActionPoint]:
    """Every action point of the partnership's consultations, for the review report.

    In the order of the consultations (by year), then of their agenda, then by due date;
    each with its consultation, agenda item, linked goals and risks, and ``overdue`` as of
    ``as_of`` (default today). Three queries, however many points.
    """
    as_of = as_of or timezone.localdate()
    points = list(
        _action_points()
        .filter(consultation__partnership=partnership)
        .order_by("consultation__year", "agenda_item__order", "due_date", "pk")
    )
    return _mark_overdue(points, as_of)


def action_points_overdue_on(*, partnership: Partnership, day: dt.date) -> list[ActionPoint]:
    """Action points past their due date and still open on ``day`` (open now, or closed
    after it), with their consultation, oldest due first (one query)."""
    return list(
        ActionPoint.objects.filter(
            Q(status=ActionPoint.Status.OPEN) | Q(closed_on__gt=day),
            consultation__partnership=partnership,
            due_date__lt=day,
        )
        .select_related("consultation")
        .order_by("due_date", "pk")
    )


@dataclass
class Linked:
    action_points: list[ActionPoint]
    notes: list[Note]

    def __bool__(self) -> bool:
        return bool(self.action_points or self.notes)


def _linked(**lookup: object) -> Linked:
    points = list(
        ActionPoint.objects.filter(**lookup)
        .select_related("consultation__partnership", "agenda_item")
        .order_by("-consultation__year", "due_date", "pk")
    )
    notes = list(
        Note.objects.filter(**lookup)
        .exclude(body="")
        .select_related("agenda_item__consultation__partnership", "author")
        .order_by("-agenda_item__consultation__year", "agenda_item__order", "pk")
    )
    return Linked(_mark_overdue(points, timezone.localdate()), notes)


def linked_to_goal(*, goal: OverallGoal) -> Linked:
    """Action points and notes linked to a goal (two queries)."""
    return _linked(goals=goal)


def linked_to_risk(*, risk: Risk) -> Linked:
    """Action points and notes linked to a risk (two queries)."""
    return _linked(risks=risk)
