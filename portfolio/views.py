"""Pages of the portfolio: new partnerships (from the form, from a strategy file, or
renewing one), a partnership's strategy file. Views fetch through ``access`` and write
through the services; they hold no rules of their own."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.views import add_form_errors, form_status
from partnership import access as partnership_access
from partnership import services as partnership_services

from . import access, selectors, services
from .forms import PartnershipCreateForm, RenewForm, StrategyFileForm
from .strategy_file import StrategyFileError


@require_http_methods(["GET", "POST"])
def partnership_create(request: HttpRequest) -> HttpResponse:
    access.check_portfolio_admin(request.user)
    form = PartnershipCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.partnership_data()
        organisation = form.cleaned_data["organisation"]
        try:
            if organisation is not None:
                partnership = partnership_services.partnership_create(
                    by=request.user, organisation=organisation, **data
                )
            else:
                partnership = partnership_services.partnership_create_with_organisation(
                    by=request.user,
                    new_organisation={
                        "name": form.cleaned_data["new_organisation_name"],
                        "acronym": form.cleaned_data["new_organisation_acronym"],
                    },
                    **data,
                )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            status = partnership.get_status_display().lower()
            messages.success(request, f"“{partnership.title}” was created as a {status}.")
            return redirect(partnership.get_absolute_url())
    context = {"form": form, "cancel": reverse("home")}
    return render(request, "portfolio/partnership_create.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
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
            form.add_error("file", "The file was not loaded: its problems are listed above.")
        else:
            partnership = saved.partnership
            used = " (the organisation as already recorded)" if saved.organisation_existed else ""
            messages.success(
                request, f"“{partnership.title}” was created from {upload.name}{used}."
            )
            return redirect(partnership.get_absolute_url())
    context = {"form": form, "file_errors": file_errors, "cancel": reverse("home")}
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
def partnership_renew(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = access.partnership_to_renew(user=request.user, slug=slug)
    start, end = _next_period(partnership)
    form = RenewForm(
        request.POST or None,
        request.FILES or None,
        initial={"start_date": start, "end_date": end},
    )
    if request.method == "POST" and form.is_valid():
        try:
            renewal = services.partnership_renew(
                partnership=partnership, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                f"“{renewal.title}” was created as a draft, with the strategy of "
                f"“{partnership.title}” to start from.",
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
