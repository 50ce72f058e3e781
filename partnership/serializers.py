from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializers import (
    ReasonField,
    UsernameField,
    VisibleRelatedField,
    VisibleSlugRelatedField,
)
from core.uploads import ALLOWED_DESCRIPTION

from . import access
from .models import (
    Document,
    GoalStatus,
    GoalUpdate,
    OverallGoal,
    Partnership,
    PriorityArea,
    Risk,
    RiskAssessment,
)
from .services import (
    DOCUMENT_FIELDS,
    GOAL_FIELDS,
    PARTNERSHIP_FIELDS,
    PRIORITY_AREA_FIELDS,
    RISK_FIELDS,
)


class OptionalURLField(serializers.URLField):
    """A link that may be absent: ``null`` in the API, blank in the database."""

    def __init__(self, **kwargs):
        super().__init__(
            allow_null=True, allow_blank=True, required=False, max_length=500, **kwargs
        )

    def to_representation(self, value):
        return value or None

    def to_internal_value(self, data):
        return super().to_internal_value(data) if data else ""

    def validate_empty_values(self, data):
        if data is None:
            return (True, "")
        return super().validate_empty_values(data)


class PartnershipSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.acronym", read_only=True)
    reason = ReasonField()

    class Meta:
        model = Partnership
        fields = [
            "id",
            "slug",
            "organisation",
            *PARTNERSHIP_FIELDS,
            "strategy_title",
            "citation",
            "reason",
        ]
        read_only_fields = ["id", "slug", "strategy_title", "citation"]


class PriorityAreaSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reason = ReasonField()

    class Meta:
        model = PriorityArea
        fields = ["id", "partnership", "number", *PRIORITY_AREA_FIELDS, "citation", "reason"]
        read_only_fields = ["id", "number", "citation"]


class GoalSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    current_status = serializers.ChoiceField(
        choices=GoalStatus.choices,
        read_only=True,
        help_text=_("The status of the goal's latest update; not_started when it has none."),
    )
    reason = ReasonField()

    class Meta:
        model = OverallGoal
        fields = [
            "id",
            "partnership",
            "number",
            "current_status",
            *GOAL_FIELDS,
            "citation",
            "reason",
        ]
        read_only_fields = ["id", "number", "citation"]


class GoalUpdateSerializer(serializers.ModelSerializer):
    goal = VisibleRelatedField(object_access=access.goals)
    author = serializers.CharField(source="author.username", read_only=True)
    evidence_url = OptionalURLField()
    evidence = VisibleRelatedField(object_access=access.documents, many=True, required=False)

    class Meta:
        model = GoalUpdate
        fields = [
            "id",
            "goal",
            "as_of",
            "status",
            "narrative",
            "actual_value",
            "evidence",
            "evidence_url",
            "author",
            "created_at",
        ]
        read_only_fields = ["id", "author", "created_at"]


class RiskSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reason = ReasonField()

    class Meta:
        model = Risk
        fields = ["id", "partnership", "number", *RISK_FIELDS, "citation", "reason"]
        read_only_fields = ["id", "number", "citation"]


class RiskAssessmentSerializer(serializers.ModelSerializer):
    risk = VisibleRelatedField(object_access=access.risks)
    author = serializers.CharField(source="author.username", read_only=True)
    inherent_score = serializers.IntegerField(read_only=True)
    residual_score = serializers.IntegerField(read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "risk",
            "as_of",
            "likelihood",
            "impact",
            "residual_likelihood",
            "residual_impact",
            "inherent_score",
            "residual_score",
            "response",
            "author",
            "created_at",
        ]
        read_only_fields = ["id", "author", "created_at"]


class DocumentSerializer(serializers.ModelSerializer):
    """Read and update: the partnership and the stored file of a document do not change."""

    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = OptionalURLField(read_only=True)
    has_file = serializers.SerializerMethodField()
    uploaded_by = UsernameField()

    class Meta:
        model = Document
        fields = [
            "id",
            "partnership",
            *DOCUMENT_FIELDS,
            "url",
            "has_file",
            "original_filename",
            "citation",
            "uploaded_by",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "url",
            "original_filename",
            "citation",
            "uploaded_by",
            "created_at",
        ]

    def get_has_file(self, document: Document) -> bool:
        return bool(document.file)


class DocumentCreateSerializer(DocumentSerializer):
    partnership = VisibleSlugRelatedField(object_access=access.partnerships)
    url = OptionalURLField()
    file = serializers.FileField(
        required=False,
        write_only=True,
        help_text=_(
            "%(allowed_description)s, at most 25 MB; the name's extension must agree "
            "with the content."
        )
        % {"allowed_description": ALLOWED_DESCRIPTION},
    )

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "file"]
        read_only_fields = [f for f in DocumentSerializer.Meta.read_only_fields if f != "url"]
