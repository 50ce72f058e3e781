from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.i18n import lazy_format
from core.serializers import AmountField
from core.serializers import ReasonField
from core.serializers import UsernameField
from core.serializers import VisiblePartnershipField
from core.serializers import VisibleRelatedField
from core.uploads import ALLOWED_DESCRIPTION

from . import access
from .models import Document
from .models import GoalStatus
from .models import GoalUpdate
from .models import Organisation
from .models import OverallGoal
from .models import Partnership
from .models import PriorityArea
from .models import Risk
from .models import RiskAssessment
from .services import DEFAULT_DONOR
from .services import DOCUMENT_FIELDS
from .services import GOAL_FIELDS
from .services import PARTNERSHIP_FIELDS
from .services import PRIORITY_AREA_FIELDS
from .services import RISK_FIELDS


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
    # The name a new partnership is given it under: "_date" names an ISO date in this API.
    strategy_issued = serializers.CharField(
        source="strategy_date",
        read_only=True,
        help_text=_("When the strategy is dated, in its words (December 2020)."),
    )
    reason = ReasonField()

    class Meta:
        model = Partnership
        fields = [
            "id",
            "slug",
            "organisation",
            *PARTNERSHIP_FIELDS,
            "strategy_title",
            "strategy_issued",
            "citation",
            "reason",
        ]
        # The strategy's title and date come with its file, as the pages show them.
        read_only_fields = ["id", "slug", "strategy_title", "strategy_issued", "citation"]


# A numbered record of the strategy (priority area, goal, risk): its number is given when
# it is added, its citation comes with the strategy file and it is retired through the
# retire action, so none of them is written here. (No docstring: the schema would show it
# as each record's description.)
class _StrategyRecordSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reason = ReasonField()

    class Meta:
        read_only_fields = ["id", "number", "citation", "retired_on"]

    @staticmethod
    def fields_with(*own: str) -> list[str]:
        """The record's fields: its ``own`` between those every strategy record has."""
        return ["id", "partnership", "number", *own, "citation", "retired_on", "reason"]


class PriorityAreaSerializer(_StrategyRecordSerializer):
    class Meta(_StrategyRecordSerializer.Meta):
        model = PriorityArea
        fields = _StrategyRecordSerializer.fields_with(*PRIORITY_AREA_FIELDS)


class GoalSerializer(_StrategyRecordSerializer):
    current_status = serializers.ChoiceField(
        choices=GoalStatus.choices,
        read_only=True,
        help_text=_("The status of the goal's latest update; not_started when it has none."),
    )

    class Meta(_StrategyRecordSerializer.Meta):
        model = OverallGoal
        fields = _StrategyRecordSerializer.fields_with(
            "current_status", *GOAL_FIELDS, "baseline_citation"
        )
        # Where the strategy states the baseline: it comes with the strategy file, as the
        # goal's citation does.
        read_only_fields = [*_StrategyRecordSerializer.Meta.read_only_fields, "baseline_citation"]


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


class RiskSerializer(_StrategyRecordSerializer):
    class Meta(_StrategyRecordSerializer.Meta):
        model = Risk
        fields = _StrategyRecordSerializer.fields_with(*RISK_FIELDS)


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
    partnership = VisiblePartnershipField(object_access=access.partnerships)
    url = OptionalURLField()
    file = serializers.FileField(
        required=False,
        write_only=True,
        help_text=lazy_format(
            _(
                "%(allowed_description)s, at most 25 MB; the name's extension must agree "
                "with the content."
            ),
            allowed_description=ALLOWED_DESCRIPTION,
        ),
    )

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "file"]
        read_only_fields = [f for f in DocumentSerializer.Meta.read_only_fields if f != "url"]


# The schema's maxLength, as a name's: the text-limit checks read it there.
ORGANISATION_NAME_MAX = Organisation._meta.get_field("name").max_length


