"""Pages of the partnership record. Views fetch through ``access`` and write through
``services``; they hold no rules of their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods

from core import caching
from core import cards
from core import exports
from core import history
from core import uploads
from core.access import Capability
from core.access import ObjectAccess
from core.access import Role
from core.access import is_portfolio_admin
from core.forms import ConfirmForm
from core.views import confirm_page
from core.views import form_page
from core.views import form_status
from core.views import paged
from core.views import partnership_context
from core.views import record_edit_page
from core.views import refused_back
from core.views import submit

from . import access
from . import selectors
from . import services
from .forms import DocumentForm
from .forms import GoalForm
from .forms import GoalUpdateForm
from .forms import PartnershipForm
from .forms import PriorityAreaForm
from .forms import RiskAssessmentForm
from .forms import RiskForm
from .history_filters import PARAMETERS
from .history_filters import HistoryFilter
from .models import Partnership
from .models import RiskAssessment

# The home page's list of partnerships, a page at a time (a ministry holds dozens).
PARTNERSHIPS_PER_PAGE = 25


@require_GET
@caching.cached_page
def home(request: HttpRequest) -> HttpResponse:
    partnerships, query = paged(
        request, selectors.partnerships_with_roles(user=request.user), PARTNERSHIPS_PER_PAGE
    )
    rows = [(p, Role(p.role) if p.role else None) for p in partnerships]
    context = {
        "rows": rows,
        "partnerships": partnerships,
        "query": query,
        "portfolio_admin": is_portfolio_admin(request.user),
    }
    return render(request, "partnership/home.html", context)


@require_GET
@caching.cached_page
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = access.partnerships.get(user=request.user, slug=slug)
    context = partnership_context(request, partnership)

    def body() -> str:
        goals = list(selectors.goals_with_status(partnership=partnership))
        body_context = {
            **context,
            "priority_areas": selectors.priority_areas(partnership=partnership),
            "goals": goals,
            "status_counts": selectors.goal_status_counts(goals),
            "risks": list(selectors.risks_with_latest(partnership=partnership)),
            "facts": selectors.organisation_facts(partnership=partnership),
        }
        # The other apps' cards (funding, reviews…), each reading through its selectors.
        body_context["cards"] = cards.render(
            cards.DASHBOARD, body_context, partnership=partnership, role=context["role"]
        )
        body_context["top_cards"] = cards.render(
            cards.DASHBOARD_TOP, body_context, partnership=partnership, role=context["role"]
        )
        return render_to_string("partnership/dashboard_body.html", body_context)

    # What the page shows depends on the partnership's data and the reader's role only.
    role = context["role"].value if context["role"] else "portfolio-admin"
    context["body"] = caching.cached(("dashboard", partnership.pk, role), body)
    context["portfolio_admin"] = is_portfolio_admin(request.user)
    return render(request, "partnership/dashboard.html", context)


@require_http_methods(["GET", "POST"])
@caching.cached_page
def partnership_edit(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = access.partnerships.get(
        user=request.user, capability=Capability.EDIT_RECORD, slug=slug
    )
    return record_edit_page(
        request,
        partnership,
        form=PartnershipForm(request.POST or None, instance=partnership),
        update=partial(services.partnership_update, partnership=partnership),
        title=_("Edit the agreement"),
        back=partnership.get_absolute_url(),
    )


@require_GET
@caching.cached_page
def goal_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = access.partnerships.get(user=request.user, slug=slug)
    goals = list(selectors.goals_with_status(partnership=partnership))
    context = partnership_context(
        request,
        partnership,
        goals=goals,
        status_counts=selectors.goal_status_counts(goals),
        retired=list(selectors.retired_goals(partnership=partnership)),
    )
    return render(request, "partnership/goal_list.html", context)


# A goal's timeline and the documents are listed a page at a time: a page's work does not
# grow with the record.
UPDATES_PER_PAGE = 25
DOCUMENTS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@caching.cached_page
def goal_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    capability = Capability.EDIT_RECORD if request.method == "POST" else Capability.VIEW
    goal = access.goals.get(
        user=request.user, capability=capability, partnership__slug=slug, number=number
    )
    # The evidence list offers the documents a search (?documents=) finds, and those
    # already chosen; the page's script filters the same list as one types.
    search = request.GET.get("documents", "").strip()[:100]
    evidence = selectors.evidence_documents(
        partnership=goal.partnership, search=search, keep=request.POST.getlist("evidence")
    )
    form = GoalUpdateForm(
        request.POST or None, request.FILES or None, goal=goal, shown=evidence.shown
    )
    if submit(
        form, services.goal_update_create, data=form.service_data, goal=goal, by=request.user
    ):
        messages.success(request, _("The update was added to the goal's timeline."))
        return redirect(goal.get_absolute_url())
    goal_with_status = selectors.goal_with_status(goal=goal)
    updates, query = paged(request, selectors.goal_timeline(goal=goal), UPDATES_PER_PAGE)
    context = partnership_context(
        request,
        goal.partnership,
        goal=goal_with_status,
        updates=updates,
        query=query,
        form=form,
        evidence=evidence,
        history=history.object_history(goal, limit=20),
    )
    context["cards"] = cards.render(cards.GOAL, context, goal=goal_with_status)
    return render(request, "partnership/goal_detail.html", context, status=form_status(form))


def _assessment_added(assessment: RiskAssessment) -> str:
    """What the risk list and a risk's page say once an assessment is added."""
    return _("The assessment of risk %(number)s was added.") % {"number": assessment.risk.number}


