"""API resources of a partnership's funding (registered under /api/v1/)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import django_filters
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.access import Capability
from core.api import operation_summaries
from core.filters import BooleanFilter
from core.filters import FilterSet
from core.filters import IntegerFilter
from core.serializers import ReasonSerializer
from core.serializers import reason_of
from core.viewsets import CreateThroughServiceMixin
from core.viewsets import ListReadViewSet
from core.viewsets import partnership_slug

from . import access
from . import selectors
from . import serializers
from . import services
from .models import Allocation
from .models import Component
from .models import VoluntaryContribution


class FundingViewSet(ListReadViewSet):
    # Every funding resource lists (cached) and reads its objects; its writes need the right
    # to edit the funding.
    write_capability = Capability.EDIT_FUNDING


@operation_summaries(
    list="List budget lines with what has been disbursed",
    retrieve="Read a budget line",
)
class BudgetLineViewSet(FundingViewSet):
    access = access.budget_lines
    serializer_class = serializers.BudgetLineSerializer
    filterset_fields = ["year", "component", "status"]
    ordering_fields = ["year", "component"]
    ordering = ["partnership_id", "year", "component"]

    def get_base_queryset(self):
        return super().get_base_queryset().with_disbursed()

    @extend_schema(
        summary="Commit every indicative line of a year under one Finance Act (desk officers)",
        description="One action for the year: each line of the year still indicative is "
        "committed under the Finance Act reference, all of them or none; the reason is kept "
        "with each line's change history. Answers the lines committed.",
        request=serializers.BudgetYearCommitSerializer,
        responses=serializers.BudgetLineSerializer(many=True),
        filters=False,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="commit-year",
        filterset_fields=None,
        pagination_class=None,
    )
    def commit_year(self, request):
        data = serializers.BudgetYearCommitSerializer(
            data=request.data, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        partnership = values.pop("partnership")
        self.check_write(partnership.pk)
        lines = services.budget_year_commit(partnership=partnership, by=request.user, **values)
        committed = self.get_base_queryset().filter(pk__in=[line.pk for line in lines])
        return Response(self.get_serializer(committed.order_by("component"), many=True).data)

    @extend_schema(
        summary="Name who is responsible for a line until it is paid (desk officers)",
        request=serializers.BudgetLineAssignSerializer,
        responses=serializers.BudgetLineSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        line = self.get_object()
        data = serializers.BudgetLineAssignSerializer(
            data=request.data, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        services.budget_line_assign(budget_line=line, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=line.pk)).data)

    @extend_schema(
        summary="Close a committed line, with the reason (desk officers)",
        request=ReasonSerializer,
        responses=serializers.BudgetLineSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        line = self.get_object()
        services.budget_line_close(budget_line=line, by=request.user, reason=reason_of(request))
        return Response(self.get_serializer(self.get_queryset().get(pk=line.pk)).data)


class CorrectionMixin(mixins.UpdateModelMixin):
    # An update corrects the object through its update service, which takes every field a
    # correction may change (``corrected_fields``: each as sent, else as it is) and the
    # reason; ``record_argument`` names the object in its services ("allocation":
    # allocation_update(allocation=…)). A comment, not a docstring: the schema would show it
    # on resources that have none.

    record_argument: str
    corrected_fields: Sequence[str]
    update_service: Callable[..., Any]

    def perform_update(self, serializer):
        instance, data = serializer.instance, serializer.validated_data
        serializer.instance = self.update_service(
            **{self.record_argument: instance},
            **{name: data.get(name, getattr(instance, name)) for name in self.corrected_fields},
            reason=data.get("reason", ""),
        )


class CorrectWithdrawMixin(CorrectionMixin):
    """PUT and PATCH correct an object, with a required ``reason`` (the resource's
    ``update_serializer_class``); ``POST …/withdraw/`` with ``{"reason": …}`` removes it
    (204), the change history keeping it and the reason."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    withdraw_service: Callable[..., Any]

    @extend_schema(
        summary="Withdraw, with the reason (desk officers)",
        request=ReasonSerializer,
        responses={204: None},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        obj = self.get_object()
        self.withdraw_service(**{self.record_argument: obj}, reason=reason_of(request))
        return Response(status=204)


class FundingRecordViewSet(CreateThroughServiceMixin, CorrectWithdrawMixin, FundingViewSet):
    # A funding record entered, corrected and withdrawn through its services (a rate, an
    # allocation, a staff position). A comment, not a docstring: the schema would show it
    # on resources that have none.
    pass


@operation_summaries(
    list="List payments and refunds",
    retrieve="Read a payment or refund",
    create="Record a payment or refund (desk officers); refused past the line's amount",
)
class DisbursementViewSet(CreateThroughServiceMixin, FundingViewSet):
    """Append-only: a mistaken payment is corrected by a refund."""

    access = access.disbursements
    serializer_class = serializers.DisbursementSerializer
    filterset_fields = {
        "budget_line": ["exact"],
        "kind": ["exact"],
        "currency": ["exact"],
        "value_date": ["gte", "lte"],
    }
    ordering_fields = ["value_date", "created_at"]
    ordering = ["-value_date", "-id"]
    create_service = staticmethod(services.disbursement_create)


@operation_summaries(
    list="List exchange rates to DKK",
    retrieve="Read an exchange rate",
    create="Enter an exchange rate with its source (desk officers)",
    update=(
        "Correct a rate, with the reason (desk officers); once payments used it, only its source"
    ),
    partial_update=(
        "Correct part of a rate, with the reason (desk officers); once payments used "
        "it, only its source"
    ),
    withdraw="Withdraw a rate, with the reason (desk officers); refused once payments used it",
)
class ExchangeRateViewSet(FundingRecordViewSet):
    access = access.exchange_rates
    serializer_class = serializers.ExchangeRateSerializer
    update_serializer_class = serializers.ExchangeRateUpdateSerializer
    filterset_fields = {"currency": ["exact"], "date": ["exact", "gte", "lte"]}
    ordering_fields = ["date", "currency"]
    ordering = ["currency", "-date"]
    create_service = staticmethod(services.exchange_rate_create)
    update_service = staticmethod(services.exchange_rate_update)
    withdraw_service = staticmethod(services.exchange_rate_withdraw)
    record_argument = "exchange_rate"
    corrected_fields = ("currency", "date", "rate", "source")

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(payments=Count("disbursements"))

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self.read_again(serializer)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self.read_again(serializer)

    def read_again(self, serializer) -> None:
        # With the count of payments the answer shows.
        serializer.instance = self.get_base_queryset().get(pk=serializer.instance.pk)


@operation_summaries(
    list="List assessed contributions with the computed expected amount",
    retrieve="Read an assessed contribution",
    create="Add a year of the assessed contribution (desk officers)",
    partial_update=(
        "Record what was invoiced and paid, or the year's scale and budget (desk officers)"
    ),
)
class AssessedContributionViewSet(CreateThroughServiceMixin, CorrectionMixin, FundingViewSet):
    access = access.assessed_contributions
    serializer_class = serializers.AssessedContributionSerializer
    create_serializer_class = serializers.AssessedContributionCreateSerializer
    filterset_fields = ["year"]
    ordering_fields = ["year"]
    ordering = ["partnership_id", "year"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_service = staticmethod(services.assessed_contribution_create)
    update_service = staticmethod(services.assessed_contribution_update)
    record_argument = "contribution"
    corrected_fields = services.ASSESSED_FIELDS


class VoluntaryContributionFilter(FilterSet):
    refunds = BooleanFilter(
        method="filter_refunds", label=_("Only refunds (true) or only contributions (false)")
    )

    class Meta:
        model = VoluntaryContribution
        fields = ["year", "region", "country", "donor_unit", "project_code", "source_table"]

    def filter_refunds(self, queryset, name, value):
        return queryset.filter(amount__lt=0) if value else queryset.filter(amount__gte=0)


@operation_summaries(
    list="List Annex IV voluntary contributions (USD; negative: refunds)",
    retrieve="Read a voluntary contribution",
)
class VoluntaryContributionViewSet(FundingViewSet):
    access = access.voluntary_contributions
    serializer_class = serializers.VoluntaryContributionSerializer
    filterset_class = VoluntaryContributionFilter
    ordering_fields = ["year", "amount", "project_code"]
    ordering = ["partnership_id", "year", "project_code", "id"]

    @extend_schema(
        summary="Each stated subtotal of the annex against the sum of its detail rows",
        responses=serializers.ReconciliationFindingSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def reconciliation(self, request):
        partnerships = self.access_partnerships()
        findings = []
        for partnership in partnerships:
            findings.extend(selectors.reconciliation(partnership=partnership).findings)
        return Response(serializers.ReconciliationFindingSerializer(findings, many=True).data)

    def access_partnerships(self):
        from partnership import access as partnership_access

        queryset = partnership_access.partnerships.visible(self.request.user).order_by("pk")
        slug = partnership_slug(self.request)
        return queryset.filter(slug=slug) if slug else queryset


class AllocationFilter(FilterSet):
    year = IntegerFilter(field_name="budget_line__year")
    component = django_filters.ChoiceFilter(
        field_name="budget_line__component", choices=Component.choices
    )

    class Meta:
        model = Allocation
        fields = ["budget_line", "country"]


@operation_summaries(
    list="List earmarked allocations per country",
    retrieve="Read an allocation",
    create="Record an allocation (desk officers); refused for a country not on the DAC list",
    update="Correct an allocation, with the reason (desk officers)",
    partial_update="Correct part of an allocation, with the reason (desk officers)",
    withdraw="Withdraw an allocation, with the reason (desk officers)",
)
class AllocationViewSet(FundingRecordViewSet):
    access = access.allocations
    serializer_class = serializers.AllocationSerializer
    update_serializer_class = serializers.AllocationUpdateSerializer
    filterset_class = AllocationFilter
    ordering_fields = ["amount", "country"]
    ordering = ["budget_line__year", "budget_line__component", "country", "id"]
    create_service = staticmethod(services.allocation_create)
    update_service = staticmethod(services.allocation_update)
    withdraw_service = staticmethod(services.allocation_withdraw)
    record_argument = "allocation"
    corrected_fields = services.ALLOCATION_FIELDS

    def perform_update(self, serializer):
        # A correction may move the allocation to another line: its partnership must allow it.
        line = serializer.validated_data.get("budget_line", serializer.instance.budget_line)
        self.check_write(line.partnership_id)
        super().perform_update(serializer)


@operation_summaries(
    list="List Danish nationals employed by the organisation",
    retrieve="Read a staff position",
    create="Register a position (desk officers)",
    update="Correct a position, with the reason (desk officers)",
    partial_update="Correct part of a position, with the reason (desk officers)",
    withdraw="Withdraw a position from the register, with the reason (desk officers)",
)
class StaffPositionViewSet(FundingRecordViewSet):
    access = access.staff_positions
    serializer_class = serializers.StaffPositionSerializer
    update_serializer_class = serializers.StaffPositionUpdateSerializer
    filterset_fields = ["kind", "duty_station"]
    ordering_fields = ["start_date", "kind"]
    ordering = ["kind", "start_date", "id"]
    create_service = staticmethod(services.staff_position_create)
    update_service = staticmethod(services.staff_position_update)
    withdraw_service = staticmethod(services.staff_position_withdraw)
    record_argument = "staff_position"
    corrected_fields = services.STAFF_FIELDS


def register(router: BaseRouter) -> None:
    router.register("budget-lines", BudgetLineViewSet, basename="budget-line")
    router.register("disbursements", DisbursementViewSet, basename="disbursement")
    router.register("exchange-rates", ExchangeRateViewSet, basename="exchange-rate")
    router.register(
        "assessed-contributions", AssessedContributionViewSet, basename="assessed-contribution"
    )
    router.register(
        "voluntary-contributions", VoluntaryContributionViewSet, basename="voluntary-contribution"
    )
    router.register("allocations", AllocationViewSet, basename="allocation")
    router.register("staff-positions", StaffPositionViewSet, basename="staff-position")
