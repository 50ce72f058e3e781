"""API resources of a partnership's funding (registered under /api/v1/)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from config.api import BooleanFilter, FilterSet, IntegerFilter
from partnership.access import Capability
from partnership.api_base import CachedListMixin, PartnershipScopedViewSet, partnership_slug

from . import access, selectors, serializers, services
from .models import (
    Allocation,
    BudgetLine,
    Component,
    Disbursement,
    ExchangeRate,
    StaffPosition,
    VoluntaryContribution,
)


class FundingViewSet(PartnershipScopedViewSet):
    write_capability = Capability.EDIT_FUNDING


class BudgetLineFilter(FilterSet):
    class Meta:
        model = BudgetLine
        fields = ["year", "component", "status"]


@extend_schema_view(
    list=extend_schema(summary="List budget lines with what has been disbursed"),
    retrieve=extend_schema(summary="Read a budget line"),
)
class BudgetLineViewSet(CachedListMixin, mixins.RetrieveModelMixin, FundingViewSet):
    access = access.budget_lines
    serializer_class = serializers.BudgetLineSerializer
    filterset_class = BudgetLineFilter
    ordering_fields = ["year", "component"]
    ordering = ["partnership_id", "year", "component"]

    def get_queryset(self):
        return super().get_queryset().annotate(**selectors.disbursement_sums())

    @extend_schema(
        summary="Commit a line under a Finance Act (desk officers)",
        request=serializers.BudgetLineCommitSerializer,
        responses=serializers.BudgetLineSerializer,
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        line = self.get_object()
        data = serializers.BudgetLineCommitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.budget_line_commit(budget_line=line, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=line.pk)).data)

    @extend_schema(
        summary="Close a committed line (desk officers)",
        request=serializers.BudgetLineCloseSerializer,
        responses=serializers.BudgetLineSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        line = self.get_object()
        data = serializers.BudgetLineCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.budget_line_close(budget_line=line, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=line.pk)).data)


class DisbursementFilter(FilterSet):
    class Meta:
        model = Disbursement
        fields = {
            "budget_line": ["exact"],
            "kind": ["exact"],
            "currency": ["exact"],
            "value_date": ["gte", "lte"],
        }


@extend_schema_view(
    list=extend_schema(summary="List payments and refunds"),
    retrieve=extend_schema(summary="Read a payment or refund"),
    create=extend_schema(
        summary="Record a payment or refund (desk officers); refused past the line's amount"
    ),
)
class DisbursementViewSet(
    mixins.CreateModelMixin, CachedListMixin, mixins.RetrieveModelMixin, FundingViewSet
):
    """Append-only: a mistaken payment is corrected by a refund."""

    access = access.disbursements
    serializer_class = serializers.DisbursementSerializer
    filterset_class = DisbursementFilter
    ordering_fields = ["value_date", "created_at"]
    ordering = ["-value_date", "-id"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_write(data["budget_line"].partnership_id)
        serializer.instance = services.disbursement_create(created_by=self.request.user, **data)


class ExchangeRateFilter(FilterSet):
    class Meta:
        model = ExchangeRate
        fields = {"currency": ["exact"], "date": ["exact", "gte", "lte"]}


@extend_schema_view(
    list=extend_schema(summary="List exchange rates to DKK"),
    retrieve=extend_schema(summary="Read an exchange rate"),
    create=extend_schema(summary="Enter an exchange rate with its source (desk officers)"),
)
class ExchangeRateViewSet(
    mixins.CreateModelMixin, CachedListMixin, mixins.RetrieveModelMixin, FundingViewSet
):
    access = access.exchange_rates
    serializer_class = serializers.ExchangeRateSerializer
    filterset_class = ExchangeRateFilter
    ordering_fields = ["date", "currency"]
    ordering = ["currency", "-date"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_write(data["partnership"].pk)
        serializer.instance = services.exchange_rate_create(created_by=self.request.user, **data)


@extend_schema_view(
    list=extend_schema(summary="List assessed contributions with the computed expected amount"),
    retrieve=extend_schema(summary="Read an assessed contribution"),
    partial_update=extend_schema(summary="Record what was invoiced and paid (desk officers)"),
)
class AssessedContributionViewSet(
    CachedListMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, FundingViewSet
):
    access = access.assessed_contributions
    serializer_class = serializers.AssessedContributionSerializer
    filterset_fields = ["year"]
    ordering_fields = ["year"]
    ordering = ["partnership_id", "year"]
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        data = serializer.validated_data
        instance = serializer.instance
        serializer.instance = services.assessed_contribution_update(
            contribution=instance,
            invoiced=data.get("invoiced", instance.invoiced),
            paid=data.get("paid", instance.paid),
            reason=data.get("reason", ""),
        )


class VoluntaryContributionFilter(FilterSet):
    refunds = BooleanFilter(
        method="filter_refunds", label="Only refunds (true) or only contributions (false)"
    )

    class Meta:
        model = VoluntaryContribution
        fields = ["year", "region", "country", "donor_unit", "project_code", "source_table"]

    def filter_refunds(self, queryset, name, value):
        return queryset.filter(amount__lt=0) if value else queryset.filter(amount__gte=0)


@extend_schema_view(
    list=extend_schema(summary="List Annex IV voluntary contributions (USD; negative: refunds)"),
    retrieve=extend_schema(summary="Read a voluntary contribution"),
)
class VoluntaryContributionViewSet(CachedListMixin, mixins.RetrieveModelMixin, FundingViewSet):
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


@extend_schema_view(
    list=extend_schema(summary="List earmarked allocations per country"),
    retrieve=extend_schema(summary="Read an allocation"),
    create=extend_schema(
        summary="Record an allocation (desk officers); refused for a country not on the DAC list"
    ),
)
class AllocationViewSet(
    mixins.CreateModelMixin, CachedListMixin, mixins.RetrieveModelMixin, FundingViewSet
):
    access = access.allocations
    serializer_class = serializers.AllocationSerializer
    filterset_class = AllocationFilter
    ordering_fields = ["amount", "country"]
    ordering = ["budget_line__year", "budget_line__component", "country", "id"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_write(data["budget_line"].partnership_id)
        serializer.instance = services.allocation_create(created_by=self.request.user, **data)


class StaffPositionFilter(FilterSet):
    class Meta:
        model = StaffPosition
        fields = ["kind", "duty_station"]


@extend_schema_view(
    list=extend_schema(summary="List Danish nationals employed by the organisation"),
    retrieve=extend_schema(summary="Read a staff position"),
    create=extend_schema(summary="Register a position (desk officers)"),
)
class StaffPositionViewSet(
    mixins.CreateModelMixin, CachedListMixin, mixins.RetrieveModelMixin, FundingViewSet
):
    access = access.staff_positions
    serializer_class = serializers.StaffPositionSerializer
    filterset_class = StaffPositionFilter
    ordering_fields = ["start_date", "kind"]
    ordering = ["kind", "start_date", "id"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        partnership = data.pop("partnership")
        self.check_write(partnership.pk)
        serializer.instance = services.staff_position_create(partnership=partnership, **data)


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
