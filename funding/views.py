"""Pages of a partnership's funding. Views fetch through ``access`` and ``selectors`` and
write through ``services``, in the idiom of ``core.views``; the rules live there."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from core import caching
from core import exports
from core import formatting
from core import history
from core import tabular
from core.access import Capability
from core.access import capabilities_in
from core.forms import ConfirmForm
from core.views import confirm_page
from core.views import form_page
from core.views import form_status
from core.views import import_message
from core.views import page_rows
from core.views import paged
from core.views import partnership_context
from core.views import submit
from partnership import access as partnership_access
from partnership import selectors as partnership_selectors
from partnership.models import Partnership

from . import access
from . import annex
from . import charts
from . import dac
from . import selectors
from . import services
from .export_tables import TABLES
from .forms import AllocationEditForm
from .forms import AllocationForm
from .forms import AssessedContributionCreateForm
from .forms import AssessedContributionForm
from .forms import BudgetLineAssignForm
from .forms import BudgetYearCommitForm
from .forms import ContributionImportForm
from .forms import CsvUploadForm
from .forms import DisbursementForm
from .forms import ExchangeRateEditForm
from .forms import ExchangeRateForm
from .forms import StaffPositionEditForm
from .forms import StaffPositionForm
from .forms import assessed_contribution_initial
from .models import BudgetLine
from .models import Disbursement
from .models import ExchangeRate
from .models import StaffPosition


def _capability(request: HttpRequest) -> Capability:
    """GET needs to see the funding; POST needs to edit it."""
    return Capability.EDIT_FUNDING if request.method == "POST" else Capability.VIEW


def _partnership(
    request: HttpRequest, slug: str, capability: Capability | None = None
) -> Partnership:
    """The partnership, for its funding pages: ``capability`` needed, else ``_capability``."""
    return partnership_access.partnerships.get(
        user=request.user, capability=capability or _capability(request), slug=slug
    )


# Lists a page shows a page of at a time: a page's work does not grow with the record.
YEARS_PER_PAGE = 6
PAYMENTS_PER_PAGE = 25
RATES_PER_PAGE = 50
ALLOCATIONS_PER_PAGE = 50
PROJECTS_PER_PAGE = 50
FINDINGS_PER_PAGE = 50
POSITIONS_PER_PAGE = 25
IMPORTS_SHOWN = 10


def _years_page(request: HttpRequest, partnership: Partnership):
    """The page of the agreement's years asked for; without one, the page of this year
    (or of the last year, once the agreement has ended)."""
    years = partnership.years
    this_year = min(max(timezone.localdate().year, years[0]), years[-1])
    default = years.index(this_year) // YEARS_PER_PAGE + 1
    return paged(request, years, YEARS_PER_PAGE, default=default)


@require_GET
@caching.cached_page
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    years, query = _years_page(request, partnership)
    budget = selectors.budget_by_year_and_component(
        partnership=partnership, years=years.object_list
    )
    context = partnership_context(
        request,
        partnership,
        budget=budget,
        years=years,
        query=query,
        totals=selectors.budget_totals(partnership=partnership),
        chart=charts.budget_chart(budget),
        statuses=BudgetLine.Status.choices,
    )
    return render(request, "funding/overview.html", context)


def _rate_check(line: BudgetLine, data: Any) -> dict[str, Any]:
    """What a payment with ``data`` (currency, value date, amount) would be converted with:
    the rate, its date and age, and whether it is older than the setting allows."""
    form = DisbursementForm(data)
    form.is_valid()  # only the fields that clean are read
    values = form.cleaned_data
    currency, value_date = values.get("currency"), values.get("value_date")
    check: dict[str, Any] = {"currency": currency, "value_date": value_date}
    if not currency or currency == "DKK" or not value_date:
        return check
    try:
        used = selectors.rate_used(
            partnership=line.partnership, currency=currency, value_date=value_date
        )
    except selectors.MissingRateError as error:
        check["missing"] = " ".join(error.messages)
        return check
    check["used"] = used
    if values.get("amount"):
        check["amount_dkk"] = services.to_dkk(values["amount"], used.rate.rate)
    check["accepted"] = bool(values.get("accept_stale_rate"))
    return check


@require_http_methods(["GET", "POST"])
@caching.cached_page
def budget_line_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    line = access.budget_lines.get(
        user=request.user, capability=_capability(request), partnership__slug=slug, pk=pk
    )
    form = DisbursementForm(request.POST or None)
    if done := submit(form, services.disbursement_create, budget_line=line, by=request.user):
        messages.success(request, _recorded(done.value))
        return redirect(line.get_absolute_url())
    may_see_history = "view_history" in capabilities_in(request.user, line.partnership_id)
    disbursements, query = paged(
        request, selectors.disbursements_of(budget_line=line), PAYMENTS_PER_PAGE
    )
    context = partnership_context(
        request,
        line.partnership,
        line=selectors.budget_line_with_disbursed(budget_line=line),
        disbursements=disbursements,
        query=query,
        transitions=selectors.transitions_of(budget_line=line),
        form=form,
        rate_check=_rate_check(line, request.POST) if request.method == "POST" else {},
        history=history.object_history(line, limit=20) if may_see_history else None,
    )
    return render(request, "funding/budget_line_detail.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@caching.cached_page
def budget_line_assign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Who is responsible for the line until it is paid."""
    line = access.budget_lines.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, pk=pk
    )
    members = partnership_selectors.members_who_can(
        partnership_id=line.partnership_id, capability=Capability.EDIT_FUNDING
    )
    form = BudgetLineAssignForm(
        request.POST or None, initial={"assignee": line.assignee}, members=members
    )
    if submit(form, services.budget_line_assign, budget_line=line, by=request.user):
        messages.success(
            request, _("Saved who is responsible for %(label)s.") % {"label": line.label}
        )
        return redirect(line.get_absolute_url())
    return form_page(
        request,
        line.partnership,
        form=form,
        title=_("Who is responsible for %(label)s") % {"label": line.label},
        back=line.get_absolute_url(),
    )