@require_http_methods(["GET", "POST"])
@caching.cached_page
def risk_list(request: HttpRequest, slug: str) -> HttpResponse:
    capability = Capability.EDIT_RECORD if request.method == "POST" else Capability.VIEW
    partnership = access.partnerships.get(user=request.user, capability=capability, slug=slug)
    form = RiskAssessmentForm(request.POST or None, partnership=partnership)
    if done := submit(form, services.risk_assessment_create, by=request.user):
        messages.success(request, _assessment_added(done.value))
        return redirect("partnership:risk-list", slug=slug)
    risks = list(selectors.risks_with_recent_assessments(partnership=partnership))
    context = partnership_context(
        request,
        partnership,
        risks=risks,
        heat_map=selectors.residual_heat_map(risks),
        retired=list(selectors.retired_risks(partnership=partnership)),
        form=form,
    )
    return render(request, "partnership/risk_list.html", context, status=form_status(form))


# A risk's assessment history on its page, a page at a time.
ASSESSMENTS_PER_PAGE = 25


@require_http_methods(["GET", "POST"])
@caching.cached_page
def risk_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    capability = Capability.EDIT_RECORD if request.method == "POST" else Capability.VIEW
    risk = access.risks.get(
        user=request.user,
        capability=capability,
        queryset=access.risks.visible(request.user).with_latest_assessment(),
        partnership__slug=slug,
        number=number,
    )
    form = RiskAssessmentForm(request.POST or None, partnership=risk.partnership, risk=risk)
    if done := submit(form, services.risk_assessment_create, by=request.user):
        messages.success(request, _assessment_added(done.value))
        return redirect(risk.get_absolute_url())
    assessments, query = paged(request, selectors.risk_assessments(risk=risk), ASSESSMENTS_PER_PAGE)
    context = partnership_context(
        request,
        risk.partnership,
        risk=risk,
        assessments=assessments,
        query=query,
        form=form,
        history=history.object_history(risk, limit=20),
    )
    context["cards"] = cards.render(cards.RISK, context, risk=risk)
    return render(request, "partnership/risk_detail.html", context, status=form_status(form))


# --- Adding to and retiring from a draft or active partnership's strategy --------------------


def _record_create(
    request: HttpRequest,
    slug: str,
    form_class: type,
    create: Any,
    *,
    title: str,
    added: str,
    back: str = "partnership:dashboard",
) -> HttpResponse:
    """The page of a new priority area, goal or risk: the record's form, its service."""
    partnership = access.partnerships.get(
        user=request.user, capability=Capability.EDIT_RECORD, slug=slug
    )
    instance = form_class._meta.model(partnership=partnership)
    form = form_class(request.POST or None, instance=instance)
    if done := submit(form, create, partnership=partnership, by=request.user):
        record = done.value
        messages.success(request, added % {"number": record.number})
        return redirect(getattr(record, "get_absolute_url", partnership.get_absolute_url)())
    return form_page(request, partnership, form=form, title=title, back=reverse(back, args=[slug]))


