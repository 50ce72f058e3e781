"""API resources of the partnership record (registered under /api/v1/)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework import permissions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.api import operation_summaries
from core.filters import RetiredFilter
from core.serializers import ReasonSerializer
from core.viewsets import CreateThroughServiceMixin
from core.viewsets import IsPortfolioAdmin
from core.viewsets import ListReadViewSet
from core.viewsets import RecordThroughServicesMixin
from core.viewsets import UpdateWithReasonMixin

from . import access
from . import serializers
from . import services
from .history_api import HistoryViewSet
from .models import GoalStatus
from .models import OverallGoal
from .models import PriorityArea
from .models import Risk


class StrategyRecordViewSet(RecordThroughServicesMixin, ListReadViewSet):
    """A priority area, goal or risk: created in a draft or active partnership through its
    create service, answered as it reads (with its annotations), and retired with a reason
    (``retire``, through ``retire_service``)."""

    # (The docstring is the API schema's description of these operations.) Listed by number.
    ordering_fields = ["number"]
    ordering = ["partnership_id", "number"]

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self.get_base_queryset().get(pk=serializer.instance.pk)


@operation_summaries(
    list="List the partnerships you belong to (all of them, for portfolio administrators)",
    retrieve="Read a partnership (the agreement)",
    create=extend_schema(
        summary="Create a partnership, with a new organisation or one recorded (portfolio "
        "administrators)",
        description="A draft unless `status` says otherwise. Send JSON, or a multipart form "
        "with the strategy's file as `strategy_document`. The organisation is one already "
        "recorded (`organisation`: its name or acronym) or a new one "
        "(`new_organisation_name` and `new_organisation_acronym`): both are saved, or neither.",
        request={
            "application/json": serializers.PartnershipCreateSerializer,
            "multipart/form-data": serializers.PartnershipCreateSerializer,
        },
        responses={201: serializers.PartnershipCreateSerializer},
    ),
    update="Replace the agreement's facts (desk officers)",
    partial_update="Change the agreement's facts (desk officers)",
)
class PartnershipViewSet(UpdateWithReasonMixin, mixins.CreateModelMixin, ListReadViewSet):
    access = access.partnerships
    serializer_class = serializers.PartnershipSerializer
    filterset_fields = ["status"]
    ordering_fields = ["start_date", "title"]
    ordering = ["-start_date", "title"]
    # Ids only: partnerships/import/ and partnerships/<slug>/… are other resources' routes.
    lookup_value_regex = "[0-9]+"

    def get_permissions(self):
        if self.action == "create":
            return [permissions.IsAuthenticated(), IsPortfolioAdmin()]
        return super().get_permissions()

    create_serializer_class = serializers.PartnershipCreateSerializer

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        organisation = data.pop("organisation", None)
        new_organisation = {
            "name": data.pop("new_organisation_name", ""),
            "acronym": data.pop("new_organisation_acronym", ""),
        }
        if organisation is not None:
            partnership = services.partnership_create(
                by=request.user, organisation=organisation, **data
            )
        else:
            partnership = services.partnership_create_with_organisation(
                by=request.user, new_organisation=new_organisation, **data
            )
        body = serializers.PartnershipCreateSerializer(
            self.access.base().get(pk=partnership.pk), context=self.get_serializer_context()
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    def save_update(self, partnership, **kwargs):
        return services.partnership_update(partnership=partnership, **kwargs)


@operation_summaries(
    list="List priority areas (the retired too: see retired_on)",
    retrieve="Read a priority area",
    create="Add a priority area to a draft or active partnership (desk officers)",
    update="Replace a priority area's text (desk officers)",
    partial_update="Change a priority area's text (desk officers)",
    retire=extend_schema(
        summary="Retire a priority area, with the reason (desk officers)",
        description="It leaves the dashboard and is offered no more for goals; its goals "
        "keep it, its history stays.",
        request=ReasonSerializer,
        responses=serializers.PriorityAreaSerializer,
    ),
)
class PriorityAreaViewSet(StrategyRecordViewSet):
    access = access.priority_areas
    serializer_class = serializers.PriorityAreaSerializer
    create_serializer_class = serializers.PriorityAreaCreateSerializer
    create_service = staticmethod(services.priority_area_create)
    update_service = staticmethod(services.priority_area_update)
    retire_service = staticmethod(services.priority_area_retire)
    record_argument = "priority_area"
    filterset_class = RetiredFilter.of(PriorityArea)


class GoalFilter(RetiredFilter):
    current_status = django_filters.ChoiceFilter(choices=GoalStatus.choices)

    class Meta:
        model = OverallGoal
        fields = ["number", "priority_area"]


@operation_summaries(
    list="List overall goals with their current status (the retired too: see retired_on)",
    retrieve="Read an overall goal",
    create=(
        "Add an overall goal, with its indicator, to a draft or active partnership (desk officers)"
    ),
    update="Replace a goal's text and indicator (desk officers)",
    partial_update="Change a goal's text or indicator (desk officers)",
    retire=extend_schema(
        summary="Retire an overall goal, with the reason (desk officers)",
        description="It leaves the goal tracker's totals and takes no further updates; its "
        "timeline and history stay.",
        request=ReasonSerializer,
        responses=serializers.GoalSerializer,
    ),
)
class GoalViewSet(StrategyRecordViewSet):
    access = access.goals
    serializer_class = serializers.GoalSerializer
    create_serializer_class = serializers.GoalCreateSerializer
    create_service = staticmethod(services.goal_create)
    update_service = staticmethod(services.goal_update)
    retire_service = staticmethod(services.goal_retire)
    record_argument = "goal"
    filterset_class = GoalFilter

    def get_base_queryset(self):
        return super().get_base_queryset().with_current_status()


@operation_summaries(
    list="List goal updates (newest first)",
    retrieve="Read a goal update",
    create="Add an update to a goal's timeline (desk officers)",
)
class GoalUpdateViewSet(CreateThroughServiceMixin, ListReadViewSet):
    """Append-only: an update is never changed or deleted; a correction is a new update."""

    access = access.goal_updates
    serializer_class = serializers.GoalUpdateSerializer
    filterset_fields = {"goal": ["exact"], "status": ["exact"], "as_of": ["gte", "lte"]}
    ordering_fields = ["as_of", "created_at"]
    ordering = ["-as_of", "-created_at", "-id"]
    create_service = staticmethod(services.goal_update_create)


@operation_summaries(
    list="List risks (the retired too: see retired_on)",
    retrieve="Read a risk",
    create="Add a risk to a draft or active partnership (desk officers)",
    update="Replace a risk's text (desk officers)",
    partial_update="Change a risk's text (desk officers)",
    retire=extend_schema(
        summary="Retire a risk, with the reason (desk officers)",
        description="It leaves the risk list and heat map and is assessed no more; its "
        "assessments and history stay.",
        request=ReasonSerializer,
        responses=serializers.RiskSerializer,
    ),
)
class RiskViewSet(StrategyRecordViewSet):
    access = access.risks
    serializer_class = serializers.RiskSerializer
    create_serializer_class = serializers.RiskCreateSerializer
    create_service = staticmethod(services.risk_create)
    update_service = staticmethod(services.risk_update)
    retire_service = staticmethod(services.risk_retire)
    record_argument = "risk"
    filterset_class = RetiredFilter.of(Risk)


@operation_summaries(
    list="List risk assessments (newest first)",
    retrieve="Read a risk assessment",
    create="Assess a risk (desk officers)",
)
class RiskAssessmentViewSet(CreateThroughServiceMixin, ListReadViewSet):
    """Append-only: an assessment is never changed or deleted."""

    access = access.risk_assessments
    serializer_class = serializers.RiskAssessmentSerializer
    filterset_fields = {"risk": ["exact"], "as_of": ["gte", "lte"]}
    ordering_fields = ["as_of", "created_at"]
    ordering = ["-as_of", "-created_at", "-id"]
    create_service = staticmethod(services.risk_assessment_create)


@operation_summaries(
    list="List documents",
    retrieve="Read a document's record",
    create="Add a document: upload a file or give a link (desk officers)",
    update="Replace a document's description (desk officers)",
    partial_update="Change a document's description (desk officers)",
)
class DocumentViewSet(UpdateWithReasonMixin, CreateThroughServiceMixin, ListReadViewSet):
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