@require_GET
@caching.cached_page
def budget_line_rate_check(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The rate a payment being entered would use (htmx, as the date or currency change)."""
    line = access.budget_lines.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, pk=pk
    )
    context = {
        "partnership": line.partnership,
        "rate_check": _rate_check(line, request.GET),
        "form": DisbursementForm(),
    }
    return render(request, "funding/partials/rate_check.html", context)


@require_http_methods(["GET", "POST"])
@caching.cached_page
def budget_line_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    line = access.budget_lines.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, pk=pk
    )
    form = ConfirmForm(request.POST or None)
    if submit(form, services.budget_line_close, budget_line=line, by=request.user):
        messages.success(request, _("%(label)s is closed.") % {"label": line.label})
        return redirect(line.get_absolute_url())
    unpaid = selectors.budget_line_with_disbursed(budget_line=line).left
    consequences = [
        _(
            "Close %(label)s (DKK %(amount)s): no further payment can be recorded on "
            "it; refunds still can. A closed line cannot be reopened."
        )
        % {"label": line.label, "amount": formatting.amount(line.amount, 2)},
        _("DKK %(unpaid)s of this line is unpaid: it will not be paid from this line.")
        % {"unpaid": formatting.amount(unpaid, 2)}
        if unpaid > 0
        else _("The line is paid in full."),
    ]
    return confirm_page(
        request,
        line.partnership,
        title=_("Close %(label)s") % {"label": line.label},
        consequences=consequences,
        form=form,
        confirm_label=_("Close the line"),
        back=line.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def budget_year_commit(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    partnership = _partnership(request, slug, Capability.EDIT_FUNDING)
    lines = selectors.lines_to_commit(partnership=partnership, year=year)
    if not lines and year not in partnership.years:
        raise Http404(_("No such year of the agreement."))
    form = BudgetYearCommitForm(request.POST or None)
    if done := submit(
        form, services.budget_year_commit, partnership=partnership, year=year, by=request.user
    ):
        messages.success(
            request,
            _(
                "The %(committed_count)s lines of %(year)s are committed under "
                "%(finance_act_reference)s."
            )
            % {
                "committed_count": len(done.value),
                "year": year,
                "finance_act_reference": form.cleaned_data["finance_act_reference"],
            },
        )
        return redirect("funding:overview", slug=slug)
    total = sum((line.amount for line in lines), Decimal(0))
    consequences = [
        _("Commit %(label)s: DKK %(amount)s.")
        % {"label": line.label, "amount": formatting.amount(line.amount, 2)}
        for line in lines
    ] + [
        _(
            "In all DKK %(total)s, approved by Parliament under the Finance Act "
            "reference given below; payments can then be made from these lines, and "
            "their amounts are fixed. All of these lines are committed, or none."
        )
        % {"total": formatting.amount(total, 2)},
    ]
    if not lines:
        consequences = [
            _("Every line of %(year)s is committed already: there is nothing to commit.")
            % {"year": year}
        ]
    return confirm_page(
        request,
        partnership,
        title=_("Commit the budget lines of %(year)s") % {"year": year},
        consequences=consequences,
        form=form,
        confirm_label=_("Commit the %(lines_count)s lines of %(year)s")
        % {"lines_count": len(lines), "year": year}
        if lines
        else _("Commit"),
        back=reverse("funding:overview", kwargs={"slug": slug}),
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def exchange_rates(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    form = ExchangeRateForm(request.POST or None)
    if submit(form, services.exchange_rate_create, partnership=partnership, by=request.user):
        messages.success(request, _("The rate was recorded."))
        return redirect("funding:exchange-rates", slug=slug)
    return _exchange_rates_page(request, partnership, form, CsvUploadForm())


def _exchange_rates_page(request, partnership, form, upload_form) -> HttpResponse:
    rates, query = paged(request, selectors.exchange_rates(partnership=partnership), RATES_PER_PAGE)
    context = partnership_context(
        request,
        partnership,
        rates=rates,
        query=query,
        form=form,
        upload_form=upload_form,
        max_age_days=settings.EXCHANGE_RATE_MAX_AGE_DAYS,
    )
    return render(
        request, "funding/exchange_rates.html", context, status=form_status(form, upload_form)
    )


@require_POST
def exchange_rates_import(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    upload_form = CsvUploadForm(request.POST, request.FILES)
    if done := submit(
        upload_form,
        services.exchange_rates_import_csv,
        data=upload_form.service_data,
        partnership=partnership,
        by=request.user,
    ):
        added, skipped = done.value
        messages.success(
            request,
            _("%(added)s rate(s) added, %(skipped)s already recorded.")
            % {"added": added, "skipped": skipped},
        )
        return redirect("funding:exchange-rates", slug=slug)
    return _exchange_rates_page(request, partnership, ExchangeRateForm(), upload_form)


def _recorded(payment: Disbursement) -> str:
    """What was recorded, with the rate a foreign payment was converted at."""
    refund = payment.kind == Disbursement.Kind.REFUND
    if not payment.rate:
        return _("The refund was recorded.") if refund else _("The payment was recorded.")
    values = {"rate": number_format(payment.exchange_rate), "currency": payment.currency}
    if refund:
        return _("The refund was recorded at %(rate)s DKK per %(currency)s.") % values
    return _("The payment was recorded at %(rate)s DKK per %(currency)s.") % values


def _rate_label(rate: ExchangeRate) -> str:
    return _("%(currency)s rate of %(long_date)s (%(rate)s DKK per unit)") % {
        "currency": rate.currency,
        "long_date": date_format(rate.date),
        "rate": number_format(rate.rate),
    }


@require_http_methods(["GET", "POST"])
@caching.cached_page
def exchange_rate_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    rate = access.exchange_rates.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, pk=pk
    )
    form = ExchangeRateEditForm(
        request.POST or None,
        initial={name: getattr(rate, name) for name in services.RATE_COLUMNS},
        payments=selectors.payments_converted_with(exchange_rate=rate),
    )
    label = {"rate_label": _rate_label(rate)}
    return _correct_page(
        request,
        rate.partnership,
        form=form,
        update=partial(services.exchange_rate_update, exchange_rate=rate),
        done=_("The %(rate_label)s was corrected.") % label,
        title=_("Correct the %(rate_label)s") % label,
        list_page="funding:exchange-rates",
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def exchange_rate_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    rate = access.exchange_rates.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, pk=pk
    )
    label = _rate_label(rate)
    return _withdraw_page(
        request,
        rate.partnership,
        withdraw=partial(services.exchange_rate_withdraw, exchange_rate=rate),
        done=_("The %(label)s was withdrawn; the change history keeps it.") % {"label": label},
        list_page="funding:exchange-rates",
        title=_("Withdraw the %(label)s") % {"label": label},
        consequences=[
            _(
                "Remove the %(label)s, from %(source)s, from the rates payments are "
                "converted with; the change history keeps it, with your reason."
            )
            % {"label": label, "source": rate.source},
            _("A rate that a payment was converted with cannot be withdrawn."),
        ],
        confirm_label=_("Withdraw the rate"),
    )


def _correct_page(
    request: HttpRequest,
    partnership: Partnership,
    *,
    form: Any,
    update: Callable[..., Any],
    done: str,
    title: str,
    list_page: str,
    **extra: Any,
) -> HttpResponse:
    """The edit page of a funding record: the form's data through its ``update`` service,
    then back to the ``list_page`` the record stands on with the ``done`` message
    (``extra``: more for the page, e.g. the year of the lines its picker offers)."""
    if submit(form, update):
        messages.success(request, done)
        return redirect(list_page, slug=partnership.slug)
    back = reverse(list_page, kwargs={"slug": partnership.slug})
    return form_page(request, partnership, form=form, title=title, back=back, **extra)


def _withdraw_page(
    request: HttpRequest,
    partnership: Partnership,
    *,
    withdraw: Callable[..., Any],
    done: str,
    list_page: str,
    title: str,
    consequences: list[str],
    confirm_label: str,
) -> HttpResponse:
    """The confirmation page withdrawing a funding record (with the reason asked for)
    through its ``withdraw`` service, then back to its ``list_page``."""
    form = ConfirmForm(request.POST or None)
    if submit(form, withdraw):
        messages.success(request, done)
        return redirect(list_page, slug=partnership.slug)
    return confirm_page(
        request,
        partnership,
        title=title,
        consequences=consequences,
        form=form,
        confirm_label=confirm_label,
        back=reverse(list_page, kwargs={"slug": partnership.slug}),
    )


@require_GET
@caching.cached_page
def assessed_contributions(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    context = partnership_context(
        request,
        partnership,
        contributions=selectors.assessed_contributions(partnership=partnership),
        figures=selectors.budget_figures(partnership=partnership),
    )
    return render(request, "funding/assessed_contributions.html", context)


@require_http_methods(["GET", "POST"])
@caching.cached_page
def assessed_contribution_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug, Capability.EDIT_FUNDING)
    latest = selectors.latest_assessed_contribution(partnership=partnership)
    initial = assessed_contribution_initial(latest) if latest else {}
    initial.update(
        year=latest.year + 1 if latest else partnership.years[0],
        currency=latest.currency if latest else "CHF",
        invoiced=None,
        paid=None,
    )
    form = AssessedContributionCreateForm(request.POST or None, initial=initial)
    if submit(
        form, services.assessed_contribution_create, partnership=partnership, by=request.user
    ):
        messages.success(
            request,
            _("The assessed contribution for %(year)s was added.")
            % {"year": form.cleaned_data["year"]},
        )
        return redirect("funding:assessed-contributions", slug=slug)
    return form_page(
        request,
        partnership,
        form=form,
        title=_("Add a year of the assessed contribution"),
        back=reverse("funding:assessed-contributions", kwargs={"slug": slug}),
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def assessed_contribution_edit(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    contribution = access.assessed_contributions.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, year=year
    )
    form = AssessedContributionForm(
        request.POST or None, initial=assessed_contribution_initial(contribution)
    )
    return _correct_page(
        request,
        contribution.partnership,
        form=form,
        update=partial(services.assessed_contribution_update, contribution=contribution),
        done=_("The assessed contribution for %(year)s was saved.") % {"year": year},
        title=_("Assessed contribution %(year)s (%(currency)s)")
        % {"year": year, "currency": contribution.currency},
        list_page="funding:assessed-contributions",
    )


def _explorer_filters(request: HttpRequest) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for name in selectors.EXPLORER_FILTERS:
        value = request.GET.get(name, "").strip()
        if value:
            if name == "year":
                if not (value.isascii() and value.isdigit() and len(value) <= 4):
                    continue
                filters[name] = int(value)
            else:
                filters[name] = value
    return filters


@require_GET
@caching.cached_page
def voluntary_contributions(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    filters = _explorer_filters(request)
    totals = selectors.explorer_totals(partnership=partnership, filters=filters)
    projects, query = paged(request, totals.by_project, PROJECTS_PER_PAGE)
    imports = list(selectors.contribution_imports(partnership=partnership)[: IMPORTS_SHOWN + 1])
    context = partnership_context(
        request,
        partnership,
        totals=totals,
        tables=[
            (_("By year"), [_("Year")], ["year"], totals.by_year),
            (_("By region"), [_("Region")], ["region"], totals.by_region),
            (
                _("By country"),
                [_("Country"), _("Region")],
                ["country", "region"],
                totals.by_country,
            ),
            (_("By donor unit"), [_("Donor unit")], ["donor_unit"], totals.by_donor_unit),
        ],
        projects=projects,
        project_headers=[_("Project"), _("Title")],
        project_keys=["project_code", "title"],
        query=query,
        filter_fields=[
            ("year", _("Year")),
            ("region", _("Region")),
            ("country", _("Country")),
            ("donor_unit", _("Donor unit")),
        ],
        filters=filters,
        imports=imports[:IMPORTS_SHOWN],
        more_imports=len(imports) > IMPORTS_SHOWN,
    )
    return render(request, "funding/voluntary_contributions.html", context)


@require_http_methods(["GET", "POST"])
@caching.cached_page
def voluntary_contributions_import(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug, Capability.EDIT_FUNDING)
    form = ContributionImportForm(request.POST or None, request.FILES or None)
    row_errors: list[annex.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.voluntary_contributions_import(
                partnership=partnership,
                content=upload.read(),
                filename=upload.name,
                by=request.user,
            )
        except annex.AnnexImportError as error:
            row_errors = error.row_errors
            form.add_error(
                "file",
                ngettext(
                    "Nothing was imported: %(row_errors_count)s problem below.",
                    "Nothing was imported: %(row_errors_count)s problems below.",
                    len(row_errors),
                )
                % {"row_errors_count": formatting.amount(len(row_errors), 0)},
            )
        else:
            record = result.record
            added, totals = record.contributions_added, record.subtotals_added
            import_message(
                request,
                result,
                added=_("%(contributions)s and %(subtotals)s added.")
                % {
                    "contributions": ngettext(
                        "%(count)s contribution", "%(count)s contributions", added
                    )
                    % {"count": formatting.amount(added, 0)},
                    "subtotals": ngettext(
                        "%(count)s stated total", "%(count)s stated totals", totals
                    )
                    % {"count": formatting.amount(totals, 0)},
                },
            )
            return redirect("funding:reconciliation", slug=slug)
    context = partnership_context(
        request,
        partnership,
        form=form,
        row_errors=row_errors[: tabular.MAX_LISTED],
        more_errors=max(0, len(row_errors) - tabular.MAX_LISTED),
    )
    return render(
        request, "funding/voluntary_contributions_import.html", context, status=form_status(form)
    )


@require_GET
@caching.cached_page
def reconciliation(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    show = "all" if request.GET.get("show") == "all" else "differences"
    annex = selectors.AnnexFindings(partnership=partnership)
    counts = annex.counts()
    findings, query = paged(
        request, annex.listed(differences=show == "differences"), FINDINGS_PER_PAGE
    )
    context = partnership_context(
        request,
        partnership,
        counts=[(kind, label, counts[kind]) for kind, label in selectors.FindingKind.choices],
        any_findings=any(counts.values()),
        findings=findings,
        query=query,
        show=show,
    )
    return render(request, "funding/reconciliation.html", context)


def _line_year(request: HttpRequest, partnership: Partnership, default: int | None = None) -> int:
    """The year whose budget lines a form's picker offers: ``?year=`` (its form posts there
    too), else ``default``, else this year, within the agreement's years."""
    years = partnership.years
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and int(raw) in years:
        return int(raw)
    if default in years:
        return default
    return min(max(timezone.localdate().year, years[0]), years[-1])


