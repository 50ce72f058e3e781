"""API resources of the reviews (registered under /api/v1/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework import mixins
from rest_framework import permissions
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.access import Capability
from core.access import partnership_ids_with
from core.access import refused_everywhere
from core.api import operation_summaries
from core.serializers import ReasonSerializer
from core.serializers import reason_of
from core.viewsets import CreateThroughServiceMixin
from core.viewsets import ListReadViewSet
from core.viewsets import UpdateWithReasonMixin

from . import access
from . import serializers
from . import services
from .models import Dossier
from .models import DownloadLog
from .models import GoalAssessment
from .models import PriorityAreaAssessment
from .models import ReportVersion
from .models import Review
from .views import dossier_delivery
from .views import version_delivery


@operation_summaries(
    list="List reviews",
    retrieve="Read a review",
    create="Add a review (desk officers)",
    update="Replace a review's facts (desk officers)",
    partial_update="Change a review's facts (desk officers)",
)
class ReviewViewSet(CreateThroughServiceMixin, UpdateWithReasonMixin, ListReadViewSet):
    access = access.reviews
    write_capability = Capability.EDIT_REVIEWS
    serializer_class = serializers.ReviewSerializer
    create_serializer_class = serializers.ReviewCreateSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["due_date", "created_at"]
    ordering = ["partnership_id", "kind", "id"]

    create_service = staticmethod(services.review_create)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("sources")

    def save_update(self, review, *, changes, **kwargs):
        return services.review_update(review=review, changes=changes, **kwargs)

    def get_object_to_read(self):
        """The review, for an action that reads it (404 to non-members)."""
        return self.access.get(
            user=self.request.user, queryset=self.get_base_queryset(), pk=self.kwargs["pk"]
        )

    @extend_schema(
        summary="Confirm the review's due date (desk officers): the day compared with today",
        description="The source's words (due_description) stay as they are.",
        request=serializers.DueDateConfirmSerializer,
        responses={200: serializers.ReviewSerializer},
    )
    @action(detail=True, methods=["post"], url_path="confirm-due-date")
    def confirm_due_date(self, request, pk=None):
        review = self.get_object()
        payload = serializers.DueDateConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.review_due_date_confirm(
            review=review,
            by=request.user,
            due_date=payload.validated_data["due_date"],
            reason=payload.validated_data.get("reason", ""),
        )
        fresh = self.get_base_queryset().prefetch_related("sources").get(pk=review.pk)
        return Response(
            serializers.ReviewSerializer(fresh, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Render the review's report (desk officers): queues a new version",
        request=None,
        responses={202: serializers.RenderAcceptedSerializer},
    )
    @action(detail=True, methods=["post"])
    def render(self, request, pk=None):
        review = self.get_object()
        version = services.report_version_request(review=review, by=request.user)
        body = serializers.RenderAcceptedSerializer(
            {"id": version.pk, "number": version.number, "status": version.status}
        ).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Collect the review's dossier (desk officers and auditors): queues a ZIP of "
        "the issued report, the tables behind it, the change history and the download log",
        request=None,
        responses={202: serializers.DossierSerializer},
    )
    # Auditors, who write nothing else, collect dossiers: the capability is checked below.
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def dossier(self, request, pk=None):
        review = self.get_object_to_read()
        self.check_capability(review.partnership_id, Capability.VIEW_HISTORY)
        dossier = services.dossier_request(review=review, by=request.user)
        return dossier_accepted(dossier, self.get_serializer_context())


class _WithFileViewSet(ListReadViewSet):
    # A resource whose objects have a stored file (``download``): the file is answered
    # whatever Accept asks for (its own type included: no JSON renderer offers it), its
    # errors as JSON.

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    def deliver(self, delivery: Callable[..., Any], obj: Any, missing: str) -> Any:
        """The object's file as ``delivery`` sends it, logged as an API download; a 404
        that says ``missing`` while it has none."""
        try:
            return delivery(self.request, obj, channel=DownloadLog.Channel.API)
        except ValidationError:
            return Response({"detail": missing}, status=status.HTTP_404_NOT_FOUND)


@operation_summaries(
    list="List report versions (newest first)",
    retrieve="Read a report version: status, SHA-256, size, pages",
)
class ReportVersionViewSet(_WithFileViewSet):
    """Versions are made by rendering a review; an issued version never changes."""

    access = access.report_versions
    write_capability = Capability.EDIT_REVIEWS
    serializer_class = serializers.ReportVersionSerializer
    filterset_fields = ["review", "status", "sha256"]
    ordering_fields = ["number", "requested_at"]
    ordering = ["review_id", "-number"]

    @extend_schema(
        summary="Download the PDF of a rendered version (logged)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        version = self.get_object()
        self._check(version, Capability.DOWNLOAD)
        return self.deliver(version_delivery, version, _("This version has no file yet."))

    @extend_schema(
        summary="Issue the report from a rendered draft (desk officers): queues the final "
        "version, which says who issued it and when; it never changes after",
        description="Send the reason (kept with the change history). The answer is the new "
        "final version, queued: the review and the version are issued when its file is "
        "stored (`issued_at` set). The draft stays a draft.",
        request=ReasonSerializer,
        responses={202: serializers.ReportVersionSerializer},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        version = self.get_object()
        final = services.report_version_issue(
            version=version, by=request.user, reason=reason_of(request)
        )
        final = self.get_base_queryset().get(pk=final.pk)
        return Response(self.get_serializer(final).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Queue a failed version again (desk officers)",
        request=None,
        responses={202: serializers.ReportVersionSerializer},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        version = services.report_version_retry(version=self.get_object())
        return Response(self.get_serializer(version).data, status=status.HTTP_202_ACCEPTED)

    def _check(self, version: ReportVersion, capability: Capability) -> None:
        self.check_capability(version.review.partnership_id, capability)


class _AssessmentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ListReadViewSet):
    """Create once per review and subject; change later (the history keeps each change)."""

    write_capability = Capability.EDIT_REVIEWS
    subject: str
    model: type
    save_service: Callable[..., Any]  # creates or changes the review's assessment of a subject
    ordering_fields = ["updated_at", "rating"]

    def _save(self, review, subject, **data):
        return self.save_service(
            review=review, by=self.request.user, **{self.subject: subject}, **data
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        review, subject = data.pop("review"), data.pop(self.subject)
        self.check_write(review.partnership_id)
        if self.model.objects.filter(review=review, **{self.subject: subject}).exists():
            raise ValidationError(
                {self.subject: _("This review already assesses it: change that assessment.")}
            )
        serializer.instance = self._save(review, subject, **data)

    def perform_update(self, serializer):
        instance = serializer.instance
        data = {
            "rating": serializer.validated_data.get("rating", instance.rating),
            "narrative": serializer.validated_data.get("narrative", instance.narrative),
        }
        serializer.instance = self._save(instance.review, getattr(instance, self.subject), **data)


@operation_summaries(
    list="List the reviews' assessments of overall goals",
    retrieve="Read a goal assessment",
    create="Assess an overall goal in a review (desk officers)",
    update="Replace a goal assessment (desk officers)",
    partial_update="Change a goal assessment (desk officers)",
)
class GoalAssessmentViewSet(_AssessmentViewSet):
    access = access.goal_assessments
    subject = "goal"
    model = GoalAssessment
    serializer_class = serializers.GoalAssessmentSerializer
    update_serializer_class = serializers.GoalAssessmentUpdateSerializer
    save_service = staticmethod(services.goal_assessment_save)
    filterset_fields = ["review", "goal", "rating"]
    ordering = ["review_id", "goal__number"]


@operation_summaries(
    list="List the reviews' assessments of priority areas",
    retrieve="Read a priority area assessment",
    create="Assess a priority area in a review (desk officers)",
    update="Replace a priority area assessment (desk officers)",
    partial_update="Change a priority area assessment (desk officers)",
)
class PriorityAreaAssessmentViewSet(_AssessmentViewSet):
    access = access.priority_area_assessments
    subject = "priority_area"
    model = PriorityAreaAssessment
    serializer_class = serializers.PriorityAreaAssessmentSerializer
    update_serializer_class = serializers.PriorityAreaAssessmentUpdateSerializer
    save_service = staticmethod(services.priority_area_assessment_save)
    filterset_fields = ["review", "priority_area", "rating"]
    ordering = ["review_id", "priority_area__number"]


class _ItemViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ListReadViewSet,
):
    write_capability = Capability.EDIT_REVIEWS
    filterset_fields = ["review"]
    ordering_fields = ["number"]
    ordering = ["review_id", "number"]
    create_service: Callable[..., Any]  # the service that adds one to its review

    def perform_update(self, serializer):
        serializer.instance = services.review_item_update(
            item=serializer.instance, by=self.request.user, changes=serializer.validated_data
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_write(data["review"].partnership_id)
        serializer.instance = self.create_service(**data)

    def perform_destroy(self, instance):
        services.review_item_delete(item=instance)


@operation_summaries(
    list="List the reviews' findings",
    retrieve="Read a finding",
    create="Add a finding to a review (desk officers)",
    update="Replace a finding's text (desk officers)",
    partial_update="Change a finding's text (desk officers)",
    destroy="Delete a finding of a review not yet issued (desk officers)",
)
class FindingViewSet(_ItemViewSet):
    access = access.findings
    serializer_class = serializers.FindingSerializer
    update_serializer_class = serializers.FindingUpdateSerializer
    create_service = staticmethod(services.finding_create)


@operation_summaries(
    list="List the reviews' recommendations",
    retrieve="Read a recommendation",
    create="Add a recommendation to a review (desk officers)",
    update="Replace a recommendation (desk officers)",
    partial_update="Change a recommendation (desk officers)",
    destroy="Delete a recommendation of a review not yet issued",
)
class RecommendationViewSet(_ItemViewSet):
    access = access.recommendations
    serializer_class = serializers.RecommendationSerializer
    update_serializer_class = serializers.RecommendationUpdateSerializer
    create_service = staticmethod(services.recommendation_create)


def dossier_accepted(
    dossier: Dossier, context: dict, serializer: type = serializers.DossierSerializer
) -> Response:
    fresh = DossierViewSet.prefetched(Dossier.objects.filter(pk=dossier.pk)).get()
    body = serializer(fresh, context=context).data
    return Response(body, status=status.HTTP_202_ACCEPTED)


@operation_summaries(
    list="List dossiers, newest first (desk officers and auditors)",
    retrieve="Read a dossier: its status, SHA-256, size, and the report versions' statuses",
    create=extend_schema(
        summary="Collect a partnership's dossier for a year (desk officers and auditors)",
        description="Queues the build; the answer is the dossier, queued (202). A review's "
        "dossier is asked for with POST /reviews/{id}/dossier/.",
        request=serializers.DossierCreateSerializer,
        responses={202: serializers.DossierCreateSerializer},
    ),
)
class DossierViewSet(mixins.CreateModelMixin, _WithFileViewSet):
    """Dossiers hold the change history and the download log: reading them, asking for
    them and downloading them is for those who may read the history (VIEW_HISTORY)."""

    access = access.dossiers
    write_capability = Capability.VIEW_HISTORY
    serializer_class = serializers.DossierSerializer
    create_serializer_class = serializers.DossierCreateSerializer
    filterset_fields = ["review", "year", "status", "sha256"]
    ordering_fields = ["requested_at"]
    ordering = ["partnership_id", "-requested_at", "-id"]

    @staticmethod
    def prefetched(queryset):
        versions = ReportVersion.objects.select_related("issued_by").order_by("-number")
        return queryset.prefetch_related(
            Prefetch("review__versions", queryset=versions),
            Prefetch("partnership__reviews", queryset=Review.objects.order_by("pk")),
            Prefetch("partnership__reviews__versions", queryset=versions),
        )

    def get_base_queryset(self):
        # The partnerships whose history (and so dossiers) the user may read, a subquery.
        readable = partnership_ids_with(self.request.user, Capability.VIEW_HISTORY)
        queryset = super().get_base_queryset().filter(partnership_id__in=readable)
        return self.prefetched(queryset)

    def get_queryset(self):
        # Checked when the list is read (a cached list was read by someone who may).
        if self.action == "list" and refused_everywhere(self.request.user, Capability.VIEW_HISTORY):
            raise exceptions.PermissionDenied(_("Your role does not allow reading dossiers."))
        return super().get_queryset()

    def get_object(self):
        dossier = self.access.get(
            user=self.request.user,
            queryset=self.prefetched(self.access.visible(self.request.user)),
            pk=self.kwargs["pk"],
        )
        self.check_capability(dossier.partnership_id, Capability.VIEW_HISTORY)
        return dossier

    def create(self, request, *args, **kwargs):
        payload = serializers.DossierCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        partnership = payload.validated_data["partnership"]
        self.check_write(partnership.pk)
        dossier = services.dossier_request(
            partnership=partnership, year=payload.validated_data["year"], by=request.user
        )
        context = self.get_serializer_context()
        return dossier_accepted(dossier, context, serializers.DossierCreateSerializer)

    @extend_schema(
        summary="Download a built dossier's ZIP (logged)",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return self.deliver(dossier_delivery, self.get_object(), _("This dossier has no file yet."))


def register(router: BaseRouter) -> None:
    router.register("reviews", ReviewViewSet, basename="review")
    router.register("report-versions", ReportVersionViewSet, basename="report-version")
    router.register("goal-assessments", GoalAssessmentViewSet, basename="goal-assessment")
    router.register(
        "priority-area-assessments",
        PriorityAreaAssessmentViewSet,
        basename="priority-area-assessment",
    )
    router.register("findings", FindingViewSet, basename="finding")
    router.register("recommendations", RecommendationViewSet, basename="recommendation")
    router.register("dossiers", DossierViewSet, basename="dossier")
