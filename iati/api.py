"""API resources of the IATI app (registered under /api/v1/).

A partnership's files, its reconciliation and the import of the organisation's file live
under the partnership, by slug: ``/api/v1/partnerships/<slug>/iati/…``, as the pages live
under ``/p/<slug>/iati/``. The imports and the transactions they kept are lists of their
own, filtered and paged like every other.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions
from rest_framework import serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.access import Capability
from core.api import operation_summaries
from core.filters import BooleanFilter
from core.filters import FilterSet
from core.filters import IntegerFilter
from core.filters import ModelChoiceFilter
from core.viewsets import SLUG_PARAMETER
from core.viewsets import ListReadViewSet
from core.viewsets import PartnershipBySlugViewSet
from partnership import access as partnership_access

from . import access
from . import publish
from . import selectors
from . import serializers as iati_serializers
from . import services
from .importer import VERSIONS
from .importer import size_message
from .models import IatiImport
from .models import IatiTransaction
from .models import TransactionType
from .uploads import limit_upload
from .views import xml_response

NOT_SERVED = inline_serializer("IatiFileNotServed", {"detail": serializers.CharField()})
XML = {
    (200, publish.CONTENT_TYPE): OpenApiResponse(
        OpenApiTypes.BINARY, description="The file, valid IATI 2.03."
    ),
    500: OpenApiResponse(
        NOT_SERVED, description="The file failed its check: it is not served (and is logged)."
    ),
}


class IatiImportFilter(FilterSet):
    iati_version = django_filters.ChoiceFilter(
        choices=[(v, v) for v in VERSIONS], label=_("The file's IATI version")
    )

    class Meta:
        model = IatiImport
        fields = ["sha256"]


class IatiTransactionFilter(FilterSet):
    # Bounded: a year the database's date range cannot hold is a 400, not a server error.
    year = IntegerFilter(
        field_name="date",
        lookup_expr="year",
        label=_("Year of the transaction"),
        min_value=1945,
        max_value=2100,
    )
    transaction_type = django_filters.ChoiceFilter(choices=TransactionType.choices)
    source_import = ModelChoiceFilter(
        field_name="activity__source_import", queryset=IatiImport.objects.all()
    )
    current = BooleanFilter(
        method="filter_current",
        label=_("Only activities as last imported (true) or only replaced ones (false)"),
    )

    class Meta:
        model = IatiTransaction
        fields = ["currency", "provider_org"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(activity__replaced_by__isnull=value)


class _ImportedViewSet(ListReadViewSet):
    # What the organisation's files brought in, read-only here; importing is a change to
    # the partnership's funding data (EDIT_FUNDING).
    write_capability = Capability.EDIT_FUNDING


@operation_summaries(
    list="List the imported IATI files of the organisation (newest first)",
    retrieve="Read an IATI import: what was read and what was kept",
)
class IatiImportViewSet(_ImportedViewSet):
    """Imports are made with ``POST /partnerships/{slug}/iati/imports/``."""

    access = access.imports
    serializer_class = iati_serializers.IatiImportSerializer
    filterset_class = IatiImportFilter
    ordering_fields = ["created_at", "filename"]
    ordering = ["-created_at", "-id"]


@operation_summaries(
    list="List the organisation's IATI transactions with Denmark as the provider",
    retrieve="Read an IATI transaction kept from an import",
)
class IatiTransactionViewSet(_ImportedViewSet):
    access = access.transactions
    serializer_class = iati_serializers.IatiTransactionSerializer
    filterset_class = IatiTransactionFilter
    ordering_fields = ["date", "value"]
    ordering = ["-date", "-id"]


class PartnershipIatiViewSet(PartnershipBySlugViewSet):
    """A partnership's IATI files, its reconciliation and the import, by the partnership's
    slug. The files are checked before they are served: one that is not valid IATI 2.03 is
    a 500 with what went wrong in ``detail`` (and in the log), never the file."""

    access = partnership_access.partnerships
    write_capability = Capability.EDIT_FUNDING

    def get_serializer_class(self):
        if self.action == "iati_import":
            return iati_serializers.IatiImportUploadSerializer
        return iati_serializers.ReconciliationSerializer

    def initialize_request(self, request, *args, **kwargs):
        # Before anything reads the body (the session's CSRF check reads the form).
        self.upload_limit = limit_upload(request) if request.method == "POST" else None
        return super().initialize_request(request, *args, **kwargs)

    def get_object(self):
        """The partnership by its slug, if the route's capability is the user's there
        (404 and 403 as ``core.api.exception_handler`` answers them)."""
        capability = Capability.VIEW if self.request.method == "GET" else self.write_capability
        return self.access.get(
            user=self.request.user, capability=capability, slug=self.kwargs["slug"]
        )

    def _file(self, make) -> HttpResponse | Response:
        try:
            file = make(self.get_object())
        except publish.InvalidFileError as error:
            return Response(
                {"detail": f"{error} It was not served; the problem has been logged."},
                status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            )
        return xml_response(file)

    @extend_schema(
        summary="The partnership's IATI 2.03 activity file (checked before it is served)",
        operation_id="v1_partnerships_iati_activities_xml",
        parameters=[SLUG_PARAMETER],
        responses=XML,
    )
    @action(detail=True, methods=["get"], url_path="iati/activities.xml", url_name="activities")
    def activities(self, request, slug=None, **kwargs):
        return self._file(publish.activity_file)

    @extend_schema(
        summary="The ministry's IATI 2.03 organisation file over the partnership's budget",
        operation_id="v1_partnerships_iati_organisation_xml",
        parameters=[SLUG_PARAMETER],
        responses=XML,
    )
    @action(detail=True, methods=["get"], url_path="iati/organisation.xml", url_name="organisation")
    def organisation(self, request, slug=None, **kwargs):
        return self._file(publish.organisation_file)

    @extend_schema(
        summary="Denmark's payments per year against the organisation's IATI data, with each "
        "difference, its size and likely cause",
        parameters=[SLUG_PARAMETER],
        responses=iati_serializers.ReconciliationSerializer,
    )
    @action(detail=True, methods=["get"], url_path="iati/reconciliation", url_name="reconciliation")
    def reconciliation(self, request, slug=None, **kwargs):
        result = selectors.reconciliation(partnership=self.get_object())
        return Response(iati_serializers.ReconciliationSerializer(result).data)

    @extend_schema(
        summary="Import an IATI activity file the organisation publishes (desk officers)",
        description="Send the file as `file` in a multipart form. All or nothing: a file "
        "that is not IATI, declares a document type, or is larger than the limit is a 400 "
        "at `file` and nothing is kept. The answer is the import: 201 when it is new, 200 "
        "(`already_imported`) when the same file was imported before.",
        parameters=[SLUG_PARAMETER],
        request={"multipart/form-data": iati_serializers.IatiImportUploadSerializer},
        responses={
            201: iati_serializers.IatiImportResultSerializer,
            200: iati_serializers.IatiImportResultSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="iati/imports", url_name="import")
    def iati_import(self, request, slug=None, **kwargs):
        partnership = self.get_object()
        data = request.data  # the body is read here, through the size limit
        if self.upload_limit is not None and self.upload_limit.refused:
            raise exceptions.ValidationError(
                {"file": [size_message(self.upload_limit.declared, self.upload_limit.limit)]}
            )
        payload = iati_serializers.IatiImportUploadSerializer(data=data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        try:
            result = services.iati_import_upload(
                partnership=partnership, upload=upload, by=request.user
            )
        except ValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from error
        record = access.imports.base().get(pk=result.record.pk)
        record.already_imported = result.already_imported
        body = iati_serializers.IatiImportResultSerializer(record).data
        return Response(
            body, status=status.HTTP_200_OK if result.already_imported else status.HTTP_201_CREATED
        )


def register(router: BaseRouter) -> None:
    router.register("partnerships", PartnershipIatiViewSet, basename="partnership-iati")
    router.register("iati-imports", IatiImportViewSet, basename="iati-import")
    router.register("iati-transactions", IatiTransactionViewSet, basename="iati-transaction")
