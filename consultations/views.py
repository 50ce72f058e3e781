"""Pages of the annual consultations.

The consultation page is edited in place: htmx requests get the fragment they swap, and
every action also works as an ordinary form post that redirects back (no JavaScript
needed). Views fetch through ``access`` and write through ``services``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.http import reswap
from django_htmx.http import retarget

from core import caching
from core.access import Capability
from core.forms import ConfirmForm
from core.views import confirm_page
from core.views import form_status
from core.views import paged
from core.views import partnership_context
from core.views import record_edit_page
from core.views import refused_back
from core.views import submit
from partnership import access as partnership_access
from partnership import selectors as partnership_selectors
from partnership.models import OverallGoal
from partnership.models import Risk

from . import access
from . import selectors
from . import services
from .forms import ActionPointEditForm
from .forms import ActionPointForm
from .forms import ActionPointStatusForm
from .forms import AgendaItemForm
from .forms import ConsultationCreateForm
from .forms import ConsultationForm
from .forms import NoteClearForm
from .forms import NoteForm
from .forms import StandardAgendaItemForm
from .forms import VersionForm
from .models import ActionPoint
from .models import AgendaItem
from .models import Consultation
from .models import Note
from .models import StandardAgendaItem

EDIT = Capability.EDIT_CONSULTATIONS


def _links(partnership_id: int) -> dict[str, list]:
    return {
        "goals": list(OverallGoal.objects.filter(partnership_id=partnership_id)),
        "risks": list(Risk.objects.filter(partnership_id=partnership_id)),
    }


def _point_choices(partnership_id: int) -> dict[str, list]:
    """What an action point's form offers: goals, risks and who may be responsible."""
    return {**_links(partnership_id), "members": _members(partnership_id)}


def _members(partnership_id: int) -> list:
    """Who may be responsible for an action point or organise a consultation (one query)."""
    return partnership_selectors.members_who_can(partnership_id=partnership_id, capability=EDIT)


def _anchor(consultation: Consultation, anchor: str) -> str:
    return f"{consultation.get_absolute_url()}#{anchor}"


# --- The list of consultations ---------------------------------------------------------


# The consultations, a page at a time (one a year: an agreement's fit on the first).
CONSULTATIONS_PER_PAGE = 10


@require_http_methods(["GET", "POST"])
@caching.cached_page
def consultation_list(request: HttpRequest, slug: str) -> HttpResponse:
    capability = EDIT if request.method == "POST" else Capability.VIEW
    partnership = partnership_access.partnerships.get(
        user=request.user, capability=capability, slug=slug
    )
    form = ConsultationCreateForm(
        request.POST or None,
        initial={"year": selectors.first_free_year(partnership=partnership)},
        members=_members(partnership.pk),
    )
    if done := submit(form, services.consultation_create, partnership=partnership, by=request.user):
        consultation = done.value
        messages.success(
            request,
            _("The %(year)s consultation was created with the standard agenda.")
            % {"year": consultation.year},
        )
        return redirect(consultation.get_absolute_url())
    open_points, query = paged(
        request,
        selectors.open_action_points_due_first(partnership=partnership),
        OPEN_POINTS_PER_PAGE,
    )
    open_points.object_list = selectors.mark_overdue(selectors.with_links(open_points))
    consultations, consultations_query = paged(
        request,
        selectors.consultation_list(partnership=partnership),
        CONSULTATIONS_PER_PAGE,
        param="consultations",
    )
    context = partnership_context(
        request,
        partnership,
        consultations=consultations,
        consultations_query=consultations_query,
        open_points=open_points,
        query=query,
        form=form,
    )
    return render(
        request, "consultations/consultation_list.html", context, status=form_status(form)
    )


# --- One consultation ----------------------------------------------------------------


def _consultation(request: HttpRequest, slug: str, year: int, capability=Capability.VIEW):
    return access.consultations.get(
        user=request.user, capability=capability, partnership__slug=slug, year=year
    )


# The whole lists the consultation page shows the first of, a page at a time.
RECORDS_PER_PAGE = 25
OPEN_POINTS_PER_PAGE = 25