@require_http_methods(["GET", "POST"])
@caching.cached_page
def priority_area_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _record_create(
        request, slug, PriorityAreaForm, services.priority_area_create,
        title=_("Add a priority area"), added=_("Priority area %(number)s was added."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@caching.cached_page
def goal_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _record_create(
        request, slug, GoalForm, services.goal_create,
        title=_("Add an overall goal"), added=_("Goal %(number)s was added."),
        back="partnership:goal-list",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@caching.cached_page
def risk_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _record_create(
        request, slug, RiskForm, services.risk_create,
        title=_("Add a risk"), added=_("Risk %(number)s was added."),
        back="partnership:risk-list",
    )  # fmt: skip


@dataclass(frozen=True)
class _StrategyRecord:
    """A priority area, an overall goal or a risk, as its edit and retire pages treat it."""

    records: ObjectAccess[Any]
    form_class: type
    update: Callable[..., Any]  # its <kind>_update service
    retire: Callable[..., Any]  # its <kind>_retire service
    argument: str  # the record's keyword in those services
    name: str  # "Goal %(number)s"
    edit_title: str
    consequences: tuple[str, ...]  # of retiring it

    def get(self, request: HttpRequest, slug: str, number: int) -> Any:
        return self.records.get(
            user=request.user,
            capability=Capability.EDIT_RECORD,
            partnership__slug=slug,
            number=number,
        )

    def back(self, record: Any) -> str:
        """Its page, or the dashboard for a priority area (which has none)."""
        return getattr(record, "get_absolute_url", record.partnership.get_absolute_url)()

    def unchangeable(self, request: HttpRequest, record: Any) -> HttpResponse | None:
        """Retired, or its partnership closed: no form, back to its page saying why (None
        where it may still change)."""
        return refused_back(
            request, partial(services.strategy_record_check, record), self.back(record)
        )


_PRIORITY_AREA = _StrategyRecord(
    records=access.priority_areas,
    form_class=PriorityAreaForm,
    update=services.priority_area_update,
    retire=services.priority_area_retire,
    argument="priority_area",
    name=_("Priority area %(number)s"),
    edit_title=_("Edit priority area %(number)s"),
    consequences=(
        _("take it off the dashboard; its goals keep it as theirs;"),
        _("offer it no more for new or changed goals;"),
        _("keep its history, and leave it out when the strategy is renewed."),
    ),
)
_GOAL = _StrategyRecord(
    records=access.goals,
    form_class=GoalForm,
    update=services.goal_update,
    retire=services.goal_retire,
    argument="goal",
    name=_("Goal %(number)s"),
    edit_title=_("Edit goal %(number)s"),
    consequences=(
        _(
            "take it out of the goal tracker and its totals, the dashboard and the review "
            "assessments to come;"
        ),
        _("close its timeline: it takes no further updates;"),
        _("keep its updates and its history, readable on its page;"),
        _("leave it out when the strategy is renewed."),
    ),
)
_RISK = _StrategyRecord(
    records=access.risks,
    form_class=RiskForm,
    update=services.risk_update,
    retire=services.risk_retire,
    argument="risk",
    name=_("Risk %(number)s"),
    edit_title=_("Edit risk %(number)s"),
    consequences=(
        _("take it off the risk list and the heat map: it is assessed no more;"),
        _("keep its assessments and its history, readable on its page;"),
        _("leave it out when the strategy is renewed."),
    ),
)


def _edit_view(kind: _StrategyRecord) -> Callable[..., HttpResponse]:
    @require_http_methods(["GET", "POST"])
    @caching.cached_page
    def edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
        record = kind.get(request, slug, number)
        if unchangeable := kind.unchangeable(request, record):
            return unchangeable
        return record_edit_page(
            request,
            record.partnership,
            form=kind.form_class(request.POST or None, instance=record),
            update=partial(kind.update, **{kind.argument: record}),
            title=kind.edit_title % {"number": record.number},
            back=kind.back(record),
        )

    return edit


def _retire_view(kind: _StrategyRecord) -> Callable[..., HttpResponse]:
    @require_http_methods(["GET", "POST"])
    @caching.cached_page
    def retire(request: HttpRequest, slug: str, number: int) -> HttpResponse:
        """Retiring it: what that does, and the reason asked for."""
        record = kind.get(request, slug, number)
        if unchangeable := kind.unchangeable(request, record):
            return unchangeable
        back = kind.back(record)
        name = kind.name % {"number": record.number}
        form = ConfirmForm(request.POST or None)
        if submit(form, kind.retire, by=request.user, **{kind.argument: record}):
            messages.success(request, _("%(name)s was retired.") % {"name": name})
            return redirect(back)
        return confirm_page(
            request,
            record.partnership,
            title=_("Retire %(name)s") % {"name": name.lower()},
            consequences=list(kind.consequences),
            form=form,
            confirm_label=_("Retire"),
            back=back,
        )

    return retire


priority_area_edit = _edit_view(_PRIORITY_AREA)
priority_area_retire = _retire_view(_PRIORITY_AREA)
goal_edit = _edit_view(_GOAL)
goal_retire = _retire_view(_GOAL)
risk_edit = _edit_view(_RISK)
risk_retire = _retire_view(_RISK)


@require_http_methods(["GET", "POST"])
@caching.cached_page
def document_list(request: HttpRequest, slug: str) -> HttpResponse:
    capability = Capability.EDIT_RECORD if request.method == "POST" else Capability.VIEW
    partnership = access.partnerships.get(user=request.user, capability=capability, slug=slug)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if submit(form, services.document_create, partnership=partnership, by=request.user):
        messages.success(request, _("The document was added."))
        return redirect("partnership:document-list", slug=slug)
    documents, query = paged(
        request,
        selectors.documents_with_use(partnership=partnership).order_by("-year", "title", "pk"),
        DOCUMENTS_PER_PAGE,
    )
    context = partnership_context(request, partnership, documents=documents, query=query, form=form)
    return render(request, "partnership/document_list.html", context, status=form_status(form))


@require_GET
def document_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    document = access.documents.get(
        user=request.user, capability=Capability.DOWNLOAD, partnership__slug=slug, pk=pk
    )
    if not document.file:
        raise Http404("This document has no stored file.")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_filename or document.file.name.rsplit("/", 1)[-1],
        # The type of the stored file's kind, checked when it was kept; never one guessed
        # from a name a user gave (an .html or .svg would run in the browser).
        content_type=uploads.content_type_of(document.file.name),
    )
    response["Cache-Control"] = "no-store"
    return response


HISTORY_PAGE_SIZE = 50
HISTORY_EXPORTS = {
    "csv": (exports.to_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        exports.to_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def _history_filters(request: HttpRequest, partnership: Partnership) -> HistoryFilter:
    return HistoryFilter(request.GET, request=request, partnership_ids=[partnership.pk])


def _history_page(
    request: HttpRequest, partnership: Partnership, filters: HistoryFilter
) -> HttpResponse:
    """The page of changes asked for, or the filters with what is wrong with them (400)."""
    page = None
    if filters.is_valid():
        changes = selectors.changes(partnership=partnership, filters=filters)
        page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    # The filters as given, for the links to other pages and to the exports.
    query = urlencode([(k, v) for k, v in request.GET.items() if k in PARAMETERS and v])
    context = partnership_context(
        request,
        partnership,
        filters=filters,
        page=page,
        query=query,
        time_zone=timezone.get_default_timezone_name(),
    )
    return render(
        request, "partnership/history.html", context, status=200 if page is not None else 400
    )


@require_GET
@caching.cached_page
def history_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = access.partnerships.get(
        user=request.user, capability=Capability.VIEW_HISTORY, slug=slug
    )
    return _history_page(request, partnership, _history_filters(request, partnership))


@require_GET
def history_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Every change the filters select (all pages), as the page shows them."""
    partnership = access.partnerships.get(
        user=request.user, capability=Capability.VIEW_HISTORY, slug=slug
    )
    if fmt not in HISTORY_EXPORTS:
        raise Http404("No such export.")
    filters = _history_filters(request, partnership)
    if not filters.is_valid():
        return _history_page(request, partnership, filters)
    entries = selectors.changes(partnership=partnership, filters=filters).all()
    table = exports.Table("history", history.EXPORT_HEADERS, history.export_rows(entries))
    write, content_type = HISTORY_EXPORTS[fmt]
    response = HttpResponse(write(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slug}-history.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
