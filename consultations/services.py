"""Writes to consultations, their agenda, notes and action points. Each is atomic and
validates before it saves; bad input raises ``ValidationError`` with a field dict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.db.models import F
from django.db.models import Max
from django.db.models import Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.reasons import clean_reason
from core.services import apply_changes
from core.services import editable
from core.services import record_create
from core.services import record_update
from core.services import save_changes
from partnership.assignees import UNCHANGED
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import Risk

from .models import ActionPoint
from .models import AgendaItem
from .models import Consultation
from .models import Note
from .models import NoteRevision
from .models import StandardAgendaItem
from .selectors import standard_agenda

Status = Consultation.Status

# Autosaves by one person within this window make one entry in the change history (the
# text as the session left it) instead of one per keystroke pause.
HISTORY_SESSION = dt.timedelta(minutes=10)

# Temporarily added to the order of moving agenda items so that the unique
# (consultation, order) constraint holds at every step of a reorder.
_ORDER_SHIFT = 10_000


class NoteConflictError(Exception):
    """A save was based on an older version of the note than the stored one."""

    def __init__(self, current: Note):
        super().__init__(f"Note {current.pk} is at version {current.version}.")
        self.current = current


def _with_history_user(instance: Any, user: Any) -> None:
    # Read by django-simple-history; the request middleware is not there for every caller.
    instance._history_user = user


# --- Consultations ------------------------------------------------------------------------


def _create_standard_agenda(consultation: Consultation) -> None:
    """Copy the partnership's standard agenda (one query) onto the new consultation."""
    items = [
        AgendaItem(
            consultation=consultation,
            order=order,
            kind=item.kind,
            code=item.code,
            title=item.title,
            citation=item.citation,
        )
        for order, item in enumerate(standard_agenda(partnership=consultation.partnership), 1)
    ]
    for item in items:
        item.full_clean()
        item.save()


@transaction.atomic
def consultation_create(
    *,
    partnership: Partnership,
    by: Any,
    year: int,
    date: dt.date | None = None,
    place: str = "",
    participants: str = "",
    organiser: Any = None,
) -> Consultation:
    """A planned consultation whose agenda starts with the strategy's standard items."""
    if year is not None and year not in partnership.years:
        first, last = partnership.years[0], partnership.years[-1]
        raise ValidationError(
            {
                "year": _("The agreement runs %(first)s–%(last)s: choose a year in that period.")
                % {"first": first, "last": last}
            }
        )
    if Consultation.objects.filter(partnership=partnership, year=year).exists():
        raise ValidationError(
            {"year": _("There is already a consultation for %(year)s.") % {"year": year}}
        )
    consultation = Consultation(
        partnership=partnership,
        created_by=by,
        year=year,
        date=date,
        place=place,
        participants=participants,
        organiser=organiser,
    )
    record_create(instance=consultation, by=by)
    _create_standard_agenda(consultation)
    return consultation


# --- The standard agenda of a partnership ----------------------------------------------------


@transaction.atomic
def standard_agenda_item_create(
    *,
    partnership: Partnership,
    by: Any,
    code: str,
    title: str,
    kind: str = StandardAgendaItem.Kind.STANDARD,
    citation: str = "",
    reason: str = "",
) -> StandardAgendaItem:
    """Add an item to the end of the partnership's standard agenda: the consultations
    created from now on start with it."""
    if partnership.status == Partnership.Status.CLOSED:
        raise ValidationError(
            _("%(title)s is closed: its standard agenda is kept as it ended.")
            % {"title": partnership.title}
        )
    if StandardAgendaItem.objects.filter(partnership=partnership, code=code.strip()).exists():
        raise ValidationError(
            {
                "code": _("The standard agenda has an item %(code)s already.")
                % {"code": code.strip()}
            }
        )
    last = StandardAgendaItem.objects.filter(partnership=partnership).aggregate(m=Max("order"))
    item = StandardAgendaItem(
        partnership=partnership,
        order=(last["m"] or 0) + 1,
        kind=kind,
        code=code.strip(),
        title=title.strip(),
        citation=citation.strip(),
    )
    item.full_clean()
    _with_history_user(item, by)
    item._change_reason = reason
    item.save()
    return item


