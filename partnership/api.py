"""API resources of the partnership record (registered under /api/v1/)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.routers import BaseRouter

from core.filters import FilterSet
from core.viewsets import (
    CachedListMixin,
    CreateThroughServiceMixin,
    PartnershipScopedViewSet,
    UpdateWithReasonMixin,
)

from . import access, serializers, services
from .history_api import HistoryViewSet
from .models import GoalStatus, OverallGoal


@extend_schema_view(
    list=extend_schema(summary="List the partnerships you belong to"),
    retrieve=extend_schema(summary="Read a partnership (the agreement)"),
    update=extend_schema(summary="Replace the agreement's facts (desk officers)"),
    partial_update=extend_schema(summary="Change the agreement's facts (desk officers)"),
)
class PartnershipViewSet(
    UpdateWithReasonMixin,
    CachedListMixin,
    mixins.RetrieveModelMixin,
    PartnershipScopedViewSet,
):
    access = access.partnerships
    serializer_class = serializers.PartnershipSerializer
    filterset_fields = ["status"]
    ordering_fields = ["start_date", "title"]
    ordering = ["-start_date", "title"]

    def save_update(self, partnership, **kwargs):
        return services.partnership_update(partnership=partnership, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="List priority areas"),
    retrieve=extend_schema(summary="Read a priority area"),
    update=extend_schema(summary="Replace a priority area's text (desk officers)"),
    partial_update=extend_schema(summary="Change a priority area's text (desk officers)"),
)
class PriorityAreaViewSet(
    UpdateWithReasonMixin,
    CachedListMixin,
    mixins.RetrieveModelMixin,
    PartnershipScopedViewSet,
):
    access = access.priority_areas
    serializer_class = serializers.PriorityAreaSerializer
    ordering_fields = ["number"]
    ordering = ["partnership_id", "number"]

    def save_update(self, priority_area, **kwargs):
        return services.priority_area_update(priority_area=priority_area, **kwargs)


class GoalFilter(FilterSet):
    current_status = django_filters.ChoiceFilter(choices=GoalStatus.choices)

    class Meta:
        model = OverallGoal
        fields = ["number", "priority_area"]


@extend_schema_view(
    list=extend_schema(summary="List overall goals with their current status"),
    retrieve=extend_schema(summary="Read an overall goal"),
    update=extend_schema(summary="Replace a goal's text and indicator (desk officers)"),
    partial_update=extend_schema(summary="Change a goal's text or indicator (desk officers)"),
)
class GoalViewSet(
    UpdateWithReasonMixin,
    CachedListMixin,
    mixins.RetrieveModelMixin,
    PartnershipScopedViewSet,
):
    access = access.goals
    serializer_class = serializers.GoalSerializer
    filterset_class = GoalFilter
    ordering_fields = ["number"]
    ordering = ["partnership_id", "number"]

    def get_base_queryset(self):
        return super().get_base_queryset().with_current_status()

    def save_update(self, goal, **kwargs):
        return services.goal_update(goal=goal, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="List goal updates (newest first)"),
    retrieve=extend_schema(summary="Read a goal update"),
    create=extend_schema(summary="Add an update to a goal's timeline (desk officers)"),
)
class GoalUpdateViewSet(
    CreateThroughServiceMixin,
    CachedListMixin,
    mixins.RetrieveModelMixin,
    PartnershipScopedViewSet,
):
    """Append-only: an update is never changed or deleted; a correction is a new update."""

    access = access.goal_updates
    serializer_class = serializers.GoalUpdateSerializer
    filterset_fields = {"goal": ["exact"], "status": ["exact"], "as_of": ["gte", "lte"]}
    ordering_fields = ["as_of", "created_at"]
    ordering = ["-as_of", "-created_at", "-id"]
    create_service = staticmethod(services.goal_update_create)


@extend_schema_view(
    list=extend_schema(summary="List risks"),
    retrieve=extend_schema(summary="Read a risk"),
    update=extend_schema(summary="Replace a risk's text (desk officers)"),
    partial_update=extend_schema(summary="Change a risk's text (desk officers)"),
)
class RiskViewSet(
    UpdateWithReasonMixin,
    CachedListMixin,
    mixins.RetrieveModelMixin,
    PartnershipScopedViewSet,
):
    access = access.risks
    serializer_class = serializers.RiskSerializer
    ordering_fields = ["number"]
    ordering = ["partnership_id", "number"]

    def save_update(self, risk, **kwargs):
        return services.risk_update(risk=risk, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="List risk assessments (newest first)"),
    retrieve=extend_schema(summary="Read a risk assessment"),
    create=extend_schema(summary="Assess a risk (desk officers)"),
)
class RiskAssessmentViewSet(
    CreateThroughServiceMixin,
    CachedListMixin,
    mixins.RetrieveModelMixin,
    PartnershipScopedViewSet,
):
    """Append-only: an assessment is never changed or deleted."""

    access = access.risk_assessments
    serializer_class = serializers.RiskAssessmentSerializer
    filterset_fields = {"risk": ["exact"], "as_of": ["gte", "lte"]}
    ordering_fields = ["as_of", "created_at"]
    ordering = ["-as_of", "-created_at", "-id"]
    create_service = staticmethod(services.risk_assessment_create)


@extend_schema_view(
    list=extend_schema(summary="List documents"),
    retrieve=extend_schema(summary="Read a document's record"),
    create=extend_schema(summary="Add a document: upload a file or give a link (desk officers)"),
    update=extend_schema(summary="Replace a document's description (desk officers)"),
    partial_update=extend_schema(summary="Change a document's description (desk officers)"),
)
class DocumentViewSet(
    UpdateWithReasonMixin,
    CreateThroughServiceMixin,
    CachedListMixin,
    mixins.RetrieveModelMixin,
    PartnershipScopedViewSet,
):
    access = access.documents
    serializer_class = serializers.DocumentSerializer
    create_serializer_class = serializers.DocumentCreateSerializer
    filterset_fields = ["kind", "year"]
    ordering_fields = ["year", "title", "created_at"]
    ordering = ["-year", "title"]
    create_service = staticmethod(services.document_create)

    def save_update(self, document, **kwargs):
        return services.document_update(document=document, **kwargs)


def register(router: BaseRouter) -> None:
    router.register("partnerships", PartnershipViewSet, basename="partnership")
    router.register("priority-areas", PriorityAreaViewSet, basename="priority-area")
    router.register("goals", GoalViewSet, basename="goal")
    router.register("goal-updates", GoalUpdateViewSet, basename="goal-update")
    router.register("risks", RiskViewSet, basename="risk")
    router.register("risk-assessments", RiskAssessmentViewSet, basename="risk-assessment")
    router.register("documents", DocumentViewSet, basename="document")
    router.register("history", HistoryViewSet, basename="history")
