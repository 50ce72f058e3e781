"""Pages of a partnership's funding. Views fetch through ``access`` and write through
``services``; the rules live there."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership import access as partnership_access
from partnership import history
from partnership.access import Capability
from partnership.models import Partnership
from partnership.views import add_form_errors, partnership_context

from . import access, annex, charts, dac, exports, selectors, services
from .forms import (
    AllocationForm,
    AssessedContributionForm,
    BudgetLineCloseForm,
    BudgetLineCommitForm,
    ContributionImportForm,
    CsvUploadForm,
    DisbursementForm,
    ExchangeRateForm,
    StaffPositionForm,
)
from .models import BudgetFigure, BudgetLine, ExchangeRate, StaffPosition


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    """GET needs to see the partnership; POST needs to edit its funding."""
    capability = Capability.EDIT_FUNDING if request.method == "POST" else Capability.VIEW
    return partnership_access.partnerships.get(user=request.user, capability=capability, slug=slug)


def _status(*forms: Any) -> int:
    return 400 if any(f is not None and f.is_bound and f.errors for f in forms) else 200


def _try(request: HttpRequest, form: Any, action: Any, success: str) -> bool:
    """Run a service with the form's data; map its errors onto the form."""
    try:
        action()
    except ValidationError as error:
        add_form_errors(form, error)
        return False
    messages.success(request, success)
    return True


@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    budget = selectors.budget_by_year_and_component(partnership=partnership)
    context = partnership_context(
        request,
        partnership,
        budget=budget,
        chart=charts.budget_chart(budget),
        statuses=BudgetLine.Status.choices,
    )
    return render(request, "funding/overview.html", context)


@require_http_methods(["GET", "POST"])
def budget_line_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    capability = Capability.EDIT_FUNDING if request.method == "POST" else Capability.VIEW
    line = access.budget_lines.get(
        user=request.user, capability=capability, partnership__slug=slug, pk=pk
    )
    form = DisbursementForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _try(
            request,
            form,
            lambda: services.disbursement_create(
                budget_line=line, created_by=request.user, **form.cleaned_data
            ),
            "The disbursement was recorded.",
        )
    ):
        return redirect(line.get_absolute_url())
    line_with_totals = selectors.budget_lines_with_totals(partnership=line.partnership).get(
        pk=line.pk
    )
    context = partnership_context(
        request,
        line.partnership,
        line=line_with_totals,
        disbursed=line_with_totals.paid - line_with_totals.refunded,
        left=line_with_totals.amount - (line_with_totals.paid - line_with_totals.refunded),
        disbursements=selectors.disbursements_of(budget_line=line),
        transitions=line.transitions.select_related("by"),
        form=form,
        commit_form=BudgetLineCommitForm(),
        close_form=BudgetLineCloseForm(),
        history=history.object_history(line, limit=20)
        if "view_history" in partnership_access.capabilities_in(request.user, line.partnership_id)
        else None,
    )
    return render(request, "funding/budget_line_detail.html", context, status=_status(form))