# What an edit may change; the citation comes with the strategy's file.
STANDARD_AGENDA_FIELDS = ("code", "title", "kind")


def standard_agenda_item_check(item: StandardAgendaItem) -> None:
    """An item of the standard agenda may still change: its partnership is not closed and
    it was not retired (a ValidationError saying which otherwise). The update and retire
    services check it; their pages ask it before offering a form."""
    if item.partnership.status == Partnership.Status.CLOSED:
        raise ValidationError(
            _("%(title)s is closed: its standard agenda is kept as it ended.")
            % {"title": item.partnership.title}
        )
    if item.retired_on is not None:
        raise ValidationError(
            _("Item %(code)s was retired on %(date)s.")
            % {"code": item.code, "date": date_format(item.retired_on)}
        )


@transaction.atomic
def standard_agenda_item_update(
    *, item: StandardAgendaItem, by: Any, changes: dict[str, Any], reason: str = ""
) -> StandardAgendaItem:
    """Change an item of the standard agenda (``STANDARD_AGENDA_FIELDS``): consultations
    created later start with it as it now reads; those already created keep theirs."""
    editable(STANDARD_AGENDA_FIELDS, changes)
    standard_agenda_item_check(item)
    return record_update(instance=item, data=changes, reason=reason, by=by)


@transaction.atomic
def standard_agenda_item_retire(
    *, item: StandardAgendaItem, by: Any, reason: str
) -> StandardAgendaItem:
    """Take an item off the standard agenda: consultations created later start without it;
    it stays on those already created, and in the history."""
    reason = clean_reason(reason)
    current = (
        StandardAgendaItem.objects.select_for_update().select_related("partnership").get(pk=item.pk)
    )
    standard_agenda_item_check(current)
    _with_history_user(current, by)
    return apply_changes(
        current=current, changes={"retired_on": timezone.localdate()}, reason=reason
    )


# Which status may follow which; the capability to leave or enter "notes cleared" is
# checked by the callers (desk officers only).
_TRANSITIONS = {
    Status.PLANNED: {Status.PLANNED, Status.HELD},
    Status.HELD: {Status.PLANNED, Status.HELD, Status.NOTES_CLEARED},
    Status.NOTES_CLEARED: {Status.HELD, Status.NOTES_CLEARED},
}


@transaction.atomic
def consultation_update(
    *,
    consultation: Consultation,
    by: Any,
    date: dt.date | None,
    place: str,
    participants: str,
    status: str,
    organiser: Any = UNCHANGED,
) -> Consultation:
    current = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if status not in _TRANSITIONS.get(current.status, set()):
        raise ValidationError(
            {
                "status": _("A consultation that is %(current)s cannot become %(label)s.")
                % {
                    "current": current.get_status_display().lower(),
                    "label": Status(status).label.lower(),
                }
            }
        )
    if status != Status.PLANNED and date is None:
        raise ValidationError({"date": _("Give the date the consultation was held.")})
    if status == Status.NOTES_CLEARED and current.status != Status.NOTES_CLEARED:
        uncleared = (
            Note.objects.filter(agenda_item__consultation=current)
            .exclude(status=Note.Status.CLEARED)
            .exclude(body="")
            .count()
        )
        if uncleared:
            raise ValidationError(
                {
                    "status": ngettext(
                        "%(count)s note is not cleared yet: clear it first.",
                        "%(count)s notes are not cleared yet: clear them first.",
                        uncleared,
                    )
                    % {"count": uncleared}
                }
            )
    # A date outside the consultation's year is refused for that first (the model's
    # check, when the changes are saved): the points' due dates are asked of a date that
    # could stand.
    if date is not None and date != current.date and date.year == current.year:
        _check_points_due_after(current, date)
    values = {
        "date": date,
        "place": place,
        "participants": participants,
        "status": status,
        **({} if organiser is UNCHANGED else {"organiser": organiser}),
    }
    return save_changes(current=current, values=values, by=by)


