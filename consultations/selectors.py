"""Reads shared by the consultation pages, the API and the review report.

Each selector makes a fixed number of queries whatever the number of consultations,
agenda items, notes and action points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count
from django.db.models import F
from django.db.models import IntegerField
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Window
from django.db.models.functions import Coalesce
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from core import periods
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import Risk

from .models import ActionPoint
from .models import AgendaItem
from .models import Consultation
from .models import Note
from .models import NoteRevision
from .models import StandardAgendaItem


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


def first_free_year(*, partnership: Partnership) -> int | None:
    """The first year of the agreement without a consultation, if any: one query, one row
    (how many consultations each year of the agreement has), however many there are."""
    years = partnership.years
    if not years:
        return None
    held = Consultation.objects.filter(partnership=partnership, year__in=years).aggregate(
        **{f"in_{year}": Count("pk", filter=Q(year=year)) for year in years}
    )
    return next((year for year in years if not held[f"in_{year}"]), None)


def consultation_list(*, partnership: Partnership) -> QuerySet[Consultation]:
    """The partnership's consultations, newest first, with counts (unevaluated: page it;
    a page is one query)."""
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


def _point_rows(points: QuerySet[ActionPoint] | None = None) -> QuerySet[ActionPoint]:
    """``points`` (default: all) with their consultation, item and owner: a paged list's
    rows, whose goals and risks ``with_links`` reads for the page."""
    points = ActionPoint.objects.all() if points is None else points
    return points.select_related("consultation__partnership", "agenda_item", "assignee")


def with_links(page: Page) -> list[ActionPoint]:
    """The action points of ``page`` (a page of a ``_point_rows`` queryset) with their goals
    and risks (``point.goals.all()``, ``point.risks.all()``): the page's rows, then two
    queries for the links. The three run even when the page is empty (the page's count
    does not depend on what it holds, as a prefetch's and an empty page's slice would)."""
    rows = page_rows(page)
    _attach_links(rows, _page_slice(page), ActionPoint)
    return rows


def _page_slice(page: Page) -> QuerySet:
    per_page = page.paginator.per_page
    return page.paginator.object_list[(page.number - 1) * per_page :][:per_page]


def page_rows(page: Page) -> list:
    """The rows of ``page`` (a page of a queryset), read in one query even when the page is
    empty (Django's own page reads none then: the page's count would depend on what it
    holds)."""
    return list(_page_slice(page))


def _action_points(points: QuerySet[ActionPoint] | None = None) -> QuerySet[ActionPoint]:
    """``points`` (default: all) as a list shows them: with their consultation, item,
    owner, goals and risks."""
    return _point_rows(points).prefetch_related(
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
    without a due date last (unevaluated and unmarked: page it, ``with_links`` and
    ``mark_overdue`` the page)."""
    return (
        _point_rows()
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
    consultation first (unevaluated and unmarked: page it, ``with_links`` and
    ``mark_matters_arising`` the page; or see ``matters_arising``).

    For a consultation that has met, that is the points open now or closed on or after
    its date (they stay in its minutes with their present status); otherwise the points
    open now."""
    return _point_rows(_arising(consultation)).order_by(*ARISING_ORDER)


ARISING_ORDER = ["consultation__year", "due_date", "pk"]


def _arising(consultation: Consultation) -> QuerySet[ActionPoint]:
    today = timezone.localdate()
    still_open = Q(status=ActionPoint.Status.OPEN)
    if consultation.date and consultation.date <= today:
        still_open |= Q(closed_on__gte=consultation.date)
    return ActionPoint.objects.filter(
        still_open,
        consultation__partnership_id=consultation.partnership_id,
        consultation__year__lt=consultation.year,
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
        _action_points(_arising(consultation)).order_by(*ARISING_ORDER), consultation=consultation
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
    # How many action points are filed under no item, and how many matters arise (the
    # page shows the first of each).
    unfiled_total: int = 0
    matters_arising_total: int = 0


# What the consultation page shows of each list; a link leads to the whole list, paged.
NOTES_SHOWN = 10  # of each agenda item, the newest
POINTS_SHOWN = 10  # of each agenda item, and of those filed under none
ARISING_SHOWN = 10
REVISIONS_SHOWN = 3  # cleared revisions of each note


def _first(
    queryset: QuerySet, *, per: str | None, order: list, n: int, shown_in: list | None = None
) -> QuerySet:
    """The first ``n`` rows of ``queryset`` in ``order`` for each value of ``per`` (of them
    all if None), in ``shown_in`` (default: ``order``), each with ``of``: how many rows its
    ``per`` has. One query."""
    partition = [F(per)] if per else []
    return (
        queryset.annotate(
            rank=Window(RowNumber(), partition_by=partition, order_by=order),
            of=Window(Count("pk"), partition_by=partition),
        )
        .filter(rank__lte=n)
        .order_by(*(shown_in or order))
    )


def _cache(obj: object, name: str, model: type, values: list) -> None:
    """Set what ``obj.<name>.all()`` returns, as prefetch_related would."""
    queryset = model.objects.none()
    queryset._result_cache = values  # type: ignore[attr-defined]
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _attach_links(objects: list, shown: QuerySet, model: type) -> None:
    """Each object's goals and risks (``obj.goals.all()``, ``obj.risks.all()``), read for
    the rows ``shown`` selects: two queries, which run even when there are none (the page's
    count does not depend on what it holds)."""
    owner = model._meta.model_name
    by_pk = {obj.pk: obj for obj in objects}
    for name, target in (("goals", OverallGoal), ("risks", Risk)):
        through = getattr(model, name).through
        target_name = target._meta.model_name
        links: dict[int, list] = {pk: [] for pk in by_pk}
        rows = (
            through.objects.filter(**{f"{owner}__in": shown.values("pk")})
            .select_related(target_name)
            .order_by(f"{target_name}__number")
        )
        for row in rows:
            if getattr(row, f"{owner}_id") in links:
                links[getattr(row, f"{owner}_id")].append(getattr(row, target_name))
        for pk, obj in by_pk.items():
            _cache(obj, name, target, links[pk])


POINTS_ORDER = [F("due_date").asc(), F("pk").asc()]


def _points_shown(
    points: QuerySet[ActionPoint], *, per: str | None, n: int, order: list = POINTS_ORDER
) -> list:
    """The first ``n`` action points (of each ``per``) with their goals and risks (three
    queries, whatever there are)."""
    plain = points.select_related("consultation__partnership", "agenda_item", "assignee")
    shown = _first(plain, per=per, order=order, n=n)
    rows = list(shown)
    _attach_links(rows, _first(points, per=per, order=order, n=n), ActionPoint)
    return rows


def consultation_page(
    *, consultation: Consultation, arising: Sequence[ActionPoint] | None = None
) -> ConsultationPage:
    """Everything the consultation page shows: the agenda with each item's last notes
    (``item.notes_shown``, with links and their latest cleared revisions; ``item.note_total``)
    and first action points (``item.points``, ``item.point_total``), the first action
    points filed under no item, the first matters arising (``arising``: given, or else read
    and marked). The same thirteen queries (with ``arising`` given, ten) whatever the
    consultation holds, even nothing.
    """
    today = timezone.localdate()
    items = list(AgendaItem.objects.filter(consultation=consultation).order_by("order"))
    # An item's newest notes, oldest of them first: a note just added stays on the page.
    notes = _first(
        Note.objects.filter(agenda_item__consultation=consultation),
        per="agenda_item_id",
        order=[F("created_at").desc(), F("pk").desc()],
        n=NOTES_SHOWN,
        shown_in=[F("created_at").asc(), F("pk").asc()],
    )
    shown_notes = list(notes.select_related("author", "last_edited_by", "cleared_by"))
    _attach_links(shown_notes, notes, Note)
    revisions = _first(
        NoteRevision.objects.filter(note__in=notes.values("pk")).select_related(
            "cleared_by", "written_by"
        ),
        per="note_id",
        order=[F("number").desc()],
        n=REVISIONS_SHOWN,
    )
    by_note: dict[int, list[NoteRevision]] = {note.pk: [] for note in shown_notes}
    for revision in revisions:
        by_note.setdefault(revision.note_id, []).append(revision)
    for note in shown_notes:
        _cache(note, "revisions", NoteRevision, by_note[note.pk])
        note.revision_total = by_note[note.pk][0].of if by_note[note.pk] else 0
    notes_by_item: dict[int, list[Note]] = {}
    for note in shown_notes:
        notes_by_item.setdefault(note.agenda_item_id, []).append(note)
    points = _mark_overdue(
        _points_shown(
            ActionPoint.objects.filter(consultation=consultation),
            per="agenda_item_id",
            n=POINTS_SHOWN,
        ),
        today,
    )
    by_item: dict[int | None, list[ActionPoint]] = {}
    for point in points:
        by_item.setdefault(point.agenda_item_id, []).append(point)
    for item in items:
        item.notes_shown = notes_by_item.get(item.pk, [])
        item.note_total = item.notes_shown[0].of if item.notes_shown else 0
        item.points = by_item.get(item.pk, [])
        item.point_total = item.points[0].of if item.points else 0
    unfiled = by_item.get(None, [])
    if arising is None:
        shown_arising = _points_shown(
            _arising(consultation), per=None, n=ARISING_SHOWN, order=ARISING_ORDER
        )
        arising = mark_matters_arising(shown_arising, consultation=consultation)
    return ConsultationPage(
        consultation=consultation,
        items=items,
        unfiled_action_points=unfiled,
        unfiled_total=unfiled[0].of if unfiled else 0,
        matters_arising=arising,
        matters_arising_total=arising[0].of if arising else 0,
    )


def consultation_notes(*, consultation: Consultation, item_id: int | None = None) -> QuerySet[Note]:
    """The consultation's notes (of one agenda item, if given) in the agenda's order, each
    with its item, links and cleared revisions (unevaluated: page it)."""
    notes = _notes().filter(agenda_item__consultation=consultation)
    if item_id is not None:
        notes = notes.filter(agenda_item_id=item_id)
    return notes.select_related("agenda_item").order_by("agenda_item__order", "created_at", "pk")


def consultation_action_points(
    *, consultation: Consultation, item_id: int | None = None, unfiled: bool = False
) -> QuerySet[ActionPoint]:
    """The consultation's action points (of one agenda item, or filed under none), in the
    agenda's order, then by due date (unevaluated and unmarked: page it, ``with_links``
    and ``mark_overdue`` the page)."""
    points = ActionPoint.objects.filter(consultation=consultation)
    if unfiled:
        points = points.filter(agenda_item__isnull=True)
    elif item_id is not None:
        points = points.filter(agenda_item_id=item_id)
    return _point_rows(points).order_by("agenda_item__order", "due_date", "pk")


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


def first_action_points_overdue_on(
    *, partnership: Partnership, day: dt.date, first: int
) -> tuple[list[ActionPoint], int]:
    """The first ``first`` of :func:`action_points_overdue_on`, and how many there are in
    all (one query, counting them beside the rows it reads)."""
    points = list(
        ActionPoint.objects.filter(
            Q(status=ActionPoint.Status.OPEN) | Q(closed_on__gt=day),
            consultation__partnership=partnership,
            due_date__lt=day,
        )
        .annotate(total=Window(Count("*")))
        .select_related("consultation")
        .order_by("due_date", "pk")[:first]
    )
    return points, points[0].total if points else 0


@dataclass
class Linked:
    """The first action points and notes linked to a goal or risk, newest consultation
    first, and how many there are of each (the whole lists are paged on their own page)."""

    action_points: list[ActionPoint]
    notes: list[Note]
    action_point_total: int = 0
    note_total: int = 0

    def __bool__(self) -> bool:
        return bool(self.action_points or self.notes)

    @property
    def more(self) -> bool:
        points, notes = len(self.action_points), len(self.notes)
        return self.action_point_total > points or self.note_total > notes


# What a goal's or risk's page shows of the action points and notes linked to it.
LINKED_SHOWN = 10
LINKED_POINTS_ORDER = [F("consultation__year").desc(), F("due_date").asc(), F("pk").asc()]
LINKED_NOTES_ORDER = [
    F("agenda_item__consultation__year").desc(),
    F("agenda_item__order").asc(),
    F("pk").asc(),
]


def _linked_points(**lookup: object) -> QuerySet[ActionPoint]:
    return ActionPoint.objects.filter(**lookup).select_related(
        "consultation__partnership", "agenda_item"
    )


def _linked_notes(**lookup: object) -> QuerySet[Note]:
    return (
        Note.objects.filter(**lookup)
        .exclude(body="")
        .select_related("agenda_item__consultation__partnership", "author")
    )


def _linked(**lookup: object) -> Linked:
    points = list(
        _first(_linked_points(**lookup), per=None, order=LINKED_POINTS_ORDER, n=LINKED_SHOWN)
    )
    notes = list(
        _first(_linked_notes(**lookup), per=None, order=LINKED_NOTES_ORDER, n=LINKED_SHOWN)
    )
    return Linked(
        _mark_overdue(points, timezone.localdate()),
        notes,
        action_point_total=points[0].of if points else 0,
        note_total=notes[0].of if notes else 0,
    )


def linked_to_goal(*, goal: OverallGoal) -> Linked:
    """The first action points and notes linked to a goal, with how many (two queries)."""
    return _linked(goals=goal)


def linked_to_risk(*, risk: Risk) -> Linked:
    """The first action points and notes linked to a risk, with how many (two queries)."""
    return _linked(risks=risk)


def linked_action_points(**lookup: object) -> QuerySet[ActionPoint]:
    """Every action point linked to a goal (``goals=``) or risk (``risks=``), newest
    consultation first (unevaluated and unmarked: page it, ``mark_overdue`` the page)."""
    return _linked_points(**lookup).order_by(*LINKED_POINTS_ORDER)


def linked_notes(**lookup: object) -> QuerySet[Note]:
    """Every note linked to a goal (``goals=``) or risk (``risks=``), newest consultation
    first (unevaluated: page it)."""
    return _linked_notes(**lookup).order_by(*LINKED_NOTES_ORDER)


# What a period that would leave consultations outside is told, by the side it shrinks on.
_CONSULTATIONS_BEFORE = ngettext_lazy(
    "There is a consultation for %(years)s: the agreement must start in %(year)s "
    "or earlier to hold it.",
    "There are consultations for %(years)s: the agreement must start in %(year)s "
    "or earlier to hold them.",
    "count",
)
_CONSULTATIONS_AFTER = ngettext_lazy(
    "There is a consultation for %(years)s: the agreement must end in %(year)s "
    "or later to hold it.",
    "There are consultations for %(years)s: the agreement must end in %(year)s "
    "or later to hold them.",
    "count",
)


def outside_period(
    *, partnership: Partnership, start_date: dt.date, end_date: dt.date
) -> dict[str, list[str]]:
    """The consultations of years the agreement's period ``start_date``–``end_date`` would
    leave outside (``core.periods``): one a year, and none is withdrawn or moved."""
    years = list(
        Consultation.objects.filter(partnership=partnership)
        .exclude(year__range=(start_date.year, end_date.year))
        .values_list("year", flat=True)
    )
    return periods.years_errors(
        years,
        start_date=start_date,
        end_date=end_date,
        before=_CONSULTATIONS_BEFORE,
        after=_CONSULTATIONS_AFTER,
    )
