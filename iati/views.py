"""Pages of a partnership's IATI data: what the ministry publishes, the organisation's file
imported, and the two reconciled. Views fetch through the access helpers and write through
``services``; the files come checked from ``publish``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from core import caching
from core.access import Capability
from core.views import form_status
from core.views import import_message
from core.views import paged
from core.views import partnership_context
from core.views import submit
from partnership import access as partnership_access
from partnership.models import Partnership

from . import codelists
from . import publish
from . import selectors
from . import services
from .build import activity_identifier
from .forms import IatiImportForm
from .importer import size_message
from .models import FileCheck
from .uploads import LimitedUploadHandler
from .uploads import limit_upload

TRANSACTIONS_PER_PAGE = 100
YEARS_PER_PAGE = 3


def _partnership(request: HttpRequest, slug: str, capability=Capability.VIEW) -> Partnership:
    return partnership_access.partnerships.get(user=request.user, capability=capability, slug=slug)


def xml_response(file: publish.File) -> HttpResponse:
    response = HttpResponse(file.content, content_type=publish.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{file.filename}"'
    return response


def _invalid(request: HttpRequest, error: publish.InvalidFileError, **context) -> HttpResponse:
    """The file failed its check (logged by ``publish``): say so, serve nothing."""
    return render(request, "iati/invalid.html", {"error": error, **context}, status=500)


def _file(request: HttpRequest, slug: str, make) -> HttpResponse:
    partnership = _partnership(request, slug)
    try:
        file = make(partnership)
    except publish.InvalidFileError as error:
        return _invalid(request, error, **partnership_context(request, partnership))
    else:
        return xml_response(file)


@require_GET
def activities_xml(request: HttpRequest, slug: str) -> HttpResponse:
    return _file(request, slug, publish.activity_file)


@require_GET
def organisation_xml(request: HttpRequest, slug: str) -> HttpResponse:
    return _file(request, slug, publish.organisation_file)


def _portfolio(request: HttpRequest, make) -> HttpResponse:
    partnerships = list(partnership_access.partnerships.visible(request.user).order_by("pk"))
    if not partnerships:
        raise Http404("You hold a role in no partnership.")
    try:
        file = make(partnerships)
    except publish.InvalidFileError as error:
        return _invalid(request, error)
    else:
        return xml_response(file)


@require_GET
def portfolio_activities_xml(request: HttpRequest) -> HttpResponse:
    """Every partnership the user holds a role in, in one activity file."""
    return _portfolio(request, publish.portfolio_activity_file)


@require_GET
def portfolio_organisation_xml(request: HttpRequest) -> HttpResponse:
    return _portfolio(request, publish.portfolio_organisation_file)


FILES = (
    (FileCheck.Kind.ACTIVITY, publish.activity_file, "iati:activities"),
    (FileCheck.Kind.ORGANISATION, publish.organisation_file, "iati:organisation"),
)


@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """The files as last checked (each build of a file records its check): building both
    here on every visit would read every payment and allocation of the agreement."""
    partnership = _partnership(request, slug)
    checks = selectors.file_checks(partnership=partnership)
    version = caching.data_version()
    files = []
    for kind, _make, url_name in FILES:
        check = checks.get(kind)
        current = check is not None and check.data_version == version
        name = publish.filename(kind, partnership)
        files.append((kind.label, url_name, name, check, current))
    context = partnership_context(
        request,
        partnership,
        files=files,
        unchecked=not all(current for *_, current in files),
        identifier=activity_identifier(partnership),
        reporting_org=settings.IATI_REPORTING_ORG,
        reporting_org_name=settings.IATI_REPORTING_ORG_NAME,
        codelist_version=codelists.version(),
        links=selectors.links_out(partnership=partnership),
        imports=list(selectors.imports(partnership=partnership)[:10]),
        danish=sorted(services.danish_providers()),
    )
    return render(request, "iati/overview.html", context)


@require_POST
def check_files(request: HttpRequest, slug: str) -> HttpResponse:
    """Build and check both files now (as serving them does), for the page to show."""
    partnership = _partnership(request, slug)
    invalid = 0
    for _kind, make, _url_name in FILES:
        try:
            make(partnership)
        except publish.InvalidFileError:
            invalid += 1
    if invalid:
        messages.error(request, _("Checked the files: not every file is valid IATI 2.03."))
    else:
        messages.success(request, _("Checked the files: both are valid IATI 2.03."))
    return redirect("iati:overview", slug=slug)


@csrf_exempt  # checked below, once the upload's size limit is in place
@require_http_methods(["GET", "POST"])
@caching.cached_page
def import_file(request: HttpRequest, slug: str) -> HttpResponse:
    handler = limit_upload(request) if request.method == "POST" else None
    return _import_file(request, slug, handler)


@csrf_protect
def _import_file(
    request: HttpRequest, slug: str, handler: LimitedUploadHandler | None
) -> HttpResponse:
    partnership = _partnership(request, slug, Capability.EDIT_FUNDING)
    posted = request.method == "POST"
    form = IatiImportForm(request.POST if posted else None, request.FILES if posted else None)
    if handler is not None and handler.refused:
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", size_message(handler.declared, handler.limit))
    elif done := submit(
        form,
        services.iati_import_upload,
        data=form.service_data,
        partnership=partnership,
        by=request.user,
    ):
        result = done.value
        record = result.record
        import_message(
            request,
            result,
            added=_(
                "Imported %(filename)s: %(activities_kept)s of its %(activities_read)s "
                "activities name Denmark as a funder, with %(transactions_kept)s "
                "transaction(s) from Denmark."
            )
            % {
                "filename": record.filename,
                "activities_kept": record.activities_kept,
                "activities_read": record.activities_read,
                "transactions_kept": record.transactions_kept,
            },
        )
        return redirect("iati:reconciliation", slug=slug)
    context = partnership_context(request, partnership, form=form)
    return render(request, "iati/import.html", context, status=form_status(form))


@require_GET
@caching.cached_page
def reconciliation(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    years = selectors.reconciled_years(partnership=partnership)
    # A page of years; the one with this year if the records reach it, else the latest.
    today = timezone.localdate().year
    default = (
        (today - years[0]) // YEARS_PER_PAGE + 1
        if today in years
        else max(1, -(-len(years) // YEARS_PER_PAGE))
    )
    page, query = paged(request, years, YEARS_PER_PAGE, default=default)
    shown = range(page.object_list[0], page.object_list[-1] + 1) if years else range(0)
    result = selectors.reconciliation(partnership=partnership, years=shown)
    context = partnership_context(request, partnership, result=result, page=page, query=query)
    return render(request, "iati/reconciliation.html", context)


@require_GET
@caching.cached_page
def data(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's transactions with Denmark as the provider, as last imported."""
    partnership = _partnership(request, slug)
    paginator = Paginator(
        selectors.current_transactions(partnership=partnership), TRANSACTIONS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    context = partnership_context(
        request, partnership, page=page, latest=selectors.latest_import(partnership=partnership)
    )
    return render(request, "iati/data.html", context)