def _page_context(
    request: HttpRequest, consultation: Consultation, *, whole: bool = False, **extra: Any
) -> dict[str, Any]:
    """The consultation page's context; ``whole``: with the first matters arising (the
    agenda's fragments show none)."""
    page = selectors.consultation_page(consultation=consultation, arising=None if whole else [])
    # Each item's "Add an action point" form is loaded when opened (action_point_create);
    # an item shows its own only with what was refused (``action_point_form``).
    for item in page.items:
        item.action_point_form = None
    extra.setdefault("item_form", AgendaItemForm())
    return partnership_context(
        request,
        consultation.partnership,
        consultation=consultation,
        page=page,
        **extra,
    )


def _render_agenda(request: HttpRequest, consultation: Consultation, **extra: Any) -> HttpResponse:
    """The agenda fragment, keeping note elements the browser already has (hx-preserve):
    a reorder must not throw away a note someone is typing."""
    context = _page_context(request, consultation, preserve_notes=True, **extra)
    refused = extra.get("agenda_error") or (
        extra.get("item_form") is not None and extra["item_form"].errors
    )
    return render(
        request, "consultations/partials/agenda.html", context, status=400 if refused else 200
    )


@require_GET
@caching.cached_page
def consultation_detail(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    consultation = _consultation(request, slug, year)
    return render(
        request,
        "consultations/consultation_detail.html",
        _page_context(request, consultation, whole=True),
    )


def _records_page(
    request: HttpRequest,
    consultation: Consultation,
    records: Any,
    *,
    mark: Any = None,
    **extra: Any,
) -> HttpResponse:
    """A page of one of the consultation's lists (``mark``: what to do to the page's
    action points, read with their links, e.g. mark the overdue)."""
    page, query = paged(request, records, RECORDS_PER_PAGE)
    if mark is not None:
        page.object_list = selectors.with_links(page)
        page.object_list = mark(page.object_list)
    context = partnership_context(
        request,
        consultation.partnership,
        consultation=consultation,
        records=page,
        query=query,
        **extra,
    )
    return render(request, "consultations/consultation_records.html", context)


def _item_filter(request: HttpRequest, consultation: Consultation) -> AgendaItem | None:
    """The agenda item ``?item=`` names, of this consultation (else none)."""
    raw = request.GET.get("item", "")
    if not (raw.isascii() and raw.isdigit()):
        return None
    return AgendaItem.objects.filter(consultation=consultation, pk=int(raw)).first()


@require_GET
@caching.cached_page
def consultation_notes(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Every note of the consultation (or of one agenda item: ``?item=``), paged."""
    consultation = _consultation(request, slug, year)
    item = _item_filter(request, consultation)
    notes = selectors.consultation_notes(
        consultation=consultation, item_id=item.pk if item else None
    )
    return _records_page(request, consultation, notes, kind="notes", item=item)


@require_GET
@caching.cached_page
def consultation_action_points(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Every action point of the consultation (of one agenda item: ``?item=``, or of none:
    ``?item=none``), paged, overdue ones marked."""
    consultation = _consultation(request, slug, year)
    unfiled = request.GET.get("item") == "none"
    item = None if unfiled else _item_filter(request, consultation)
    points = selectors.consultation_action_points(
        consultation=consultation, item_id=item.pk if item else None, unfiled=unfiled
    )
    return _records_page(
        request,
        consultation,
        points,
        mark=selectors.mark_overdue,
        kind="action-points",
        item=item,
        unfiled=unfiled,
    )


@require_GET
@caching.cached_page
def matters_arising(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Every matter arising at the consultation, paged, overdue ones marked."""
    consultation = _consultation(request, slug, year)
    return _records_page(
        request,
        consultation,
        selectors.matters_arising_points(consultation=consultation),
        mark=lambda points: selectors.mark_matters_arising(points, consultation=consultation),
        kind="matters-arising",
    )


# --- What is linked to a goal or risk ------------------------------------------------

# The goal's or risk's page shows the first of each list; this page the whole lists.
LINKED_PER_PAGE = 25


def _linked_page(request: HttpRequest, subject: OverallGoal | Risk, kind: str) -> HttpResponse:
    """Every action point and note linked to ``subject``, newest consultation first, each
    list paged on its own (``?points=``, ``?notes=``): the same queries, each list empty or
    not."""
    lookup = {f"{kind}s": subject}
    points, points_query = paged(
        request, selectors.linked_action_points(**lookup), LINKED_PER_PAGE, param="points"
    )
    points.object_list = selectors.mark_overdue(selectors.page_rows(points))
    notes, notes_query = paged(
        request, selectors.linked_notes(**lookup), LINKED_PER_PAGE, param="notes"
    )
    notes.object_list = selectors.page_rows(notes)
    context = partnership_context(
        request,
        subject.partnership,
        subject=subject,
        kind=kind,
        points=points,
        points_query=points_query,
        notes=notes,
        notes_query=notes_query,
    )
    return render(request, "consultations/linked_records.html", context)


@require_GET
@caching.cached_page
def goal_linked(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    goal = partnership_access.goals.get(user=request.user, partnership__slug=slug, number=number)
    return _linked_page(request, goal, "goal")


@require_GET
@caching.cached_page
def risk_linked(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    risk = partnership_access.risks.get(user=request.user, partnership__slug=slug, number=number)
    return _linked_page(request, risk, "risk")


@require_http_methods(["GET", "POST"])
@caching.cached_page
def consultation_edit(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    consultation = _consultation(request, slug, year, EDIT)
    initial = {
        name: getattr(consultation, name)
        for name in ("date", "place", "participants", "status", "organiser")
    }
    form = ConsultationForm(
        request.POST or None,
        initial=initial,
        statuses=access.statuses_open_to(request.user, consultation),
        members=_members(consultation.partnership_id),
    )
    if submit(form, services.consultation_update, consultation=consultation, by=request.user):
        messages.success(request, _("The consultation was saved."))
        return redirect(consultation.get_absolute_url())
    context = partnership_context(
        request, consultation.partnership, consultation=consultation, form=form
    )
    return render(
        request, "consultations/consultation_form.html", context, status=form_status(form)
    )


# --- The agenda -----------------------------------------------------------------------


def _agenda_item(request: HttpRequest, slug: str, pk: int, capability=EDIT) -> AgendaItem:
    return access.agenda_items.get(
        user=request.user, capability=capability, consultation__partnership__slug=slug, pk=pk
    )


@require_POST
def agenda_item_add(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    consultation = _consultation(request, slug, year, EDIT)
    form = AgendaItemForm(request.POST)
    if done := submit(form, services.agenda_item_add, consultation=consultation, by=request.user):
        if request.htmx:
            return _render_agenda(request, consultation)
        messages.success(request, _("The item was added to the agenda."))
        return redirect(_anchor(consultation, f"item-{done.value.pk}"))
    if request.htmx:
        return _render_agenda(request, consultation, item_form=form)
    context = _page_context(request, consultation, whole=True, item_form=form)
    return render(request, "consultations/consultation_detail.html", context, status=400)


def _agenda_changed(
    request: HttpRequest, consultation: Consultation, *, done: str = "", refused: str = ""
) -> HttpResponse:
    """After a move or a removal: the agenda fragment (htmx), or back to the agenda with
    what happened."""
    if request.htmx:
        return _render_agenda(request, consultation, agenda_error=refused)
    if refused:
        messages.error(request, refused)
    else:
        messages.success(request, done)
    return redirect(_anchor(consultation, "agenda"))


@require_POST
def agenda_item_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _agenda_item(request, slug, pk)
    raw = request.POST.get("position", "")
    position = int(raw) if raw.isascii() and raw.isdigit() else 0
    try:
        services.agenda_item_move(item=item, by=request.user, position=position)
    except ValidationError as error:
        return _agenda_changed(request, item.consultation, refused=" ".join(error.messages))
    else:
        return _agenda_changed(request, item.consultation, done=_("The agenda was reordered."))


@require_POST
def agenda_item_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _agenda_item(request, slug, pk)
    try:
        services.agenda_item_remove(item=item, by=request.user)
    except ValidationError as error:
        return _agenda_changed(request, item.consultation, refused=" ".join(error.messages))
    else:
        done = _("“%(title)s” was removed from the agenda.") % {"title": item.title}
        return _agenda_changed(request, item.consultation, done=done)


# --- Notes ------------------------------------------------------------------------------


def _note(request: HttpRequest, slug: str, pk: int, capability=EDIT) -> Note:
    return access.notes.get(
        user=request.user,
        capability=capability,
        agenda_item__consultation__partnership__slug=slug,
        pk=pk,
    )


def _note_context(request: HttpRequest, note_id: int, **extra: Any) -> dict[str, Any]:
    note = selectors.note_with_links(note_id=note_id)
    consultation = note.agenda_item.consultation
    return partnership_context(
        request, consultation.partnership, consultation=consultation, note=note, **extra
    )


def _editor_context(
    request: HttpRequest, note: Note, form: NoteForm | None = None, **extra: Any
) -> dict[str, Any]:
    context = _note_context(request, note.pk, **extra)
    stored = context["note"]
    if form is None:
        form = NoteForm(
            initial={
                "body": stored.body,
                "version": stored.version,
                "goals": [g.pk for g in stored.goals.all()],
                "risks": [r.pk for r in stored.risks.all()],
            },
            auto_id=f"note-{stored.pk}-%s",
            **_links(stored.agenda_item.consultation.partnership_id),
        )
    context["form"] = form
    return context


@require_POST
def note_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Open a new, empty draft under an agenda item and hand back its editor."""
    item = _agenda_item(request, slug, pk)
    note = services.note_create(agenda_item=item, by=request.user)
    if request.htmx:
        context = _editor_context(request, note, autofocus=True)
        return render(request, "consultations/partials/note_editor.html", context)
    return redirect("consultations:note-edit", slug=slug, pk=note.pk)


@require_GET
@caching.cached_page
def note_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    note = _note(request, slug, pk)
    context = _editor_context(request, note, autofocus=True)
    template = "partials/note_editor.html" if request.htmx else "note_edit.html"
    return render(request, f"consultations/{template}", context)


@require_http_methods(["GET", "POST"])
@caching.cached_page
def note_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the note as shown on the page. POST: save its text and links (autosave)."""
    if request.method == "GET":
        note = _note(request, slug, pk, Capability.VIEW)
        if not request.htmx:
            return redirect(_anchor(note.agenda_item.consultation, f"note-{note.pk}"))
        return render(request, "consultations/partials/note.html", _note_context(request, pk))
    return _note_save(request, _note(request, slug, pk))


def _note_save(request: HttpRequest, note: Note) -> HttpResponse:
    links = _links(note.agenda_item.consultation.partnership_id)
    form = NoteForm(request.POST, auto_id=f"note-{note.pk}-%s", **links)
    conflict = None
    try:
        if done := submit(
            form, services.note_update, data=form.service_data, note=note, by=request.user
        ):
            note = done.value
    except services.NoteConflictError as error:
        conflict = error.current
    if conflict is None and not form.errors:
        if not request.htmx:
            messages.success(request, _("The note was saved."))
            return redirect(_anchor(note.agenda_item.consultation, f"note-{note.pk}"))
        if "close" in request.POST:
            response = render(
                request, "consultations/partials/note.html", _note_context(request, note.pk)
            )
            return reswap(retarget(response, f"#note-{note.pk}"), "outerHTML")
        return render(
            request, "consultations/partials/note_saved.html", _note_context(request, note.pk)
        )
    status = 409 if conflict is not None else 400
    if request.htmx:
        context = _note_context(request, note.pk, form=form, conflict=conflict)
        return render(request, "consultations/partials/note_saved.html", context, status=status)
    context = _editor_context(request, note, form=form, conflict=conflict)
    return render(request, "consultations/note_edit.html", context, status=status)


def _conflict_message(current: Note) -> str:
    who = current.last_edited_by or current.author
    return _(
        "Nothing was changed: %(name)s changed this note meanwhile. Here it is as it stands now."
    ) % {"name": who.get_full_name() or who.username}


OUT_OF_DATE = _("The page was out of date: reload it and try again.")


def _note_stepped(
    request: HttpRequest, note: Note, *, done: str = "", refused: str = "", status: int = 200
) -> HttpResponse:
    """After marking a note ready or discarding it: the note's fragment (htmx; nothing
    once discarded) saying what happened, or back to the note with a message."""
    if not request.htmx:
        if refused:
            messages.error(request, refused)
        else:
            messages.success(request, done)
        return redirect(_anchor(note.agenda_item.consultation, f"note-{note.pk}"))
    if not Note.objects.filter(pk=note.pk).exists():  # discarded
        return HttpResponse("")
    context = _note_context(request, note.pk, problem=refused, done=done)
    return render(request, "consultations/partials/note.html", context, status=status)


def _note_step(
    request: HttpRequest, slug: str, pk: int, step: Callable[..., Any], *, done: str
) -> HttpResponse:
    """Marking a note ready or discarding it (``step``, the service) at the version the
    person read, then the note saying what happened: ``done``, or why not."""
    note = _note(request, slug, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _note_stepped(request, note, refused=OUT_OF_DATE, status=400)
    try:
        step(note=note, by=request.user, version=form.cleaned_data["version"])
    except services.NoteConflictError as error:
        return _note_stepped(request, note, refused=_conflict_message(error.current), status=409)
    except ValidationError as error:
        return _note_stepped(request, note, refused=" ".join(error.messages), status=400)
    return _note_stepped(request, note, done=done)


@require_POST
def note_ready(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    done = _("Marked ready for clearing.")
    return _note_step(request, slug, pk, services.note_mark_ready, done=done)


def _whole(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@require_http_methods(["GET", "POST"])
@caching.cached_page
def note_clear(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what clearing the note does, and the reason to give (for the version the
    person read, ``?version=``). POST: clear it, based on that version."""
    note = _note(request, slug, pk, Capability.CLEAR_NOTES)
    item = note.agenda_item
    back = _anchor(item.consultation, f"note-{note.pk}")
    if not note.can_be_cleared:
        messages.error(request, _("Only a note marked ready can be cleared."))
        return redirect(back)
    read = _whole(request.GET.get("version")) or note.version
    form = NoteClearForm(request.POST or None, initial={"version": read})
    if request.method == "POST" and form.is_valid():
        try:
            services.note_clear(
                note=note,
                by=request.user,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except services.NoteConflictError as error:
            messages.error(request, _conflict_message(error.current))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Cleared: the note is locked; a later change starts a new revision.")
            )
        return redirect(back)
    author = note.author.get_full_name() or note.author.username
    return confirm_page(
        request,
        item.consultation.partnership,
        title=_("Clear the note by %(author)s on “%(truncator)s”")
        % {"author": author, "truncator": Truncator(item.title).chars(70)},
        consequences=[
            _(
                "Mark the note cleared by you: it is locked, and a later change starts "
                "revision %(value)s, which is cleared again."
            )
            % {"value": note.revision + 1},
            _(
                "Keep its text as it stands now (version %(read)s) as cleared revision "
                "%(revision)s, with who cleared it and when."
            )
            % {"read": read, "revision": note.revision},
            _("Keep your reason with the change history."),
        ],
        form=form,
        confirm_label=_("Clear the note"),
        back=back,
    )


@require_POST
def note_discard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    done = _("The empty note was discarded.")
    return _note_step(request, slug, pk, services.note_discard, done=done)


# --- Action points ----------------------------------------------------------------------


def _item_actions(request: HttpRequest, item: AgendaItem, form: ActionPointForm) -> HttpResponse:
    context = _page_context(request, item.consultation)
    shown = next(i for i in context["page"].items if i.pk == item.pk)
    shown.action_point_form = form
    context["item"] = shown
    return render(
        request, "consultations/partials/item_actions.html", context, status=form_status(form)
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def action_point_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the form (htmx: the form alone, which the item's "Add an action point" loads
    when opened; else a page of its own). POST: the action point recorded."""
    item = _agenda_item(request, slug, pk)
    consultation = item.consultation
    form = ActionPointForm(
        request.POST if request.method == "POST" else None,
        auto_id=f"ap-{item.pk}-%s",
        **_point_choices(consultation.partnership_id),
    )
    if request.method == "GET":
        context = partnership_context(
            request, consultation.partnership, consultation=consultation, item=item, form=form
        )
        template = "action_point_create_form" if request.htmx else "action_point_create"
        return render(request, f"consultations/{template}.html", context)
    if submit(
        form,
        services.action_point_create,
        consultation=consultation,
        agenda_item=item,
        by=request.user,
    ):
        if request.htmx:
            fresh = ActionPointForm(
                auto_id=f"ap-{item.pk}-%s", **_point_choices(consultation.partnership_id)
            )
            return _item_actions(request, item, fresh)
        messages.success(request, _("The action point was added."))
        return redirect(_anchor(consultation, f"item-{item.pk}-actions"))
    if request.htmx:
        return _item_actions(request, item, form)
    # A form posted without htmx came from the action point's own page (the consultation
    # page's form is loaded and sent through htmx): show that page again, its errors at
    # the fields, rather than the whole consultation with the form thousands of pixels down.
    context = partnership_context(
        request, consultation.partnership, consultation=consultation, item=item, form=form
    )
    return render(request, "consultations/action_point_create.html", context, status=400)


def _action_point(request: HttpRequest, slug: str, pk: int) -> ActionPoint:
    return access.action_points.get(
        user=request.user, capability=EDIT, consultation__partnership__slug=slug, pk=pk
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def action_point_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    point = _action_point(request, slug, pk)
    consultation = point.consultation
    items = selectors.agenda_items(consultation=consultation)
    initial = {
        "description": point.description,
        "owner": point.owner,
        "assignee": point.assignee,
        "due_date": point.due_date,
        "status": point.status,
        "agenda_item": point.agenda_item_id,
        "goals": list(point.goals.values_list("pk", flat=True)),
        "risks": list(point.risks.values_list("pk", flat=True)),
    }
    form = ActionPointEditForm(
        request.POST or None,
        initial=initial,
        items=items,
        dropped=point.status == ActionPoint.Status.DROPPED,
        **_point_choices(consultation.partnership_id),
    )
    if submit(form, services.action_point_update, action_point=point, by=request.user):
        messages.success(request, _("The action point was saved."))
        anchor = f"item-{point.agenda_item_id}-actions" if point.agenda_item_id else "agenda"
        return redirect(_anchor(consultation, anchor))
    context = partnership_context(
        request, consultation.partnership, consultation=consultation, point=point, form=form
    )
    return render(
        request, "consultations/action_point_form.html", context, status=form_status(form)
    )


def _back(request: HttpRequest, point: ActionPoint) -> str:
    """Where to go after a change of the point: ``next`` if it is ours, else its consultation."""
    back = request.POST.get("next") or request.GET.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return point.consultation.get_absolute_url()


def _drop_url(slug: str, point: ActionPoint, back: str) -> str:
    url = reverse("consultations:action-point-drop", args=[slug, point.pk])
    return f"{url}?{urlencode({'next': back})}"


@require_POST
def action_point_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark an action point done or open again (from the matters arising); dropping it
    goes to its confirmation page, which asks for the reason."""
    point = _action_point(request, slug, pk)
    form = ActionPointStatusForm(request.POST)
    back = request.POST.get("next", "")
    if (
        form.is_valid()
        and form.cleaned_data["status"] == ActionPoint.Status.DROPPED
        and point.status != ActionPoint.Status.DROPPED
    ):
        drop = _drop_url(slug, point, _back(request, point))
        return HttpResponseClientRedirect(drop) if request.htmx else redirect(drop)
    if form.is_valid():
        point = services.action_point_update(
            action_point=point, by=request.user, status=form.cleaned_data["status"]
        )
    if request.htmx:
        context = partnership_context(
            request,
            point.consultation.partnership,
            point=selectors.action_point_row(pk=point.pk),
            show_origin=request.POST.get("show_origin") == "1",
            next=back,
        )
        template = "consultations/partials/action_point_row.html"
        return render(request, template, context, status=form_status(form))
    if not form.is_valid():
        messages.error(request, _("Choose open, done or dropped."))
    else:
        messages.success(
            request,
            _("The action point is now %(point)s.") % {"point": point.get_status_display().lower()},
        )
    return redirect(_back(request, point))


@require_http_methods(["GET", "POST"])
@caching.cached_page
def action_point_drop(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what dropping the point does, and the reason to give. POST: drop it."""
    point = _action_point(request, slug, pk)
    back = _back(request, point)
    if point.status == ActionPoint.Status.DROPPED:
        messages.error(request, _("This action point is dropped already."))
        return redirect(back)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.action_point_update(
            action_point=point,
            by=request.user,
            status=ActionPoint.Status.DROPPED,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The action point is dropped."))
        return redirect(back)
    year = point.consultation.year
    return confirm_page(
        request,
        point.consultation.partnership,
        title=_("Drop the action point “%(truncator)s”")
        % {"truncator": Truncator(point.description).chars(80)},
        consequences=[
            _(
                "Mark the action point agreed at the %(year)s consultation as dropped, "
                "as of today: it no longer comes back as a matter arising of later "
                "consultations, and is no longer counted as overdue."
            )
            % {"year": year},
            _(
                "Keep it in the record as dropped, with your reason in the change history. It "
                "can be opened again later."
            ),
        ],
        form=form,
        confirm_label=_("Drop the action point"),
        back=back,
    )


# --- The standard agenda: part of the strategy, kept by desk officers -------------------------


@require_http_methods(["GET", "POST"])
@caching.cached_page
def standard_agenda(request: HttpRequest, slug: str) -> HttpResponse:
    """The items every consultation created later starts with, and the form adding one."""
    capability = Capability.EDIT_RECORD if request.method == "POST" else Capability.VIEW
    partnership = partnership_access.partnerships.get(
        user=request.user, capability=capability, slug=slug
    )
    form = StandardAgendaItemForm(request.POST or None)
    del form.fields["reason"]
    if done := submit(
        form, services.standard_agenda_item_create, partnership=partnership, by=request.user
    ):
        messages.success(
            request,
            _("Item %(code)s was added to the standard agenda.") % {"code": done.value.code},
        )
        return redirect("consultations:standard-agenda", slug=slug)
    items = selectors.standard_agenda_with_retired(partnership=partnership)
    context = partnership_context(
        request,
        partnership,
        items=[item for item in items if item.retired_on is None],
        retired=[item for item in items if item.retired_on is not None],
        form=form,
    )
    return render(request, "consultations/standard_agenda.html", context, status=form_status(form))


def _standard_agenda_item(
    request: HttpRequest, slug: str, pk: int
) -> tuple[StandardAgendaItem, str]:
    """A standard agenda item to edit or retire, and the agenda page to go back to."""
    item = access.standard_agenda_items.get(
        user=request.user, capability=Capability.EDIT_RECORD, partnership__slug=slug, pk=pk
    )
    return item, reverse("consultations:standard-agenda", args=[slug])


@require_http_methods(["GET", "POST"])
@caching.cached_page
def standard_agenda_item_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item, back = _standard_agenda_item(request, slug, pk)
    # A retired item, or one of a closed partnership: back to the agenda, saying why.
    if refused := refused_back(request, partial(services.standard_agenda_item_check, item), back):
        return refused
    return record_edit_page(
        request,
        item.partnership,
        form=StandardAgendaItemForm(request.POST or None, instance=item),
        update=partial(services.standard_agenda_item_update, item=item),
        title=_("Edit item %(code)s") % {"code": item.code},
        back=back,
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def standard_agenda_item_retire(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item, back = _standard_agenda_item(request, slug, pk)
    # A retired item, or one of a closed partnership: back to the agenda, saying why.
    if refused := refused_back(request, partial(services.standard_agenda_item_check, item), back):
        return refused
    form = ConfirmForm(request.POST or None)
    if submit(form, services.standard_agenda_item_retire, item=item, by=request.user):
        messages.success(
            request,
            _("Item %(code)s was retired from the standard agenda.") % {"code": item.code},
        )
        return redirect(back)
    return confirm_page(
        request,
        item.partnership,
        title=_("Retire item %(code)s from the standard agenda") % {"code": item.code},
        consequences=[
            _("leave it off the agenda of every consultation created from now on;"),
            _("keep it on the agendas of the consultations already created, with their notes;"),
            _("keep its history, and leave it out when the strategy is renewed."),
        ],
        form=form,
        confirm_label=_("Retire"),
        back=back,
    )
