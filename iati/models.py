"""What the application keeps of the organisation's own IATI data: each imported activity
file, the activities in it that Denmark funds, and their transactions with Denmark as the
provider.

What the ministry publishes is not stored: the activity and organisation files are built
from the partnership's funding records each time they are asked for (``iati/build.py``).
Money is ``Decimal`` with the currency the file states for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import PARAGRAPH, LimitedTextField
from partnership.models import Partnership


class TransactionType(models.TextChoices):
    """The IATI TransactionType codelist (``codelists/TransactionType.xml``, 2.03)."""

    INCOMING_FUNDS = "1", "Incoming funds"
    COMMITMENT = "2", "Outgoing commitment"
    DISBURSEMENT = "3", "Disbursement"
    EXPENDITURE = "4", "Expenditure"
    INTEREST_PAYMENT = "5", "Interest payment"
    LOAN_REPAYMENT = "6", "Loan repayment"
    REIMBURSEMENT = "7", "Reimbursement"
    PURCHASE_OF_EQUITY = "8", "Purchase of equity"
    SALE_OF_EQUITY = "9", "Sale of equity"
    CREDIT_GUARANTEE = "10", "Credit guarantee"
    INCOMING_COMMITMENT = "11", "Incoming commitment"
    OUTGOING_PLEDGE = "12", "Outgoing pledge"
    INCOMING_PLEDGE = "13", "Incoming pledge"


class IatiImport(models.Model):
    """One activity file the organisation published, as a desk officer imported it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="iati_imports"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("size (bytes)")
    iati_version = models.CharField("IATI version", max_length=10)
    generated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the publisher generated the file, as it says."
    )
    activities_read = models.PositiveIntegerField(default=0)
    activities_kept = models.PositiveIntegerField(
        default=0, help_text="Activities of the organisation with Denmark as a funder."
    )
    transactions_kept = models.PositiveIntegerField(
        default=0, help_text="Transactions with Denmark as the provider."
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "IATI import"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "sha256"], name="iati_import_once")
        ]
        indexes = [models.Index(fields=["-created_at", "-id"], name="iati_import_newest")]

    def __str__(self) -> str:
        return self.filename


class IatiActivity(models.Model):
    """An activity of the organisation's file that Denmark funds (a Danish provider of one
    of its transactions, or Denmark among its funding organisations).

    A later import of the same activity replaces it: ``replaced_by`` names that import, and
    only activities not replaced count (``current``)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="iati_activities"
    )
    source_import = models.ForeignKey(
        IatiImport, on_delete=models.PROTECT, related_name="activities"
    )
    iati_identifier = models.CharField("IATI identifier", max_length=200)
    title = models.CharField(max_length=500, blank=True)
    reporting_org = models.CharField("reporting organisation", max_length=100)
    default_currency = models.CharField(max_length=3, blank=True)
    activity_status = models.CharField(max_length=2, blank=True)
    last_updated = models.DateTimeField(null=True, blank=True)
    funded_by_denmark = models.BooleanField(
        default=False, help_text="Denmark is among the activity's funding organisations."
    )
    source_line = models.PositiveIntegerField(help_text="Line of the file.")
    replaced_by = models.ForeignKey(
        IatiImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_activities",
        help_text="A later import that holds this activity again.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "IATI activity"
        verbose_name_plural = "IATI activities"
        ordering = ["iati_identifier", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_import", "iati_identifier"], name="iati_activity_once_per_file"
            )
        ]
        indexes = [
            models.Index(
                fields=["partnership", "iati_identifier", "replaced_by"],
                name="iati_activity_current",
            )
        ]

    def __str__(self) -> str:
        return self.iati_identifier

    @property
    def current(self) -> bool:
        return self.replaced_by_id is None


class IatiTransaction(models.Model):
    """A transaction of an imported activity with a Danish provider, as the file states it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="iati_transactions"
    )
    activity = models.ForeignKey(
        IatiActivity, on_delete=models.CASCADE, related_name="transactions"
    )
    transaction_type = models.CharField(max_length=2, choices=TransactionType.choices)
    date = models.DateField(help_text="The transaction date.")
    value = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    value_date = models.DateField(help_text="The date of the exchange rate the value is at.")
    provider_org = models.CharField("provider organisation", max_length=100)
    provider_name = models.CharField(max_length=300, blank=True)
    receiver_org = models.CharField("receiver organisation", max_length=100, blank=True)
    reference = models.CharField(max_length=200, blank=True, help_text="The publisher's ref.")
    description = LimitedTextField(max_length=PARAGRAPH, blank=True)  # the importer cuts it
    source_line = models.PositiveIntegerField(help_text="Line of the file.")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "IATI transaction"
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["-date", "-id"], name="iati_transaction_newest"),
            models.Index(
                fields=["partnership", "transaction_type", "date"], name="iati_tx_by_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_transaction_type_display()} {self.currency} {self.value} on {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("iati:data", kwargs={"slug": self.partnership.slug})
