"""Pages of the portfolio: new partnerships (from the form, from a strategy file, or
renewing one), a partnership's strategy file. Views fetch through ``access`` and write
through the services; they hold no rules of their own."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods

from core import caching
from core import exports
from core.access import is_portfolio_admin
from core.views import form_status
from core.views import paged
from core.views import submit
from funding.charts import budget_chart
from partnership import access as partnership_access
from partnership import services as partnership_services
from partnership.models import Organisation
from partnership.models import Partnership

from . import access
from . import selectors
from . import services
from .forms import PartnershipCreateForm
from .forms import PortfolioFilterForm
from .forms import RenewForm
from .forms import StrategyFileForm
from .strategy_file import StrategyFileError


def _partnership_create(
    *,
    by: Any,
    organisation: Organisation | None,
    new_organisation_name: str,
    new_organisation_acronym: str,
    **fields: Any,
) -> Partnership:
    """A partnership with the organisation picked, or else with the new one named."""
    if organisation is not None:
        return partnership_services.partnership_create(by=by, organisation=organisation, **fields)
    return partnership_services.partnership_create_with_organisation(
        by=by,
        new_organisation={"name": new_organisation_name, "acronym": new_organisation_acronym},
        **fields,
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def partnership_create(request: HttpRequest) -> HttpResponse:
    access.check_portfolio_admin(request.user)
    form = PartnershipCreateForm(request.POST or None, request.FILES or None)
    if done := submit(form, _partnership_create, by=request.user):
        partnership = done.value
        messages.success(
            request,
            _("“%(title)s” was created as a %(status)s.")
            % {"title": partnership.title, "status": partnership.get_status_display().lower()},
        )
        return redirect(partnership.get_absolute_url())
    context = {"form": form, "cancel": reverse("portfolio:overview")}
    return render(request, "portfolio/partnership_create.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@caching.cached_page
def partnership_import(request: HttpRequest) -> HttpResponse:
    access.check_portfolio_admin(request.user)
    form = StrategyFileForm(request.POST or None, request.FILES or None)
    file_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = services.strategy_import(
                content=upload.read(), filename=upload.name, by=request.user
            )
        except StrategyFileError as error:
            file_errors = error.errors
            form.add_error("file", _("The file was not loaded: its problems are listed above."))
        else:
            partnership = saved.partnership
            if saved.organisation_existed:
                created = _(
                    "“%(title)s” was created from %(file)s (the organisation as already recorded)."
                )
            else:
                created = _("“%(title)s” was created from %(file)s.")
            messages.success(request, created % {"title": partnership.title, "file": upload.name})
            return redirect(partnership.get_absolute_url())
    context = {"form": form, "file_errors": file_errors, "cancel": reverse("portfolio:overview")}
    return render(request, "portfolio/partnership_import.html", context, status=form_status(form))


def _next_period(partnership) -> tuple[dt.date, dt.date]:
    """As long as the old period, starting the day after it ends."""
    start = partnership.end_date + dt.timedelta(days=1)
    years = partnership.end_date.year - partnership.start_date.year + 1
    try:
        end = start.replace(year=start.year + years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return start, end


@require_http_methods(["GET", "POST"])
@caching.cached_page
def partnership_renew(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = access.partnership_to_renew(user=request.user, slug=slug)
    start, end = _next_period(partnership)
    form = RenewForm(
        request.POST or None,
        request.FILES or None,
        initial={"start_date": start, "end_date": end},
    )
    if done := submit(form, services.partnership_renew, partnership=partnership, by=request.user):
        renewal = done.value
        messages.success(
            request,
            _("“%(title)s” was created as a draft, with the strategy of “%(old)s” to start from.")
            % {"title": renewal.title, "old": partnership.title},
        )
        return redirect(renewal.get_absolute_url())
    context = {
        "partnership": partnership,
        "form": form,
        "copied": selectors.renewal_copies(partnership=partnership),
    }
    return render(request, "portfolio/partnership_renew.html", context, status=form_status(form))


@require_GET
def strategy_download(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's strategy as a strategy file: to keep, or to edit and load as
    another partnership's."""
    partnership = partnership_access.partnerships.get(user=request.user, slug=slug)
    response = HttpResponse(
        selectors.strategy_file_of(partnership=partnership),
        content_type="application/yaml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{partnership.slug}.yaml"'
    response["Cache-Control"] = "no-store"
    return response


PORTFOLIO_EXPORTS = {
    "csv": (exports.to_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        exports.to_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


PARTNERSHIPS_PER_PAGE = 20


def _filters(request: HttpRequest) -> tuple[PortfolioFilterForm, selectors.PortfolioFilters | None]:
    """The filters as given, and what they select (None while they are wrong)."""
    form = PortfolioFilterForm(
        request.GET or None, acronyms=selectors.portfolio_acronyms(user=request.user)
    )
    if form.is_bound and not form.is_valid():
        return form, None
    values = form.cleaned_data if form.is_bound else {}
    return form, selectors.PortfolioFilters(
        organisation=values.get("organisation") or "",
        status=values.get("status") or "",
        year=values.get("year"),
    )


def _portfolio(request: HttpRequest) -> tuple[PortfolioFilterForm, selectors.Portfolio | None]:
    """The filters as given, and the whole portfolio they select (None while they are
    wrong)."""
    form, filters = _filters(request)
    if filters is None:
        return form, None
    return form, selectors.portfolio(user=request.user, filters=filters)


@require_GET
@caching.cached_page
def overview(request: HttpRequest) -> HttpResponse:
    """Every partnership the person sees (all, for a portfolio administrator), a page at a
    time with its figures, narrowed by organisation, status and year, and the budget per
    year of them all."""
    form, filters = _filters(request)
    portfolio = page = None
    if filters is not None:
        selected = selectors.portfolio_partnerships(user=request.user, filters=filters)
        page, __ = paged(request, selected.select_related("organisation"), PARTNERSHIPS_PER_PAGE)
        portfolio = selectors.portfolio(
            user=request.user, filters=filters, partnerships=list(page.object_list)
        )
    query = urlencode([(k, v) for k, v in request.GET.items() if k in form.fields and v])
    chart = ""
    if portfolio is not None and portfolio.years.years:
        chart = budget_chart(
            portfolio.years,
            title_id="portfolio-chart-title",
            annual_label=_("Agreements’ annual amounts"),
        )
    context = {
        "filters": form,
        "portfolio": portfolio,
        "page": page,
        "count": page.paginator.count if page is not None else 0,
        "query": query,
        "year": form.cleaned_data.get("year") if portfolio is not None and form.is_bound else None,
        "portfolio_admin": is_portfolio_admin(request.user),
        "chart": chart,
    }
    status = 200 if portfolio is not None else 400
    return render(request, "portfolio/overview.html", context, status=status)


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The portfolio the filters select, a row a partnership, as CSV or XLSX."""
    if fmt not in PORTFOLIO_EXPORTS:
        raise Http404(_("No such export."))
    __, portfolio = _portfolio(request)
    if portfolio is None:
        return overview(request)
    write, content_type = PORTFOLIO_EXPORTS[fmt]
    response = HttpResponse(write(selectors.portfolio_table(portfolio)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="portfolio.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
