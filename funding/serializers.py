from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnership import access as partnership_access
from partnership.models import Currency
from partnership.serializers import VisibleRelatedField

from . import access
from .models import (
    Allocation,
    AssessedContribution,
    BudgetLine,
    Disbursement,
    ExchangeRate,
    StaffPosition,
    VoluntaryContribution,
)
from .services import net_disbursed_dkk


class PartnershipSlugField(serializers.SlugRelatedField):
    """A partnership the requesting user belongs to, by slug."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return partnership_access.partnerships.visible(self.context["request"].user)


class BudgetLineSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    disbursed = serializers.SerializerMethodField(
        help_text="Payments less refunds, in the line's currency (DKK)."
    )

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "partnership",
            "year",
            "component",
            "amount",
            "currency",
            "status",
            "finance_act_reference",
            "disbursed",
            "citation",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_disbursed(self, line: BudgetLine) -> str:
        if hasattr(line, "paid"):  # annotated in lists
            return f"{line.paid - line.refunded:.2f}"
        return f"{net_disbursed_dkk(line):.2f}"


class BudgetLineCommitSerializer(serializers.Serializer):
    finance_act_reference = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class BudgetLineCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DisbursementSerializer(serializers.ModelSerializer):
    budget_line = VisibleRelatedField(object_access=access.budget_lines)
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "budget_line",
            "kind",
            "value_date",
            "amount",
            "currency",
            "exchange_rate",
            "amount_dkk",
            "reference",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "exchange_rate", "amount_dkk", "created_by", "created_at"]


class ExchangeRateSerializer(serializers.ModelSerializer):
    partnership = PartnershipSlugField()

    class Meta:
        model = ExchangeRate
        fields = ["id", "partnership", "currency", "date", "rate", "source", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators = []  # the service's full_clean checks uniqueness with a field message


class AssessedContributionSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    scale_percent = serializers.DecimalField(max_digits=7, decimal_places=4, read_only=True)
    expected_amount = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Administrative budget × scale; null where the budget is not stated.",
    )
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=100
    )

    class Meta:
        model = AssessedContribution
        fields = [
            "id",
            "partnership",
            "year",
            "scale_percent",
            "administrative_budget",
            "expected_amount",
            "stated_amount",
            "invoiced",
            "paid",
            "currency",
            "paying_ministry",
            "citation",
            "reason",
        ]
        read_only_fields = [
            "id",
            "year",
            "administrative_budget",
            "stated_amount",
            "currency",
            "paying_ministry",
            "citation",
        ]


class VoluntaryContributionSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    is_refund = serializers.BooleanField(read_only=True)

    class Meta:
        model = VoluntaryContribution
        fields = [
            "id",
            "partnership",
            "project_code",
            "title",
            "region",
            "country",
            "donor",
            "donor_unit",
            "year",
            "amount",
            "currency",
            "is_refund",
            "source_table",
            "source_row",
        ]
        read_only_fields = fields


class ReconciliationFindingSerializer(serializers.Serializer):
    partnership = serializers.CharField(source="subtotal.partnership.slug")
    source_table = serializers.CharField(source="subtotal.source_table")
    source_row = serializers.IntegerField(source="subtotal.source_row")
    level = serializers.CharField(source="subtotal.level")
    name = serializers.CharField(source="subtotal.name")
    year = serializers.IntegerField(source="subtotal.year", allow_null=True)
    compared_with = serializers.CharField()
    stated = serializers.DecimalField(max_digits=16, decimal_places=2)
    detail_sum = serializers.DecimalField(source="itemised", max_digits=16, decimal_places=2)
    difference = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.ChoiceField(
        choices=Currency.choices, source="subtotal.currency", help_text="Of the three amounts."
    )
    detail_rows = serializers.IntegerField(source="count")
    kind = serializers.CharField()
    explanation = serializers.CharField()


class AllocationSerializer(serializers.ModelSerializer):
    budget_line = VisibleRelatedField(object_access=access.budget_lines)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "budget_line",
            "country",
            "amount",
            "currency",
            "description",
            "reported_in",
            "created_at",
        ]
        read_only_fields = ["id", "currency", "created_at"]


class StaffPositionSerializer(serializers.ModelSerializer):
    partnership = PartnershipSlugField()
    budget_line = VisibleRelatedField(
        object_access=access.budget_lines, required=False, allow_null=True
    )
    currency = serializers.ChoiceField(
        choices=Currency.choices, read_only=True, help_text="Of the cost: always DKK."
    )

    class Meta:
        model = StaffPosition
        fields = [
            "id",
            "partnership",
            "kind",
            "name",
            "position",
            "grade",
            "duty_station",
            "start_date",
            "end_date",
            "budget_line",
            "cost",
            "currency",
        ]
        read_only_fields = ["id", "currency"]
        validators = []
