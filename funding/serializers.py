from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import AmountField
from core.serializers import ReasonField
from core.serializers import VisiblePartnershipField
from core.serializers import VisibleRelatedField
from core.serializers import reason_field
from partnership import access as partnership_access
from partnership.assignees import AssigneeField
from partnership.models import Currency

from . import access
from . import dac
from .models import Allocation
from .models import AssessedContribution
from .models import BudgetLine
from .models import Disbursement
from .models import ExchangeRate
from .models import StaffPosition
from .models import VoluntaryContribution


@extend_schema_field({"type": "string", "description": "The partnership's slug."})
class PartnershipSlugField(VisiblePartnershipField):
    """A partnership the requesting user belongs to, by slug."""

    def __init__(self, **kwargs):
        super().__init__(object_access=partnership_access.partnerships, **kwargs)


class BudgetLineSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assignee = AssigneeField(
        read_only=True,
        help_text=_(
            "The desk officer responsible for the line until it is paid, by user name; "
            "null for nobody (set with …/assign/)."
        ),
    )
    disbursed = AmountField(
        read_only=True, help_text=_("Payments less refunds, in the line's currency (DKK).")
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
            "assignee",
            "disbursed",
            "citation",
        ]
        read_only_fields = fields


class BudgetLineAssignSerializer(serializers.Serializer):
    assignee = AssigneeField(
        required=True,
        help_text=_(
            "The desk officer responsible for the line until it is paid, by user name "
            "(an id is accepted too); null for nobody."
        ),
    )
    reason = ReasonField()


class BudgetYearCommitSerializer(serializers.Serializer):
    partnership = PartnershipSlugField(help_text=_("The partnership's slug."))
    year = serializers.IntegerField(min_value=1945, max_value=2100)
    finance_act_reference = serializers.CharField(
        max_length=200, help_text=_("The Finance Act under which Parliament approved the year.")
    )
    reason = reason_field()


class DisbursementSerializer(serializers.ModelSerializer):
    budget_line = VisibleRelatedField(object_access=access.budget_lines)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    rate_date = serializers.DateField(
        source="rate.date",
        read_only=True,
        allow_null=True,
        help_text=_("The date of the exchange rate used; null for DKK."),
    )
    rate_age_days = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Days between the rate's date and the value date; null for DKK."),
    )
    debited_dkk = AmountField(
        required=False,
        allow_null=True,
        help_text=_(
            "The DKK amount the ministry's accounts show was debited (USD or CHF "
            "payments); where given, it counts against the line."
        ),
    )
    debit_difference = AmountField(
        read_only=True,
        allow_null=True,
        help_text=_("DKK debited less the DKK equivalent; null where nothing was debited."),
    )
    accept_stale_rate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_(
            "Use the latest rate even when it is older than the setting "
            "EXCHANGE_RATE_MAX_AGE_DAYS allows before the value date; without it such a "
            "payment is refused (400 at this field) with the rate's date and age."
        ),
    )

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
            "rate_date",
            "rate_age_days",
            "amount_dkk",
            "debited_dkk",
            "debit_difference",
            "reference",
            "accept_stale_rate",
            "created_by",
            "created_at",
        ]
        read_only_fields = [
            "id", "exchange_rate", "rate_date", "rate_age_days", "amount_dkk",
            "debit_difference", "created_by", "created_at",
        ]  # fmt: skip


class ExchangeRateSerializer(serializers.ModelSerializer):
    partnership = PartnershipSlugField()
    payments = serializers.IntegerField(
        read_only=True,
        help_text=_(
            "Payments converted with this rate: it then keeps its currency, date and "
            "figure, and cannot be withdrawn."
        ),
    )

    class Meta:
        model = ExchangeRate
        fields = [
            "id", "partnership", "currency", "date", "rate", "source", "payments", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "payments", "created_at"]
        validators = []  # the service says a rate recorded already at the date


class _Correction(serializers.Serializer):
    """A correction: the partnership stays, the reason is required."""

    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reason = reason_field()