LINE_RECORD_FORM = "funding/line_record_form.html"  # a record form with its lines' year picker


def _line_year_context(partnership: Partnership, year: int) -> dict[str, Any]:
    """What ``funding/partials/line_year.html`` shows: the agreement's years, the one
    chosen, and where the form posts (keeping it)."""
    return {"line_years": partnership.years, "line_year": year, "line_action": f"?year={year}"}


@require_http_methods(["GET", "POST"])
@caching.cached_page
def allocations(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    year = _line_year(request, partnership)
    form = AllocationForm(request.POST or None, partnership=partnership, year=year)
    if submit(form, services.allocation_create, by=request.user):
        messages.success(request, _("The allocation was recorded."))
        return redirect(f"{reverse('funding:allocations', args=[slug])}?year={year}")
    allocations, query = paged(
        request, selectors.allocations_of(partnership=partnership), ALLOCATIONS_PER_PAGE
    )
    # The earmarked lines, two a year: a page of years at a time.
    lines, lines_query = paged(
        request,
        selectors.allocation_totals_by_line(partnership=partnership),
        2 * YEARS_PER_PAGE,
        param="lines-page",
    )
    context = partnership_context(
        request,
        partnership,
        rows=selectors.allocation_rows(allocations),
        allocations=allocations,
        query=query,
        lines=lines,
        lines_query=lines_query,
        form=form,
        **_line_year_context(partnership, year),
        dac_list=dac.LIST_NAME,
        graduations=[r for r in dac.recipients().values() if r.not_eligible_from_year],
    )
    return render(request, "funding/allocations.html", context, status=form_status(form))


def _allocation_label(allocation) -> str:
    return str(
        _("allocation of %(amount)s to %(country)s from %(line)s")
        % {
            "amount": formatting.money(allocation.amount, "DKK", decimals=2),
            "country": dac.option_label(allocation.country),
            "line": allocation.budget_line.label,
        }
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def allocation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    allocation = access.allocations.get(
        user=request.user,
        capability=Capability.EDIT_FUNDING,
        budget_line__partnership__slug=slug,
        pk=pk,
    )
    partnership = allocation.budget_line.partnership
    year = _line_year(request, partnership, allocation.budget_line.year)
    form = AllocationEditForm(
        request.POST or None,
        initial={name: getattr(allocation, name) for name in services.ALLOCATION_FIELDS},
        partnership=partnership,
        year=year,
    )
    return _correct_page(
        request,
        partnership,
        form=form,
        update=partial(services.allocation_update, allocation=allocation),
        done=_("The allocation was corrected."),
        title=_("Correct the %(allocation_label)s")
        % {"allocation_label": _allocation_label(allocation)},
        list_page="funding:allocations",
        **_line_year_context(partnership, year),
        template=LINE_RECORD_FORM,
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def allocation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    allocation = access.allocations.get(
        user=request.user,
        capability=Capability.EDIT_FUNDING,
        budget_line__partnership__slug=slug,
        pk=pk,
    )
    label = _allocation_label(allocation)
    return _withdraw_page(
        request,
        allocation.budget_line.partnership,
        withdraw=partial(services.allocation_withdraw, allocation=allocation),
        done=_("The %(label)s was withdrawn; the change history keeps it.") % {"label": label},
        list_page="funding:allocations",
        title=_("Withdraw the %(label)s") % {"label": label},
        consequences=[
            _(
                "Remove the %(label)s from the allocations reported; DKK %(amount)s of "
                "%(label2)s is then not allocated."
            )
            % {
                "label": label,
                "amount": formatting.amount(allocation.amount, 2),
                "label2": allocation.budget_line.label,
            },
            _("The change history keeps the allocation, with your reason."),
        ],
        confirm_label=_("Withdraw the allocation"),
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def staff(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    year = _line_year(request, partnership)
    form = StaffPositionForm(request.POST or None, partnership=partnership, year=year)
    if submit(form, services.staff_position_create, partnership=partnership, by=request.user):
        messages.success(request, _("The position was added to the register."))
        return redirect(f"{reverse('funding:staff', args=[slug])}?year={year}")
    groups = []
    for kind, label in StaffPosition.Kind.choices:
        positions, query = paged(
            request,
            selectors.staff_positions(partnership=partnership, kind=kind),
            POSITIONS_PER_PAGE,
            param=f"{kind}-page",
        )
        positions.object_list = page_rows(positions)  # a query even for a kind with none
        groups.append((kind, label, positions, query))
    lines, lines_query = paged(
        request,
        selectors.secondment_costs_by_line(partnership=partnership),
        YEARS_PER_PAGE,
        param="lines-page",
    )
    context = partnership_context(
        request,
        partnership,
        groups=groups,
        lines=lines,
        lines_query=lines_query,
        form=form,
        **_line_year_context(partnership, year),
    )
    return render(request, "funding/staff.html", context, status=form_status(form))


def _position_label(position: StaffPosition) -> str:
    who = f"{position.name}, " if position.name else ""
    return str(
        _("%(who)s%(position)s in %(station)s")
        % {"who": who, "position": position.position, "station": position.duty_station}
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def staff_position_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    position = access.staff_positions.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, pk=pk
    )
    year = _line_year(
        request,
        position.partnership,
        position.budget_line.year if position.budget_line_id else position.start_date.year,
    )
    form = StaffPositionEditForm(
        request.POST or None,
        initial={name: getattr(position, name) for name in services.STAFF_FIELDS},
        partnership=position.partnership,
        year=year,
    )
    return _correct_page(
        request,
        position.partnership,
        form=form,
        update=partial(services.staff_position_update, staff_position=position),
        done=_("The position was corrected."),
        title=_("Correct the position: %(position_label)s")
        % {"position_label": _position_label(position)},
        list_page="funding:staff",
        **_line_year_context(position.partnership, year),
        template=LINE_RECORD_FORM,
    )


@require_http_methods(["GET", "POST"])
@caching.cached_page
def staff_position_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    position = access.staff_positions.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, pk=pk
    )
    label = _position_label(position)
    consequences = [
        _(
            "Remove %(label)s (%(position)s) from the register; the change history "
            "keeps it, with your reason."
        )
        % {"label": label, "position": position.get_kind_display().lower()}
    ]
    if position.budget_line_id:
        consequences.append(
            _("Its cost, %(cost)s, no longer counts against %(line)s.")
            % {
                "cost": formatting.money(position.cost, "DKK", decimals=2),
                "line": position.budget_line.label,
            }
        )
    return _withdraw_page(
        request,
        position.partnership,
        withdraw=partial(services.staff_position_withdraw, staff_position=position),
        done=_(
            "The position (%(label)s) was withdrawn from the register; the change history keeps it."
        )
        % {"label": label},
        list_page="funding:staff",
        title=_("Withdraw the position: %(label)s") % {"label": label},
        consequences=consequences,
        confirm_label=_("Withdraw the position"),
    )


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def export(request: HttpRequest, slug: str, table: str, fmt: str) -> HttpResponse:
    partnership = _partnership(request, slug, Capability.DOWNLOAD)
    if table not in TABLES or fmt not in CONTENT_TYPES:
        raise Http404(_("No such export."))
    data = TABLES[table](partnership)
    content = exports.to_csv(data) if fmt == "csv" else exports.to_xlsx(data)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slug}-{table}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