def _transition_view(request: HttpRequest, slug: str, pk: int, *, commit: bool) -> HttpResponse:
    line = access.budget_lines.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, pk=pk
    )
    form = (BudgetLineCommitForm if commit else BudgetLineCloseForm)(request.POST)
    if form.is_valid():
        try:
            if commit:
                services.budget_line_commit(budget_line=line, by=request.user, **form.cleaned_data)
            else:
                services.budget_line_close(budget_line=line, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{line.label} is {'committed' if commit else 'closed'}.")
    else:
        messages.error(request, "Give the Finance Act reference to commit the line.")
    return redirect(line.get_absolute_url())


@require_POST
def budget_line_commit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition_view(request, slug, pk, commit=True)


@require_POST
def budget_line_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition_view(request, slug, pk, commit=False)


@require_http_methods(["GET", "POST"])
def exchange_rates(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    form = ExchangeRateForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _try(
            request,
            form,
            lambda: services.exchange_rate_create(
                partnership=partnership, created_by=request.user, **form.cleaned_data
            ),
            "The rate was recorded.",
        )
    ):
        return redirect("funding:exchange-rates", slug=slug)
    return _exchange_rates_page(request, partnership, form, CsvUploadForm())


def _exchange_rates_page(request, partnership, form, upload_form) -> HttpResponse:
    rates = ExchangeRate.objects.filter(partnership=partnership).select_related("created_by")
    context = partnership_context(
        request, partnership, rates=rates, form=form, upload_form=upload_form
    )
    return render(
        request, "funding/exchange_rates.html", context, status=_status(form, upload_form)
    )


@require_POST
def exchange_rates_import(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    upload_form = CsvUploadForm(request.POST, request.FILES)
    if upload_form.is_valid():
        try:
            text = upload_form.cleaned_data["file"].read().decode("utf-8-sig")
            added, skipped = services.exchange_rates_import_csv(
                partnership=partnership, text=text, created_by=request.user
            )
        except UnicodeDecodeError:
            upload_form.add_error("file", "The file is not UTF-8 text.")
        except ValidationError as error:
            add_form_errors(upload_form, error)
        else:
            messages.success(request, f"{added} rate(s) added, {skipped} already recorded.")
            return redirect("funding:exchange-rates", slug=slug)
    return _exchange_rates_page(request, partnership, ExchangeRateForm(), upload_form)


@require_GET
def assessed_contributions(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    context = partnership_context(
        request,
        partnership,
        contributions=selectors.assessed_contributions(partnership=partnership),
        figures=BudgetFigure.objects.filter(partnership=partnership),
    )
    return render(request, "funding/assessed_contributions.html", context)


@require_http_methods(["GET", "POST"])
def assessed_contribution_edit(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    contribution = access.assessed_contributions.get(
        user=request.user, capability=Capability.EDIT_FUNDING, partnership__slug=slug, year=year
    )
    form = AssessedContributionForm(
        request.POST or None,
        initial={"invoiced": contribution.invoiced, "paid": contribution.paid},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _try(
            request,
            form,
            lambda: services.assessed_contribution_update(
                contribution=contribution, **form.cleaned_data
            ),
            "Saved.",
        )
    ):
        return redirect("funding:assessed-contributions", slug=slug)
    context = partnership_context(
        request,
        contribution.partnership,
        form=form,
        title=f"Assessed contribution {year}: invoiced and paid",
        back=f"/p/{slug}/funding/assessed-contributions/",
    )
    return render(request, "partnership/record_form.html", context, status=_status(form))


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
def voluntary_contributions(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    filters = _explorer_filters(request)
    totals = selectors.explorer_totals(partnership=partnership, filters=filters)
    context = partnership_context(
        request,
        partnership,
        totals=totals,
        tables=[
            ("By year", ["Year"], ["year"], totals.by_year),
            ("By region", ["Region"], ["region"], totals.by_region),
            ("By country", ["Country", "Region"], ["country", "region"], totals.by_country),
            ("By donor unit", ["Donor unit"], ["donor_unit"], totals.by_donor_unit),
            ("By project", ["Project", "Title"], ["project_code", "title"], totals.by_project),
        ],
        filter_fields=[
            ("year", "Year"),
            ("region", "Region"),
            ("country", "Country"),
            ("donor_unit", "Donor unit"),
            ("project_code", "Project"),
        ],
        filters=filters,
        imports=selectors.contribution_imports(partnership=partnership),
    )
    return render(request, "funding/voluntary_contributions.html", context)


@require_http_methods(["GET", "POST"])
def voluntary_contributions_import(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_access.partnerships.get(
        user=request.user, capability=Capability.EDIT_FUNDING, slug=slug
    )
    form = ContributionImportForm(request.POST or None, request.FILES or None)
    row_errors: list[annex.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = annex.voluntary_contributions_import(
                partnership=partnership,
                content=upload.read(),
                filename=upload.name,
                imported_by=request.user,
            )
        except annex.AnnexImportError as error:
            row_errors = error.row_errors
            form.add_error("file", f"Nothing was imported: {len(row_errors)} problem(s) below.")
        else:
            record = result.record
            if result.already_imported:
                messages.warning(
                    request,
                    f"This file was already imported on {record.created_at:%d %b %Y}; "
                    "nothing was added.",
                )
            else:
                messages.success(
                    request,
                    f"{record.contributions_added} contribution(s) and "
                    f"{record.subtotals_added} stated total(s) added.",
                )
            return redirect("funding:reconciliation", slug=slug)
    context = partnership_context(request, partnership, form=form, row_errors=row_errors)
    return render(
        request, "funding/voluntary_contributions_import.html", context, status=_status(form)
    )


@require_GET
def reconciliation(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    result = selectors.reconciliation(partnership=partnership)
    show = request.GET.get("show", "differences")
    findings = result.findings if show == "all" else result.differences
    context = partnership_context(request, partnership, result=result, findings=findings, show=show)
    return render(request, "funding/reconciliation.html", context)


@require_http_methods(["GET", "POST"])
def allocations(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    form = AllocationForm(request.POST or None, partnership=partnership)
    if (
        request.method == "POST"
        and form.is_valid()
        and _try(
            request,
            form,
            lambda: services.allocation_create(created_by=request.user, **form.cleaned_data),
            "The allocation was recorded.",
        )
    ):
        return redirect("funding:allocations", slug=slug)
    context = partnership_context(
        request,
        partnership,
        rows=selectors.allocations_with_countries(partnership=partnership),
        lines=selectors.allocation_totals_by_line(partnership=partnership),
        form=form,
        dac_list=dac.LIST_NAME,
        graduations=[r for r in dac.recipients().values() if r.not_eligible_from_year],
    )
    return render(request, "funding/allocations.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    form = StaffPositionForm(request.POST or None, partnership=partnership)
    if (
        request.method == "POST"
        and form.is_valid()
        and _try(
            request,
            form,
            lambda: services.staff_position_create(partnership=partnership, **form.cleaned_data),
            "The position was added to the register.",
        )
    ):
        return redirect("funding:staff", slug=slug)
    register = selectors.staff_register(partnership=partnership)
    context = partnership_context(
        request,
        partnership,
        groups=[(kind, label, register[kind]) for kind, label in StaffPosition.Kind.choices],
        lines=selectors.secondment_costs_by_line(partnership=partnership),
        form=form,
    )
    return render(request, "funding/staff.html", context, status=_status(form))


# --- Exports --------------------------------------------------------------------------------


def _budget_table(partnership: Partnership) -> exports.Table:
    budget = selectors.budget_by_year_and_component(partnership=partnership)
    rows = [
        (
            cell.year,
            cell.component,
            cell.component_label,
            cell.line.get_status_display(),
            cell.line.finance_act_reference,
            cell.planned,
            cell.committed,
            cell.disbursed,
            budget.currency,
            cell.line.citation,
        )
        for year in budget.years
        for cell in year.cells
    ]
    headers = (
        "year", "component", "component label", "status", "finance act reference",
        "planned", "committed", "disbursed", "currency", "source",
    )  # fmt: skip
    return exports.Table("budget-lines", headers, rows)


def _disbursements_table(partnership: Partnership) -> exports.Table:
    rows = (
        (
            d.budget_line.year,
            d.budget_line.component,
            d.get_kind_display(),
            d.value_date,
            d.amount,
            d.currency,
            d.exchange_rate,
            d.amount_dkk,
            d.reference,
            d.created_by.username,
            d.created_at,
        )
        for d in selectors.disbursements_of_partnership(partnership=partnership)
    )
    headers = (
        "year", "component", "kind", "value date", "amount", "currency", "DKK per unit",
        "DKK equivalent", "reference", "recorded by", "recorded at",
    )  # fmt: skip
    return exports.Table("disbursements", headers, rows)


def _rates_table(partnership: Partnership) -> exports.Table:
    rows = (
        (r.currency, r.date, r.rate, r.source)
        for r in ExchangeRate.objects.filter(partnership=partnership)
    )
    return exports.Table("exchange-rates", ("currency", "date", "rate", "source"), rows)


def _assessed_table(partnership: Partnership) -> exports.Table:
    rows = (
        (
            c.year, c.scale_percent, c.administrative_budget, c.expected_amount,
            c.stated_amount, c.invoiced, c.paid, c.currency, c.paying_ministry, c.citation,
        )
        for c in selectors.assessed_contributions(partnership=partnership)
    )  # fmt: skip
    headers = (
        "year", "scale percent", "administrative budget", "expected amount", "stated amount",
        "invoiced", "paid", "currency", "paying ministry", "source",
    )  # fmt: skip
    return exports.Table("assessed-contributions", headers, rows)


def _voluntary_table(partnership: Partnership) -> exports.Table:
    rows = (
        (
            v.project_code, v.title, v.region, v.country, v.donor_unit, v.year, v.amount,
            v.currency, v.get_source_table_display(), v.source_row,
        )
        for v in selectors.voluntary_contributions(partnership=partnership).order_by(
            "year", "project_code", "pk"
        )
    )  # fmt: skip
    headers = (
        "project code", "title", "region", "country", "donor unit", "year", "amount",
        "currency", "source table", "source row",
    )  # fmt: skip
    return exports.Table("voluntary-contributions", headers, rows)


def _reconciliation_table(partnership: Partnership) -> exports.Table:
    rows = (
        (
            f.subtotal.get_source_table_display(), f.subtotal.source_row,
            f.subtotal.get_level_display(), f.subtotal.name, f.subtotal.year or "all years",
            f.compared_with, f.stated, f.itemised, f.difference, f.count, f.kind_label,
        )
        for f in selectors.reconciliation(partnership=partnership).findings
    )  # fmt: skip
    headers = (
        "table", "row", "level", "name", "year", "compared with", "stated", "detail rows",
        "difference", "rows counted", "finding",
    )  # fmt: skip
    return exports.Table("reconciliation", headers, rows)


def _allocations_table(partnership: Partnership) -> exports.Table:
    rows = (
        (
            r.allocation.budget_line.year, r.allocation.budget_line.component,
            r.allocation.country, r.country_name, r.income_group, r.allocation.amount,
            r.allocation.currency, r.allocation.description, r.allocation.reported_in,
        )
        for r in selectors.allocations_with_countries(partnership=partnership)
    )  # fmt: skip
    headers = (
        "year", "component", "country", "country name", "income group", "amount", "currency",
        "purpose", "reported in",
    )  # fmt: skip
    return exports.Table("allocations", headers, rows)


def _staff_table(partnership: Partnership) -> exports.Table:
    register = selectors.staff_register(partnership=partnership)
    rows = (
        (
            p.get_kind_display(), p.name, p.position, p.grade, p.duty_station, p.start_date,
            p.end_date, p.budget_line.label if p.budget_line else "", p.cost,
        )
        for kind in register
        for p in register[kind]
    )  # fmt: skip
    headers = (
        "kind", "name", "position", "grade", "duty station", "start", "end", "budget line",
        "cost (DKK)",
    )  # fmt: skip
    return exports.Table("staff-positions", headers, rows)


EXPORTS = {
    "budget-lines": _budget_table,
    "disbursements": _disbursements_table,
    "exchange-rates": _rates_table,
    "assessed-contributions": _assessed_table,
    "voluntary-contributions": _voluntary_table,
    "reconciliation": _reconciliation_table,
    "allocations": _allocations_table,
    "staff-positions": _staff_table,
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def export(request: HttpRequest, slug: str, table: str, fmt: str) -> HttpResponse:
    partnership = partnership_access.partnerships.get(
        user=request.user, capability=Capability.DOWNLOAD, slug=slug
    )
    if table not in EXPORTS or fmt not in CONTENT_TYPES:
        raise Http404("No such export.")
    data = EXPORTS[table](partnership)
    content = exports.to_csv(data) if fmt == "csv" else exports.to_xlsx(data)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slug}-{table}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