def _check_points_due_after(consultation: Consultation, date: dt.date) -> None:
    """The consultation may not move past the due dates of the points it agreed: they
    would stand due before it (``ActionPoint.check_due_after_agreed``). Asked when the date
    changes, as the points ask it when theirs does."""
    early = ActionPoint.objects.filter(consultation=consultation, due_date__lt=date).aggregate(
        count=Count("pk"), earliest=Min("due_date")
    )
    if early["count"]:
        raise ValidationError(
            {
                "date": ngettext(
                    "%(count)s action point agreed at this consultation is due on "
                    "%(earliest)s, before this date: give %(earliest)s or an earlier date, "
                    "or change the point's due date first.",
                    "%(count)s action points agreed at this consultation are due before "
                    "this date, the earliest on %(earliest)s: give %(earliest)s or an "
                    "earlier date, or change the points' due dates first.",
                    early["count"],
                )
                % {"count": early["count"], "earliest": date_format(early["earliest"])}
            }
        )


# --- The agenda ---------------------------------------------------------------------------


def _locked_items(consultation: Consultation) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.select_for_update().filter(consultation=consultation).order_by("order")
    )


def _apply_order(items: list[AgendaItem], by: Any) -> None:
    """Number ``items`` 1..n in list order, writing only the items whose place changed."""
    moving = [item for position, item in enumerate(items, start=1) if item.order != position]
    if not moving:
        return
    AgendaItem.objects.filter(pk__in=[item.pk for item in moving]).update(
        order=F("order") + _ORDER_SHIFT
    )
    for position, item in enumerate(items, start=1):
        if item in moving:
            item.order = position
            _with_history_user(item, by)
            item.save(update_fields=["order"])


@transaction.atomic
def agenda_item_add(*, consultation: Consultation, by: Any, title: str) -> AgendaItem:
    title = title.strip()
    last = AgendaItem.objects.filter(consultation=consultation).aggregate(m=Max("order"))["m"]
    item = AgendaItem(
        consultation=consultation,
        order=(last or 0) + 1,
        kind=AgendaItem.Kind.EXTRA,
        title=title,
    )
    item.full_clean(exclude=["consultation"])
    _with_history_user(item, by)
    item.save()
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: Any, position: int) -> AgendaItem:
    """Put ``item`` at ``position`` (1 = first); the others keep their relative order."""
    items = _locked_items(item.consultation)
    if not 1 <= position <= len(items):
        raise ValidationError(
            {
                "order": _("Choose a position from 1 to %(items_count)s.")
                % {"items_count": len(items)}
            }
        )
    current = next(i for i in items if i.pk == item.pk)
    items.remove(current)
    items.insert(position - 1, current)
    _apply_order(items, by)
    return current


@transaction.atomic
def agenda_item_rename(*, item: AgendaItem, by: Any, title: str) -> AgendaItem:
    if item.is_standard:
        raise ValidationError({"title": _("A standard item keeps the strategy's words.")})
    item.title = title.strip()
    item.full_clean(exclude=["consultation"])
    _with_history_user(item, by)
    item.save(update_fields=["title"])
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: Any) -> None:
    if item.is_standard:
        raise ValidationError(_("Standard items stay on the agenda."))
    if item.notes.exists() or item.action_points.exists():
        raise ValidationError(_("This item has notes or action points; it stays on the agenda."))
    remaining = [i for i in _locked_items(item.consultation) if i.pk != item.pk]
    _with_history_user(item, by)
    item.delete()
    _apply_order(remaining, by)


