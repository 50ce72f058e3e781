from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import PARTNERSHIP_NOT_REACHED
from core.serializers import ReasonField
from core.serializers import UsernameField
from core.serializers import VisiblePartnershipField
from core.serializers import VisibleRelatedField
from partnership import access as partnership_access
from partnership.assignees import AssigneeField
from partnership.models import Partnership

from . import access
from .models import Dossier
from .models import Finding
from .models import GoalAssessment
from .models import PriorityAreaAssessment
from .models import Recommendation
from .models import ReportVersion
from .models import Review
from .services import FINDING_FIELDS
from .services import RECOMMENDATION_FIELDS


class ReviewSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sources = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "The day the review is due, compared with today; setting it confirms it "
            "(due_confirmed_by, due_confirmed_at)."
        ),
    )
    due_confirmed_by = UsernameField()
    overdue = serializers.SerializerMethodField(
        help_text=_("Past its due date (as of today) and not issued.")
    )
    fulfils_goal = VisibleRelatedField(
        object_access=partnership_access.goals,
        required=False,
        allow_null=True,
        help_text=_(
            "The overall goal that carrying out the review fulfils, if one. Issuing "
            "the review does not change the goal's status."
        ),
    )
    assignee = AssigneeField(
        help_text=_(
            "The desk officer who carries the review through and is reminded of it, by "
            "user name (an id is accepted too); null for nobody. A desk officer of the partnership."
        )
    )
    reason = ReasonField()

    class Meta:
        model = Review
        fields = [
            "id",
            "partnership",
            "kind",
            "title",
            "purpose",
            "period_start",
            "period_end",
            "due_date",
            "due_description",
            "due_confirmed_by",
            "due_confirmed_at",
            "overdue",
            "fulfils_goal",
            "assignee",
            "status",
            "sources",
            "citation",
            "created_at",
            "reason",
        ]
        read_only_fields = [
            "id",
            "kind",
            "status",
            "due_confirmed_at",
            "citation",
            "created_at",
        ]

    def get_overdue(self, review: Review) -> bool:
        return review.is_overdue(timezone.localdate())


class ReviewCreateSerializer(ReviewSerializer):
    partnership = VisiblePartnershipField(object_access=partnership_access.partnerships)
    sources = VisibleRelatedField(
        object_access=partnership_access.documents, many=True, required=False
    )

    class Meta(ReviewSerializer.Meta):
        fields = [f for f in ReviewSerializer.Meta.fields if f != "reason"]
        read_only_fields = ["id", "status", "due_confirmed_at", "citation", "created_at"]


class DueDateConfirmSerializer(serializers.Serializer):
    due_date = serializers.DateField(help_text=_("The day the review is due."))
    reason = ReasonField()


class RenderAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The new report version's id."))
    number = serializers.IntegerField()
    status = serializers.CharField()


class ReportVersionSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    issued_by = UsernameField()

    class Meta:
        model = ReportVersion
        fields = [
            "id",
            "review",
            "number",
            "status",
            "final",
            "sha256",
            "size",
            "pages",
            "data_sha256",
            "error",
            "attempts",
            "requested_by",
            "requested_at",
            "language",
            "finished_at",
            "issued_at",
            "issued_by",
            "issue_reason",
        ]
        read_only_fields = fields


# A review's assessment of a goal or a priority area (its subject): who wrote it and when
# are the service's to set, and a second assessment of one subject is refused by the view
# at the subject's field. (No docstring: the schema would show it as their description.)
class _AssessmentSerializer(serializers.ModelSerializer):
    review = VisibleRelatedField(object_access=access.reviews)
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        read_only_fields = ["id", "author", "updated_at"]
        validators = []

    @staticmethod
    def fields_of(subject: str) -> list[str]:
        return ["id", "review", subject, "rating", "narrative", "author", "updated_at"]


class GoalAssessmentSerializer(_AssessmentSerializer):
    goal = VisibleRelatedField(object_access=partnership_access.goals)

    class Meta(_AssessmentSerializer.Meta):
        model = GoalAssessment
        fields = _AssessmentSerializer.fields_of("goal")


