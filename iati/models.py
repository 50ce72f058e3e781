"""What the application keeps of the organisation's own IATI data: each imported activity
file, the activities in it that Denmark funds, and their transactions with Denmark as the
provider.

What the ministry publishes is not stored: the activity and organisation files are built
from the partnership's funding records each time they are asked for (``iati/build.py``).
Money is ``Decimal`` with the currency the file states for it.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.formatting import money
from core.models import PARAGRAPH
from core.models import LimitedTextField
from core.models import kept
from core.models import part_of
from core.models import person_field
from partnership.models import Partnership


class TransactionType(models.TextChoices):
    """The IATI TransactionType codelist (``codelists/TransactionType.xml``, 2.03)."""

    INCOMING_FUNDS = "1", _("Incoming funds")
    COMMITMENT = "2", _("Outgoing commitment")
    DISBURSEMENT = "3", _("Disbursement")
    EXPENDITURE = "4", _("Expenditure")
    INTEREST_PAYMENT = "5", _("Interest payment")
    LOAN_REPAYMENT = "6", _("Loan repayment")
    REIMBURSEMENT = "7", _("Reimbursement")
    PURCHASE_OF_EQUITY = "8", _("Purchase of equity")
    SALE_OF_EQUITY = "9", _("Sale of equity")
    CREDIT_GUARANTEE = "10", _("Credit guarantee")
    INCOMING_COMMITMENT = "11", _("Incoming commitment")
    OUTGOING_PLEDGE = "12", _("Outgoing pledge")
    INCOMING_PLEDGE = "13", _("Incoming pledge")


class IatiImport(models.Model):
    """One activity file the organisation published, as a desk officer imported it."""

    partnership = part_of(Partnership, related_name="iati_imports", verbose_name=_("partnership"))
    filename = models.CharField(max_length=255, verbose_name=_("filename"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    iati_version = models.CharField(_("IATI version"), max_length=10)
    generated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the publisher generated the file, as it says."),
        verbose_name=_("generated at"),
    )
    activities_read = models.PositiveIntegerField(default=0, verbose_name=_("activities read"))
    activities_kept = models.PositiveIntegerField(
        default=0,
        help_text=_("Activities of the organisation with Denmark as a funder."),
        verbose_name=_("activities kept"),
    )
    transactions_kept = models.PositiveIntegerField(
        default=0,
        help_text=_("Transactions with Denmark as the provider."),
        verbose_name=_("transactions kept"),
    )
    imported_by = person_field(_("imported by"), optional=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("IATI import")
        verbose_name_plural = _("IATI imports")
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

    partnership = part_of(
        Partnership, related_name="iati_activities", verbose_name=_("partnership")
    )
    source_import = kept(IatiImport, related_name="activities", verbose_name=_("source import"))
    iati_identifier = models.CharField(_("IATI identifier"), max_length=200)
    title = models.CharField(max_length=500, blank=True, verbose_name=_("title"))
    reporting_org = models.CharField(_("reporting organisation"), max_length=100)
    default_currency = models.CharField(
        max_length=3, blank=True, verbose_name=_("default currency")
    )
    activity_status = models.CharField(max_length=2, blank=True, verbose_name=_("activity status"))
    last_updated = models.DateTimeField(null=True, blank=True, verbose_name=_("last updated"))
    funded_by_denmark = models.BooleanField(
        default=False,
        help_text=_("Denmark is among the activity's funding organisations."),
        verbose_name=_("funded by denmark"),
    )
    source_line = models.PositiveIntegerField(
        help_text=_("Line of the file."), verbose_name=_("source line")
    )
    replaced_by = kept(
        IatiImport,
        optional=True,
        related_name="replaced_activities",
        help_text=_("A later import that holds this activity again."),
        verbose_name=_("replaced by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("IATI activity")
        verbose_name_plural = _("IATI activities")
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

    partnership = part_of(
        Partnership, related_name="iati_transactions", verbose_name=_("partnership")
    )
    activity = part_of(IatiActivity, related_name="transactions", verbose_name=_("activity"))
    transaction_type = models.CharField(
        max_length=2, choices=TransactionType.choices, verbose_name=_("transaction type")
    )
    date = models.DateField(help_text=_("The transaction date."), verbose_name=_("date"))
    value = models.DecimalField(max_digits=18, decimal_places=2, verbose_name=_("value"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    value_date = models.DateField(
        help_text=_("The date of the exchange rate the value is at."), verbose_name=_("value date")
    )
    provider_org = models.CharField(_("provider organisation"), max_length=100)
    provider_name = models.CharField(max_length=300, blank=True, verbose_name=_("provider name"))
    receiver_org = models.CharField(_("receiver organisation"), max_length=100, blank=True)
    reference = models.CharField(
        max_length=200, blank=True, help_text=_("The publisher's ref."), verbose_name=_("reference")
    )
    description = LimitedTextField(
        max_length=PARAGRAPH, blank=True, verbose_name=_("description")
    )  # the importer cuts it
    source_line = models.PositiveIntegerField(
        help_text=_("Line of the file."), verbose_name=_("source line")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("IATI transaction")
        verbose_name_plural = _("IATI transactions")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["-date", "-id"], name="iati_transaction_newest"),
            models.Index(
                fields=["partnership", "transaction_type", "date"], name="iati_tx_by_type"
            ),
        ]

    def __str__(self) -> str:
        return _("%(type)s %(amount)s on %(date)s") % {
            "type": self.get_transaction_type_display(),
            "amount": money(self.value, self.currency),
            "date": date_format(self.date),
        }

    def get_absolute_url(self) -> str:
        return reverse("iati:data", kwargs={"slug": self.partnership.slug})


class FileCheck(models.Model):
    """The last check of a file the ministry publishes for one partnership: whether it was
    valid IATI 2.03 and its size, recorded each time the file is built (served at its
    address, or checked from the IATI page). The page shows this record rather than
    building both files on every visit; it is derived from the funding records, so it
    keeps no history of its own."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity file")
        ORGANISATION = "organisation", _("Organisation file")

    partnership = part_of(
        Partnership, related_name="iati_file_checks", verbose_name=_("partnership")
    )
    kind = models.CharField(_("file"), max_length=20, choices=Kind.choices)
    filename = models.CharField(_("filename"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    problems = models.PositiveIntegerField(_("problems"), default=0)
    data_version = models.PositiveBigIntegerField(
        _("data version"), help_text=_("The records' version the file was built from.")
    )
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("IATI file check")
        verbose_name_plural = _("IATI file checks")
        ordering = ["partnership", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "kind"], name="iati_file_check_once")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def valid(self) -> bool:
        return not self.problems