# --- Notes --------------------------------------------------------------------------------


def _check_links(
    partnership_id: int, goals: Iterable[OverallGoal], risks: Iterable[Risk]
) -> tuple[list[OverallGoal], list[Risk]]:
    goals, risks = list(goals), list(risks)
    if any(goal.partnership_id != partnership_id for goal in goals):
        raise ValidationError({"goals": _("Link goals of this partnership only.")})
    if any(risk.partnership_id != partnership_id for risk in risks):
        raise ValidationError({"risks": _("Link risks of this partnership only.")})
    return goals, risks


def _link_ids(instance: Any) -> tuple[set[int], set[int]]:
    return (
        set(instance.goals.values_list("pk", flat=True)),
        set(instance.risks.values_list("pk", flat=True)),
    )


def _set_links(
    instance: Any,
    goals: list[OverallGoal],
    risks: list[Risk],
    stored: tuple[set[int], set[int]] | None = None,
) -> None:
    """Set the goal and risk links, writing only the ones that changed."""
    stored_goals, stored_risks = stored if stored is not None else _link_ids(instance)
    if stored_goals != {goal.pk for goal in goals}:
        instance.goals.set(goals)
    if stored_risks != {risk.pk for risk in risks}:
        instance.risks.set(risks)


def _lock_note(note: Note) -> Note:
    return Note.objects.select_for_update().get(pk=note.pk)


def _current(note: Note) -> Note:
    """The stored note with what a conflict message shows."""
    return (
        Note.objects.select_related("author", "last_edited_by", "cleared_by", "agenda_item")
        .prefetch_related("goals", "risks")
        .get(pk=note.pk)
    )


def _partnership_id(note: Note) -> int:
    return (
        AgendaItem.objects.filter(pk=note.agenda_item_id)
        .values_list("consultation__partnership_id", flat=True)
        .get()
    )


@transaction.atomic
def note_create(
    *,
    agenda_item: AgendaItem,
    by: Any,
    body: str = "",
    goals: Iterable[OverallGoal] = (),
    risks: Iterable[Risk] = (),
) -> Note:
    goals, risks = _check_links(agenda_item.consultation.partnership_id, goals, risks)
    note = Note(agenda_item=agenda_item, author=by, last_edited_by=by, body=body)
    note.full_clean(exclude=["agenda_item"])
    _with_history_user(note, by)
    note.save()
    _set_links(note, goals, risks, (set(), set()))
    return note


def _continues_session(note: Note, by: Any, now: dt.datetime) -> Any | None:
    """The note's latest history row when this save continues the same editing session."""
    latest = note.history.order_by("-history_date", "-history_id").first()
    if (
        latest is not None
        and latest.history_type == "~"  # the creation keeps its own entry and time
        and latest.history_user_id == getattr(by, "pk", None)
        and latest.status == note.status
        and latest.revision == note.revision
        and now - latest.history_date < HISTORY_SESSION
    ):
        return latest
    return None


