from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.access import Role
from core.i18n import lazy_format
from core.serializers import AmountField
from partnership.models import Partnership
from partnership.serializers import strategy_document_field
from partnership.serializers import strategy_issued_field

from .strategy_file import MAX_BYTES


class RenewSerializer(serializers.Serializer):
    """The next period of a partnership; what is absent follows the old one."""

    start_date = serializers.DateField(help_text=_("After the old period's end."))
    end_date = serializers.DateField()
    title = serializers.CharField(
        max_length=300, required=False, help_text=_("Absent: the old title with the new years.")
    )
    slug = serializers.SlugField(
        max_length=80, required=False, help_text=_("Absent: the old slug with the new years.")
    )
    annual_amount = AmountField(
        min_value=0, required=False, help_text=_("Absent: the old partnership's.")
    )
    strategy_title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    strategy_issued = strategy_issued_field(
        _("When the new strategy is dated, in its words (December 2020).")
    )
    strategy_document = strategy_document_field(
        _("The new strategy: %(allowed_description)s, at most 25 MB (a multipart request).")
    )


class StrategyFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=lazy_format(
            _(
                "A strategy file (YAML, at most %(size)s kB), laid out as the one each "
                "partnership's dashboard offers for download (/p/{slug}/strategy.yaml)."
            ),
            size=MAX_BYTES // 1000,
        ),
    )

    def validate_file(self, upload):
        if upload.size is not None and upload.size > MAX_BYTES:
            raise serializers.ValidationError(
                _("The file is larger than %(size)s kB.") % {"size": MAX_BYTES // 1000}
            )
        return upload


class PortfolioYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    planned = serializers.DecimalField(max_digits=18, decimal_places=2)
    committed = serializers.DecimalField(max_digits=18, decimal_places=2)
    disbursed = serializers.DecimalField(max_digits=18, decimal_places=2)
    currency = serializers.SerializerMethodField()

    def get_currency(self, year) -> str:
        return "DKK"


class GoalCountsSerializer(serializers.Serializer):
    """How many of the partnership's goals (the retired left out) stand at each status."""

    not_started = serializers.IntegerField()
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    off_track = serializers.IntegerField()
    achieved = serializers.IntegerField()


class RiskBandsSerializer(serializers.Serializer):
    """How many of the partnership's risks have their latest residual rating (likelihood ×
    impact) high (15 or more), medium (8–14), low, or none yet."""

    high = serializers.IntegerField()
    medium = serializers.IntegerField()
    low = serializers.IntegerField()
    not_assessed = serializers.IntegerField()


class NextConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    date = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class NextReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    due_description = serializers.CharField()


class OverdueSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=_("The rule of what needs attention it breaks."))
    kind = serializers.CharField()
    object_id = serializers.IntegerField()
    title = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    url = serializers.CharField(help_text=_("The page where it is dealt with."))


class PortfolioPartnershipSerializer(serializers.Serializer):
    """A partnership of the portfolio and its figures."""

    id = serializers.IntegerField(source="partnership.pk")
    slug = serializers.CharField(source="partnership.slug")
    title = serializers.CharField(source="partnership.title")
    organisation = serializers.CharField(source="partnership.organisation.acronym")
    organisation_name = serializers.CharField(source="partnership.organisation.name")
    start_date = serializers.DateField(source="partnership.start_date")
    end_date = serializers.DateField(source="partnership.end_date")
    status = serializers.ChoiceField(
        source="partnership.status", choices=Partnership.Status.choices
    )
    role = serializers.ChoiceField(
        source="role.value",
        choices=Role.choices,
        allow_null=True,
        help_text=_("Your role in it; null for a portfolio administrator who holds none."),
    )
    annual_amount = AmountField(source="partnership.annual_amount")
    currency = serializers.CharField(source="partnership.currency")
    years = PortfolioYearSerializer(
        many=True, help_text=_("DKK planned, committed and disbursed, a row a year of the period.")
    )
    goals = serializers.SerializerMethodField()
    risks = RiskBandsSerializer(source="risk_bands")
    next_consultation = NextConsultationSerializer(allow_null=True)
    next_review = NextReviewSerializer(allow_null=True)
    overdue = OverdueSerializer(
        many=True, help_text=_("What is overdue, the most urgent five; overdue_count: how many.")
    )
    overdue_count = serializers.IntegerField(help_text=_("How many things are overdue."))

    @extend_schema_field(GoalCountsSerializer)
    def get_goals(self, figures) -> dict[str, int]:
        return {value: count for value, _, count in figures.goal_counts}