class GoalAssessmentUpdateSerializer(GoalAssessmentSerializer):
    # The review and the subject stay: declared again, read-only, as Meta.read_only_fields
    # leaves a declared field writable.
    review = serializers.PrimaryKeyRelatedField(read_only=True)
    goal = serializers.PrimaryKeyRelatedField(read_only=True)


class PriorityAreaAssessmentSerializer(_AssessmentSerializer):
    priority_area = VisibleRelatedField(object_access=partnership_access.priority_areas)

    class Meta(_AssessmentSerializer.Meta):
        model = PriorityAreaAssessment
        fields = _AssessmentSerializer.fields_of("priority_area")


class PriorityAreaAssessmentUpdateSerializer(PriorityAreaAssessmentSerializer):
    review = serializers.PrimaryKeyRelatedField(read_only=True)
    priority_area = serializers.PrimaryKeyRelatedField(read_only=True)


class FindingSerializer(serializers.ModelSerializer):
    review = VisibleRelatedField(object_access=access.reviews)

    class Meta:
        model = Finding
        fields = ["id", "review", "number", *FINDING_FIELDS]
        read_only_fields = ["id", "number"]


class FindingUpdateSerializer(FindingSerializer):
    review = serializers.PrimaryKeyRelatedField(read_only=True)


class RecommendationSerializer(serializers.ModelSerializer):
    review = VisibleRelatedField(object_access=access.reviews)
    finding = VisibleRelatedField(object_access=access.findings, required=False, allow_null=True)

    class Meta:
        model = Recommendation
        fields = ["id", "review", "number", *RECOMMENDATION_FIELDS]
        read_only_fields = ["id", "number"]


class RecommendationUpdateSerializer(RecommendationSerializer):
    review = serializers.PrimaryKeyRelatedField(read_only=True)


class DossierReportVersionSerializer(serializers.ModelSerializer):
    issued_by = UsernameField()

    class Meta:
        model = ReportVersion
        fields = ["id", "number", "status", "final", "sha256", "issued_at", "issued_by"]
        read_only_fields = fields


class DossierSerializer(serializers.ModelSerializer):
    """A dossier, and the statuses of the report versions of what it is of: the review's,
    or, for a year, those of the partnership's reviews."""

    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    subject = serializers.CharField(read_only=True, help_text=_("What the dossier is of."))
    report_versions = serializers.SerializerMethodField(
        help_text=_(
            "The report versions of the review (or, for a year, of the partnership's "
            "reviews), newest first, with their statuses: the dossier holds the issued report."
        )
    )

    class Meta:
        model = Dossier
        fields = [
            "id",
            "partnership",
            "review",
            "year",
            "subject",
            "status",
            "sha256",
            "size",
            "file_count",
            "app_version",
            "error",
            "requested_by",
            "requested_at",
            "language",
            "finished_at",
            "report_versions",
        ]
        read_only_fields = fields

    @extend_schema_field(DossierReportVersionSerializer(many=True))
    def get_report_versions(self, dossier: Dossier) -> list[dict]:
        """From the prefetched versions (``api.DossierViewSet``): no query per dossier."""
        if dossier.review_id is not None:
            versions = list(dossier.review.versions.all())
        else:
            reviews = dossier.partnership.reviews.all()
            versions = [version for review in reviews for version in review.versions.all()]
        return DossierReportVersionSerializer(versions, many=True).data


class DossierCreateSerializer(DossierSerializer):
    """A partnership's dossier for a year (a review's is asked for on the review)."""

    partnership = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Partnership.objects.none(),
        error_messages={"does_not_exist": PARTNERSHIP_NOT_REACHED},
    )
    year = serializers.IntegerField(
        min_value=1945, max_value=2100, help_text=_("A year of the agreement.")
    )

    class Meta(DossierSerializer.Meta):
        read_only_fields = [
            f for f in DossierSerializer.Meta.fields if f not in ("partnership", "year")
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["partnership"].queryset = partnership_access.partnerships.visible(
                request.user
            )