@transaction.atomic
def note_update(
    *,
    note: Note,
    by: Any,
    version: int,
    body: str,
    goals: Iterable[OverallGoal] | None = None,
    risks: Iterable[Risk] | None = None,
) -> Note:
    """Save a new text (and links) of a note, if ``version`` is still the stored one.

    Raises :class:`NoteConflictError` when someone else saved in between, unless the stored
    text and links are already what this save asks for. Editing a note marked ready
    returns it to draft; editing a cleared note starts its next revision (the cleared
    text is kept) and reopens the consultation's notes if they were all cleared.
    """
    current = _lock_note(note)
    stored = _link_ids(current)
    if goals is None:
        goals = OverallGoal.objects.filter(pk__in=stored[0])
    if risks is None:
        risks = Risk.objects.filter(pk__in=stored[1])
    goal_list, risk_list = _check_links(_partnership_id(current), goals, risks)
    same_links = stored == ({goal.pk for goal in goal_list}, {risk.pk for risk in risk_list})
    if current.body == body and same_links:
        return current  # nothing to change, whatever version the caller had
    if version != current.version:
        raise NoteConflictError(_current(current))

    now = timezone.now()
    current.body = body
    current.version += 1
    current.last_edited_by = by
    if current.status == Note.Status.CLEARED:
        current.revision += 1
        current.cleared_by = None
        current.cleared_at = None
        _reopen_consultation(current.agenda_item.consultation_id, by)
    current.status = Note.Status.DRAFT
    current.full_clean(exclude=["agenda_item", "author"])

    session = _continues_session(current, by, now)
    _with_history_user(current, by)
    if session is None:
        current.save()
    else:
        current.skip_history_when_saving = True
        try:
            current.save()
        finally:
            del current.skip_history_when_saving
        # Keep the session's one history entry up to date with the text it has reached.
        type(session).objects.filter(history_id=session.history_id).update(
            body=current.body,
            version=current.version,
            updated_at=current.updated_at,
            last_edited_by=by,
            history_date=now,
        )
    _set_links(current, goal_list, risk_list, stored)
    return current


def _reopen_consultation(consultation_id: int, by: Any) -> None:
    consultation = Consultation.objects.select_for_update().get(pk=consultation_id)
    if consultation.status == Status.NOTES_CLEARED:
        consultation.status = Status.HELD
        _with_history_user(consultation, by)
        consultation._change_reason = "A cleared note was revised."
        consultation.save(update_fields=["status"])


def _check_version(current: Note, version: int) -> None:
    if version != current.version:
        raise NoteConflictError(_current(current))


@transaction.atomic
def note_mark_ready(*, note: Note, by: Any, version: int) -> Note:
    current = _lock_note(note)
    _check_version(current, version)
    if not current.can_be_marked_ready:
        if current.status != Note.Status.DRAFT:
            raise ValidationError({"status": _("Only a draft can be marked ready.")})
        raise ValidationError({"body": _("Write the note before marking it ready.")})
    current.status = Note.Status.READY
    current.version += 1
    _with_history_user(current, by)
    current.save(update_fields=["status", "version", "updated_at"])
    return current


REASON_REQUIRED = _("Give a reason: it is kept with the change history.")


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    return reason


@transaction.atomic
def note_clear(*, note: Note, by: Any, version: int, reason: str) -> Note:
    """Clear a note marked ready: it is locked and its text kept as a revision. The
    reason goes into the history of both."""
    reason = _required_reason(reason)
    current = _lock_note(note)
    _check_version(current, version)
    if not current.can_be_cleared:
        raise ValidationError({"status": _("Only a note marked ready can be cleared.")})
    now = timezone.now()
    current.status = Note.Status.CLEARED
    current.version += 1
    current.cleared_by = by
    current.cleared_at = now
    _with_history_user(current, by)
    current._change_reason = reason
    current.save(update_fields=["status", "version", "cleared_by", "cleared_at", "updated_at"])
    revision = NoteRevision(
        note=current,
        number=current.revision,
        body=current.body,
        goal_numbers=sorted(current.goals.values_list("number", flat=True)),
        risk_numbers=sorted(current.risks.values_list("number", flat=True)),
        written_by_id=current.last_edited_by_id,
        cleared_by=by,
        cleared_at=now,
    )
    revision.full_clean()
    _with_history_user(revision, by)
    revision._change_reason = reason
    revision.save()
    return current


@transaction.atomic
def note_discard(*, note: Note, by: Any, version: int) -> None:
    """Remove an empty draft (one opened and never written)."""
    current = _lock_note(note)
    _check_version(current, version)
    if not current.can_be_discarded:
        raise ValidationError({"body": _("Only an empty draft can be discarded.")})
    _with_history_user(current, by)
    current.goals.clear()
    current.risks.clear()
    current.delete()