class ExchangeRateUpdateSerializer(_Correction, ExchangeRateSerializer):
    class Meta(ExchangeRateSerializer.Meta):
        fields = [*ExchangeRateSerializer.Meta.fields, "reason"]
        read_only_fields = [*ExchangeRateSerializer.Meta.read_only_fields, "partnership"]


class AssessedContributionSerializer(serializers.ModelSerializer):
    """Corrections of a year: what was invoiced and paid, and the scale and budget once
    known."""

    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    expected_amount = AmountField(
        read_only=True,
        allow_null=True,
        help_text=_("Administrative budget × scale; null where the budget is not stated."),
    )
    reason = ReasonField()

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
        read_only_fields = ["id", "year", "stated_amount", "currency", "citation"]


class AssessedContributionCreateSerializer(AssessedContributionSerializer):
    """A further year (the strategy states 2017 and 2018), entered by a desk officer."""

    partnership = PartnershipSlugField(help_text=_("The partnership's slug."))

    class Meta(AssessedContributionSerializer.Meta):
        read_only_fields = ["id", "stated_amount", "citation"]
        validators = []  # the service says a year recorded already at the year


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
    stated = AmountField()
    detail_sum = AmountField(source="itemised")
    difference = AmountField()
    currency = serializers.ChoiceField(
        choices=Currency.choices, source="subtotal.currency", help_text=_("Of the three amounts.")
    )
    detail_rows = serializers.IntegerField(source="count")
    kind = serializers.CharField()
    explanation = serializers.CharField()


# A country's name is taken too, to be answered with its code: any name fits.
COUNTRY_TEXT_MAX_LENGTH = 100


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[A-Z]{2}$",
        "maxLength": 2,
        "description": "The country's ISO 3166-1 alpha-2 code, e.g. NE for Niger.",
    }
)
class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-2 code the reference data knows; anything else is refused at
    the field, naming the problem (a name is answered with its code), never cut short."""

    def __init__(self, **kwargs: Any):
        super().__init__(max_length=COUNTRY_TEXT_MAX_LENGTH, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data).strip()
        code = text.upper()
        if len(code) == 2 and code.isascii() and code.isalpha():
            if dac.country_name(code):
                return code
            raise serializers.ValidationError(
                _("%(text)s is not an ISO 3166 alpha-2 country code.") % {"text": text}
            )
        meant = dac.lookup(text)
        if meant:
            raise serializers.ValidationError(
                _("Give the ISO 3166 alpha-2 code, not the name: %(option_label)s.")
                % {"option_label": dac.option_label(meant)}
            )
        raise serializers.ValidationError(
            _("“%(value)s” is not an ISO 3166 alpha-2 code: give two letters, e.g. NE for Niger.")
            % {"value": text[:60]}
        )


class AllocationSerializer(serializers.ModelSerializer):
    budget_line = VisibleRelatedField(object_access=access.budget_lines)
    country = CountryCodeField()
    country_name = serializers.SerializerMethodField(
        help_text=_("The country's name on the DAC list (else in ISO 3166).")
    )

    class Meta:
        model = Allocation
        fields = [
            "id",
            "budget_line",
            "country",
            "country_name",
            "amount",
            "currency",
            "description",
            "reported_in",
            "created_at",
        ]
        read_only_fields = ["id", "country_name", "currency", "created_at"]

    def get_country_name(self, allocation: Allocation) -> str:
        return dac.country_name(allocation.country) or allocation.country


class AllocationUpdateSerializer(AllocationSerializer):
    reason = reason_field()

    class Meta(AllocationSerializer.Meta):
        fields = [*AllocationSerializer.Meta.fields, "reason"]


class StaffPositionSerializer(serializers.ModelSerializer):
    partnership = PartnershipSlugField()
    budget_line = VisibleRelatedField(
        object_access=access.budget_lines, required=False, allow_null=True
    )
    currency = serializers.ChoiceField(
        choices=Currency.choices, read_only=True, help_text=_("Of the cost: always DKK.")
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


class StaffPositionUpdateSerializer(_Correction, StaffPositionSerializer):
    class Meta(StaffPositionSerializer.Meta):
        fields = [*StaffPositionSerializer.Meta.fields, "reason"]
        read_only_fields = [*StaffPositionSerializer.Meta.read_only_fields, "partnership"]