@extend_schema_field({"type": "string", "maxLength": ORGANISATION_NAME_MAX})
class OrganisationField(serializers.Field):
    """An organisation already recorded, by its name or its acronym (where only one has
    it); read as its acronym."""

    default_error_messages = {
        "unknown": _(
            "No organisation named {value} is recorded: name a new one with "
            "new_organisation_name and new_organisation_acronym."
        ),
        "ambiguous": _("More than one organisation has the acronym {value}: give the name."),
        "invalid": _("Give the organisation's name or acronym."),
        "max_length": _("Ensure this field has no more than {max_length} characters."),
    }

    def to_internal_value(self, data) -> Organisation:
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        value = data.strip()
        if len(value) > ORGANISATION_NAME_MAX:
            self.fail("max_length", max_length=ORGANISATION_NAME_MAX)
        named = Organisation.objects.filter(name__iexact=value).first()
        if named is not None:
            return named
        matches = list(Organisation.objects.filter(acronym__iexact=value)[:2])
        if not matches:
            self.fail("unknown", value=value)
        if len(matches) > 1:
            self.fail("ambiguous", value=value)
        return matches[0]

    def to_representation(self, value: Organisation) -> str:
        return value.acronym


def strategy_issued_field(help_text: str) -> serializers.CharField:
    """The strategy's date in its words, as it is dated ("December 2020"): not a date the
    app compares."""
    return serializers.CharField(
        source="strategy_date", max_length=40, required=False, allow_blank=True, help_text=help_text
    )


def strategy_document_field(help_text: str) -> serializers.FileField:
    """The strategy document, uploaded with the partnership; ``help_text`` names the kinds
    of file allowed as ``%(allowed_description)s``."""
    return serializers.FileField(
        required=False,
        write_only=True,
        help_text=lazy_format(help_text, allowed_description=ALLOWED_DESCRIPTION),
    )


class PartnershipCreateSerializer(PartnershipSerializer):
    """A new partnership (portfolio administrators), with an organisation already recorded
    (``organisation``) or a new one (``new_organisation_name`` and ``_acronym``)."""

    organisation = OrganisationField(
        required=False, help_text=_("An organisation already recorded: its name or acronym.")
    )
    new_organisation_name = serializers.CharField(max_length=200, required=False, write_only=True)
    new_organisation_acronym = serializers.CharField(max_length=20, required=False, write_only=True)
    slug = serializers.SlugField(
        max_length=80,
        required=False,
        help_text=_("Made from the donor, the organisation's acronym and the years if absent."),
    )
    donor = serializers.CharField(max_length=200, required=False, default=DEFAULT_DONOR)
    annual_amount = AmountField(min_value=0)
    status = serializers.ChoiceField(
        choices=Partnership.Status.choices,
        default=Partnership.Status.DRAFT,
        help_text=_("A new partnership is a draft unless it is agreed already."),
    )
    strategy_issued = strategy_issued_field(
        _("When the strategy is dated, in its words (December 2020).")
    )
    strategy_document = strategy_document_field(
        _("The strategy: %(allowed_description)s, at most 25 MB (a multipart request).")
    )

    class Meta(PartnershipSerializer.Meta):
        fields = [
            "id",
            "slug",
            "organisation",
            "new_organisation_name",
            "new_organisation_acronym",
            *PARTNERSHIP_FIELDS,
            "strategy_title",
            "strategy_issued",
            "strategy_document",
            "citation",
        ]
        read_only_fields = ["id", "citation"]
        # The slug's uniqueness is the create service's to say, at the field.
        extra_kwargs = {"slug": {"validators": []}}

    def validate(self, attrs):
        named = attrs.get("new_organisation_name", "").strip()
        acronym = attrs.get("new_organisation_acronym", "").strip()
        if "organisation" in attrs:
            if named or acronym:
                raise serializers.ValidationError(
                    {
                        "organisation": _(
                            "Name an organisation already recorded or a new one, not both."
                        )
                    }
                )
        elif not named or not acronym:
            raise serializers.ValidationError(
                {
                    "organisation": _(
                        "Name an organisation already recorded, or give "
                        "new_organisation_name and new_organisation_acronym."
                    )
                }
            )
        return attrs


class _NewInPartnership(serializers.ModelSerializer):
    """A new record of a partnership the user sees, named by its slug (the write is checked
    in that partnership)."""

    partnership = VisiblePartnershipField(
        object_access=access.partnerships, help_text=_("The slug of the partnership it belongs to.")
    )


class PriorityAreaCreateSerializer(_NewInPartnership, PriorityAreaSerializer):
    """A new priority area of a draft or active partnership, numbered after the last."""


class GoalCreateSerializer(_NewInPartnership, GoalSerializer):
    """A new overall goal of a draft or active partnership, numbered after the last."""

    priority_area = VisibleRelatedField(
        object_access=access.priority_areas, required=False, allow_null=True
    )


class RiskCreateSerializer(_NewInPartnership, RiskSerializer):
    """A new risk of a draft or active partnership, numbered after the last."""