# --- Action points ------------------------------------------------------------------------


DROP_REASON_REQUIRED = _(
    "Give a reason to drop the action point: it is kept with the change history."
)


def _check_drop_reason(status: str, previous: str | None, reason: str) -> str:
    """Dropping a point needs a reason (it stops coming back as a matter arising)."""
    reason = (reason or "").strip()
    if status == ActionPoint.Status.DROPPED and previous != status and not reason:
        raise ValidationError({"reason": DROP_REASON_REQUIRED})
    return reason


def _closed_on(status: str, previous: str | None, closed_on: dt.date | None) -> dt.date | None:
    if status == ActionPoint.Status.OPEN:
        return None
    if previous == status and closed_on is not None:
        return closed_on
    return timezone.localdate()


@transaction.atomic
def action_point_create(
    *,
    consultation: Consultation,
    by: Any,
    description: str,
    owner: str,
    due_date: dt.date | None = None,
    assignee: Any = None,
    agenda_item: AgendaItem | None = None,
    status: str = ActionPoint.Status.OPEN,
    goals: Iterable[OverallGoal] = (),
    risks: Iterable[Risk] = (),
    reason: str = "",
) -> ActionPoint:
    reason = _check_drop_reason(status, None, reason)
    if agenda_item is not None and agenda_item.consultation_id != consultation.pk:
        raise ValidationError({"agenda_item": _("Choose an item of this consultation's agenda.")})
    goals, risks = _check_links(consultation.partnership_id, goals, risks)
    point = ActionPoint(
        consultation=consultation,
        agenda_item=agenda_item,
        description=description.strip(),
        owner=owner.strip(),
        assignee=assignee,
        due_date=due_date,
        status=status,
        closed_on=_closed_on(status, None, None),
        created_by=by,
    )
    point.full_clean(exclude=["consultation"])
    point.check_due_after_agreed()
    _with_history_user(point, by)
    point._change_reason = reason
    point.save()
    _set_links(point, goals, risks, (set(), set()))
    return point


_ACTION_POINT_FIELDS = ("description", "owner", "assignee", "due_date", "status", "agenda_item")


@transaction.atomic
def action_point_update(
    *,
    action_point: ActionPoint,
    by: Any,
    goals: Iterable[OverallGoal] | None = None,
    risks: Iterable[Risk] | None = None,
    reason: str = "",
    **data: Any,
) -> ActionPoint:
    """Change any of description, owner, assignee, due_date, status, agenda_item and the
    links.

    Marking it done or dropped records the day (``closed_on``); reopening clears it.
    Dropping it needs a ``reason``, kept with the change history.
    """
    editable(_ACTION_POINT_FIELDS, data)
    current = ActionPoint.objects.select_for_update().get(pk=action_point.pk)
    partnership_id = current.consultation.partnership_id
    item = data.get("agenda_item", current.agenda_item)
    if item is not None and item.consultation_id != current.consultation_id:
        raise ValidationError({"agenda_item": _("Choose an item of this consultation's agenda.")})
    goal_list, risk_list = _check_links(
        partnership_id,
        current.goals.all() if goals is None else goals,
        current.risks.all() if risks is None else risks,
    )
    for name in ("description", "owner"):
        if name in data:
            data[name] = data[name].strip()
    previous_status = current.status
    reason = _check_drop_reason(data.get("status", previous_status), previous_status, reason)
    changed = [name for name, value in data.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, data[name])
    closed_on = _closed_on(current.status, previous_status, current.closed_on)
    if closed_on != current.closed_on:
        current.closed_on = closed_on
        changed.append("closed_on")
    if changed:
        current.full_clean(exclude=["consultation"])
        if "due_date" in changed:
            current.check_due_after_agreed()
        _with_history_user(current, by)
        current._change_reason = reason
        current.save(update_fields=[*changed, "updated_at"])
    _set_links(current, goal_list, risk_list)
    return current
