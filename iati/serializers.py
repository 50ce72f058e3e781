from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import IatiImport
from .models import IatiTransaction
from .selectors import Kind

MONEY = {"max_digits": 18, "decimal_places": 2}


class IatiImportSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    imported_by = serializers.CharField(
        source="imported_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = IatiImport
        fields = [
            "id",
            "partnership",
            "filename",
            "sha256",
            "size",
            "iati_version",
            "generated_at",
            "activities_read",
            "activities_kept",
            "transactions_kept",
            "imported_by",
            "created_at",
        ]
        read_only_fields = fields


class IatiImportResultSerializer(IatiImportSerializer):
    already_imported = serializers.BooleanField(
        read_only=True, help_text=_("The same file was imported before: nothing was added.")
    )

    class Meta(IatiImportSerializer.Meta):
        fields = [*IatiImportSerializer.Meta.fields, "already_imported"]
        read_only_fields = fields


class IatiImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_(
            "The IATI activity file (XML, IATI 2.01–2.03) the organisation publishes; "
            "at most IATI_IMPORT_MAX_MB (25 MB by default)."
        )
    )


class IatiTransactionSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    activity = serializers.CharField(
        source="activity.iati_identifier",
        read_only=True,
        help_text=_("The activity's IATI identifier."),
    )
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    current = serializers.BooleanField(
        source="activity.current",
        read_only=True,
        help_text=_("False where a later import holds the activity again."),
    )
    source_import = serializers.IntegerField(
        source="activity.source_import_id", read_only=True, help_text=_("The import it came from.")
    )

    class Meta:
        model = IatiTransaction
        fields = [
            "id",
            "partnership",
            "activity",
            "activity_title",
            "current",
            "source_import",
            "transaction_type",
            "date",
            "value",
            "currency",
            "value_date",
            "provider_org",
            "provider_name",
            "receiver_org",
            "reference",
            "description",
            "source_line",
        ]
        read_only_fields = fields


class SideSerializer(serializers.Serializer):
    """A payment of Denmark's, or a receipt the organisation reports."""

    date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY, help_text=_("Negative: a refund."))
    currency = serializers.CharField()
    amount_dkk = serializers.DecimalField(
        **MONEY, allow_null=True, help_text=_("At the rate of its day; null: no rate recorded.")
    )
    rate = serializers.DecimalField(
        max_digits=14, decimal_places=6, allow_null=True, help_text=_("DKK per unit of currency.")
    )
    rate_date = serializers.DateField(allow_null=True)
    rate_source = serializers.CharField(help_text=_("Who published the rate."))
    reference = serializers.CharField()
    where = serializers.CharField(help_text=_("The payment, or the activity and line of the file."))


class DifferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=list(Kind.LABELS.items()), help_text=_("Its likely cause.")
    )
    label = serializers.CharField()
    years = serializers.ListField(child=serializers.IntegerField())
    difference = serializers.DecimalField(
        source="size",
        **MONEY,
        allow_null=True,
        help_text=_(
            "In DKK, received less disbursed (timing: the amount that moved between "
            "years); null where a rate is missing."
        ),
    )
    currency = serializers.SerializerMethodField()
    denmark = SideSerializer(allow_null=True)
    organisation = SideSerializer(allow_null=True)
    explanation = serializers.CharField()

    def get_currency(self, difference) -> str:
        return "DKK"


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    currency = serializers.SerializerMethodField(help_text=_("Of the amounts: DKK."))
    disbursed = serializers.DecimalField(**MONEY, help_text=_("Payments less refunds, as booked."))
    received = serializers.DecimalField(
        **MONEY, help_text=_("Incoming funds from Denmark per IATI, at the rates of their days.")
    )
    difference = serializers.DecimalField(**MONEY, help_text=_("Received less disbursed."))
    explained = serializers.DecimalField(**MONEY)
    unexplained = serializers.DecimalField(**MONEY)
    complete = serializers.BooleanField(help_text=_("False: a receipt has no rate to convert it."))
    payments = serializers.IntegerField()
    receipts = serializers.IntegerField()

    def get_currency(self, row) -> str:
        return "DKK"


class ReconciliationSerializer(serializers.Serializer):
    partnership = serializers.CharField(source="partnership.slug")
    currency = serializers.CharField()
    latest_import = IatiImportSerializer(allow_null=True)
    window_days = serializers.IntegerField(
        help_text=_("Most days between a payment and its receipt.")
    )
    tolerance = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text=_("Largest share two amounts may differ by.")
    )
    matched = serializers.SerializerMethodField()
    years = YearSerializer(many=True)
    findings = DifferenceSerializer(
        many=True, source="differences", help_text=_("Each difference with its likely cause.")
    )

    def get_matched(self, result) -> int:
        return len(result.matched)
