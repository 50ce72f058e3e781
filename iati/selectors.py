"""Reads of the IATI app, shared by the pages and the API: the imports, the organisation's
transactions with Denmark as the provider, and the reconciliation of what Denmark paid
with what the organisation reports it received."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_UP
from decimal import Decimal

from django.db.models import Max
from django.db.models import Min
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.utils.formats import date_format
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formatting import money
from funding import selectors as funding_selectors
from funding.models import BudgetLine
from funding.models import Disbursement
from funding.models import ExchangeRate
from partnership.models import Partnership

from .build import activity_identifier
from .models import FileCheck
from .models import IatiImport
from .models import IatiTransaction
from .models import TransactionType

ZERO = Decimal(0)
CENT = Decimal("0.01")
# A payment and a receipt are the same money when they are at most this many days apart
# and their amounts, in DKK at the rates of their days, differ by at most this share.
MATCH_WINDOW_DAYS = 45
CURRENCY_TOLERANCE = Decimal("0.05")
DPORTAL = "https://d-portal.org/ctrack.html"


# --- Imports and the organisation's transactions ----------------------------------------------


def imports(*, partnership: Partnership) -> QuerySet[IatiImport]:
    return IatiImport.objects.filter(partnership=partnership).select_related(
        "partnership", "imported_by"
    )


def file_checks(*, partnership: Partnership) -> dict[str, FileCheck]:
    """The last check of each of the partnership's files, by kind."""
    return {check.kind: check for check in FileCheck.objects.filter(partnership=partnership)}


def latest_import(*, partnership: Partnership) -> IatiImport | None:
    return imports(partnership=partnership).order_by("-created_at", "-pk").first()


def current_transactions(*, partnership: Partnership) -> QuerySet[IatiTransaction]:
    """The kept transactions of the activities as last imported (newest first)."""
    return (
        IatiTransaction.objects.filter(partnership=partnership, activity__replaced_by=None)
        .select_related("activity")
        .order_by("-date", "-pk")
    )


def incoming_funds(*, partnership: Partnership) -> QuerySet[IatiTransaction]:
    """What the organisation reports it received from Denmark (incoming funds)."""
    return current_transactions(partnership=partnership).filter(
        transaction_type=TransactionType.INCOMING_FUNDS
    )


# --- Links out --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    description: str


def links_out(*, partnership: Partnership) -> list[Link]:
    """The agreement's activity on d-portal, and the organisation's own IATI data there."""
    links = [
        Link(
            _("This agreement on d-portal"),
            f"{DPORTAL}#view=act&aid={activity_identifier(partnership)}",
            _("The activity as the ministry publishes it (once the file is published)."),
        )
    ]
    identifier = partnership.organisation.iati_identifier
    if identifier:
        links.append(
            Link(
                _("%(organisation)s's IATI data on d-portal")
                % {
                    "organisation": partnership.organisation.acronym
                    or partnership.organisation.name
                },
                f"{DPORTAL}?publisher={identifier}#view=main",
                _("Everything %(organisation)s publishes (%(identifier)s).")
                % {"organisation": partnership.organisation.name, "identifier": identifier},
            )
        )
    return links


# --- Reconciliation ---------------------------------------------------------------------------


def _dkk(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


class _Rates:
    """The partnership's exchange rates, read once: the latest on or before a day."""

    def __init__(self, partnership: Partnership, within: tuple[dt.date, dt.date] | None = None):
        """All the rates, or those ``within`` two days and the latest of each currency
        before the first (one query either way)."""
        rates = ExchangeRate.objects.filter(partnership=partnership)
        if within is not None:
            start = within[0]
            latest_before = (
                ExchangeRate.objects.filter(
                    partnership=partnership, currency=OuterRef("currency"), date__lt=start
                )
                .order_by("-date", "-pk")
                .values("pk")[:1]
            )
            rates = rates.filter(Q(date__range=within) | Q(pk=Subquery(latest_before)))
        self.by_currency: dict[str, list[ExchangeRate]] = defaultdict(list)
        for rate in rates.order_by("date"):
            self.by_currency[rate.currency].append(rate)
        self.dates = {c: [r.date for r in rates] for c, rates in self.by_currency.items()}

    def on(self, currency: str, day: dt.date) -> ExchangeRate | None:
        index = bisect.bisect_right(self.dates.get(currency, []), day)
        return self.by_currency[currency][index - 1] if index else None


@dataclass(frozen=True)
class Side:
    """A payment of Denmark's or a receipt the organisation reports, with its DKK value at
    the rate of its day (``amount_dkk`` is None where no rate is recorded).

    Its words (``where``, ``rate_description``) are written when they are read, in the
    language active then."""

    who: str  # "denmark" or "organisation"
    date: dt.date
    amount: Decimal
    currency: str
    amount_dkk: Decimal | None
    rate: Decimal | None
    rate_date: dt.date | None
    rate_source: str
    reference: str
    # Denmark's: the budget line paid from; the organisation's: the activity and the line
    # of the file.
    budget_line: BudgetLine | None = None
    activity: str = ""
    source_line: int | None = None

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def where(self) -> str:
        if self.who == "denmark":
            values = {"reference": self.reference, "line": self.budget_line.label}
            if self.amount < 0:
                return gettext("Refund %(reference)s (%(line)s)") % values
            return gettext("Payment %(reference)s (%(line)s)") % values
        return gettext("%(activity)s, line %(line)s") % {
            "activity": self.activity,
            "line": self.source_line,
        }

    @property
    def rate_description(self) -> str:
        if self.currency == "DKK":
            return gettext("in DKK")
        if self.rate is None:
            return gettext("no %(currency)s rate on or before %(date)s is recorded") % {
                "currency": self.currency,
                "date": date_format(self.date),
            }
        return gettext("1 %(currency)s = %(rate)s DKK on %(date)s (%(source)s)") % {
            "currency": self.currency,
            "rate": number_format(self.rate),
            "date": date_format(self.rate_date),
            "source": self.rate_source,
        }


class Kind:
    TIMING = "timing"
    CURRENCY = "currency"
    AMOUNT = "amount"
    MISSING_IN_IATI = "missing_in_iati"
    MISSING_IN_RECORDS = "missing_in_records"
    LABELS = {
        TIMING: _("Timing: booked in different years"),
        CURRENCY: _("Currency: converted at different rates"),
        AMOUNT: _("Amount: the same payment, another amount"),
        MISSING_IN_IATI: _("Missing in the organisation's IATI data"),
        MISSING_IN_RECORDS: _("Missing in Denmark's records"),
    }


@dataclass
class Difference:
    kind: str
    denmark: Side | None
    organisation: Side | None
    # What the difference adds to each year's (received − disbursed), in DKK.
    effects: dict[int, Decimal]

    @property
    def explanation(self) -> str:
        """One sentence of what each side records and why they differ, in the language
        active when it is read."""
        return _explain(self)

    @property
    def label(self) -> str:
        return str(Kind.LABELS[self.kind])

    @property
    def years(self) -> list[int]:
        return sorted({s.year for s in (self.denmark, self.organisation) if s is not None})

    @property
    def size(self) -> Decimal | None:
        """The difference in DKK (the organisation's less Denmark's); for a timing
        difference the amount that moved between years. None: no rate to convert with."""
        if self.kind == Kind.TIMING:
            return self.denmark.amount_dkk if self.denmark else None
        if any(s is not None and s.amount_dkk is None for s in (self.denmark, self.organisation)):
            return None
        return sum(self.effects.values(), ZERO)


@dataclass
class YearRow:
    year: int
    disbursed: Decimal = ZERO  # DKK, as booked: payments less refunds
    received: Decimal = ZERO  # DKK, at the rates of the days
    received_by_currency: dict[str, Decimal] = field(default_factory=dict)
    unconverted: list[Side] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    payments: int = 0
    receipts: int = 0

    @property
    def difference(self) -> Decimal:
        return self.received - self.disbursed

    @property
    def explained(self) -> Decimal:
        return sum((d.effects.get(self.year, ZERO) for d in self.differences), ZERO)

    @property
    def unexplained(self) -> Decimal:
        return self.difference - self.explained

    @property
    def complete(self) -> bool:
        """Every receipt of the year could be converted to DKK."""
        return not self.unconverted


@dataclass
class Reconciliation:
    partnership: Partnership
    years: list[YearRow]
    differences: list[Difference]
    matched: list[tuple[Side, Side]]  # a payment and its receipt, without a difference
    latest_import: IatiImport | None
    window_days: int = MATCH_WINDOW_DAYS
    tolerance: Decimal = CURRENCY_TOLERANCE

    @property
    def currency(self) -> str:
        return "DKK"

    @property
    def has_data(self) -> bool:
        return bool(self.years)

    def count(self, kind: str) -> int:
        return sum(1 for d in self.differences if d.kind == kind)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return [(kind, label, self.count(kind)) for kind, label in Kind.LABELS.items()]

    @property
    def rate_sources(self) -> list[str]:
        sides = [s for pair in self.matched for s in pair] + [
            s for d in self.differences for s in (d.denmark, d.organisation) if s is not None
        ]
        return sorted({s.rate_source for s in sides if s.rate_source})


def _denmark_side(payment: Disbursement) -> Side:
    sign = -1 if payment.kind == Disbursement.Kind.REFUND else 1
    rate = payment.rate
    return Side(
        who="denmark",
        date=payment.value_date,
        amount=sign * payment.amount,
        currency=payment.currency,
        amount_dkk=sign * payment.booked_dkk,
        rate=None if payment.currency == "DKK" else payment.exchange_rate,
        rate_date=rate.date if rate else None,
        rate_source=rate.source if rate else "",
        reference=payment.reference,
        budget_line=payment.budget_line,
    )


def _organisation_side(transaction: IatiTransaction, rates: _Rates) -> Side:
    rate = (
        None
        if transaction.currency == "DKK"
        else rates.on(transaction.currency, transaction.value_date)
    )
    if transaction.currency == "DKK":
        amount_dkk = transaction.value
    else:
        amount_dkk = _dkk(transaction.value, rate.rate) if rate else None
    activity = transaction.activity
    return Side(
        who="organisation",
        date=transaction.date,
        amount=transaction.value,
        currency=transaction.currency,
        amount_dkk=amount_dkk,
        rate=rate.rate if rate else None,
        rate_date=rate.date if rate else None,
        rate_source=rate.source if rate else "",
        reference=transaction.reference,
        activity=activity.iati_identifier,
        source_line=transaction.source_line,
    )


def _closeness(dk: Side, org: Side) -> Decimal | None:
    """How far apart two amounts are, as a share of Denmark's (None: not comparable)."""
    if dk.currency == org.currency:
        first, second = dk.amount, org.amount
    elif dk.amount_dkk is not None and org.amount_dkk is not None:
        first, second = dk.amount_dkk, org.amount_dkk
    else:
        return None
    if not first:
        return None
    return abs(second - first) / abs(first)


def _pairs(denmark: list[Side], organisation: list[Side]) -> list[tuple[int, int]]:
    """Which payment is which receipt: the same reference first, then the closest amounts,
    then the nearest days; each side used once."""
    candidates = []
    for i, dk in enumerate(denmark):
        for j, org in enumerate(organisation):
            if (dk.amount > 0) != (org.amount > 0):
                continue
            same_reference = bool(dk.reference) and dk.reference == org.reference
            days = abs((org.date - dk.date).days)
            closeness = _closeness(dk, org)
            near = days <= MATCH_WINDOW_DAYS and closeness is not None
            if same_reference or (near and closeness <= CURRENCY_TOLERANCE):
                rank = closeness if closeness is not None else Decimal(1)
                candidates.append((not same_reference, rank, days, i, j))
    used_dk: set[int] = set()
    used_org: set[int] = set()
    pairs = []
    for *_rest, i, j in sorted(candidates):
        if i in used_dk or j in used_org:
            continue
        used_dk.add(i)
        used_org.add(j)
        pairs.append((i, j))
    return pairs


def _money(side: Side) -> str:
    """The amount without its sign (the words say which way it went), with its DKK value."""
    text = money(abs(side.amount), side.currency, decimals=2)
    if side.currency != "DKK" and side.amount_dkk is not None:
        text = f"{text} ({money(abs(side.amount_dkk), 'DKK', decimals=2)})"
    return text


def _pair_difference(dk: Side, org: Side) -> Difference | None:
    same_amount = dk.currency == org.currency and dk.amount == org.amount
    if dk.year != org.year:
        effects = {dk.year: -(dk.amount_dkk or ZERO)}
        effects[org.year] = effects.get(org.year, ZERO) + (org.amount_dkk or ZERO)
        return Difference(Kind.TIMING, dk, org, effects)
    if same_amount:
        return None
    kind = Kind.CURRENCY if dk.currency != org.currency else Kind.AMOUNT
    if dk.amount_dkk is None or org.amount_dkk is None:
        return Difference(kind, dk, org, {})
    effect = org.amount_dkk - dk.amount_dkk
    if not effect:  # converted at the rates of their days, the same money
        return None
    return Difference(kind, dk, org, {dk.year: effect})


def _missing_in_iati(dk: Side) -> Difference:
    return Difference(Kind.MISSING_IN_IATI, dk, None, {dk.year: -dk.amount_dkk})


def _missing_in_records(org: Side) -> Difference:
    effects = {org.year: org.amount_dkk} if org.amount_dkk is not None else {}
    return Difference(Kind.MISSING_IN_RECORDS, None, org, effects)


NO_RATE = "no_rate"
# The sentence of each kind of difference (and of a pair or a receipt without a rate to
# convert with), for a payment (True) and for a refund (False): whole sentences, so that
# each language words them its own way.
_SENTENCES = {
    (Kind.TIMING, True): _(
        "Denmark paid %(amount)s on %(date)s, booked in %(year)s; the organisation records "
        "receiving %(org_amount)s on %(org_date)s, in %(org_year)s."
    ),
    (Kind.TIMING, False): _(
        "Denmark was refunded %(amount)s on %(date)s, booked in %(year)s; the organisation "
        "records returning %(org_amount)s on %(org_date)s, in %(org_year)s."
    ),
    (Kind.CURRENCY, True): _(
        "Denmark paid %(amount)s on %(date)s (%(rate)s); the organisation records "
        "%(org_amount)s on %(org_date)s (%(org_rate)s)."
    ),
    (Kind.CURRENCY, False): _(
        "Denmark was refunded %(amount)s on %(date)s (%(rate)s); the organisation records "
        "%(org_amount)s on %(org_date)s (%(org_rate)s)."
    ),
    (Kind.AMOUNT, True): _(
        "Denmark paid %(amount)s on %(date)s; the organisation records %(org_amount)s on "
        "%(org_date)s: bank charges, or an amount entered wrongly."
    ),
    (Kind.AMOUNT, False): _(
        "Denmark was refunded %(amount)s on %(date)s; the organisation records "
        "%(org_amount)s on %(org_date)s: bank charges, or an amount entered wrongly."
    ),
    (NO_RATE, True): _(
        "Denmark paid %(amount)s on %(date)s; the organisation records %(org_amount)s on "
        "%(org_date)s; no %(org_currency)s rate on or before %(org_date)s is recorded."
    ),
    (NO_RATE, False): _(
        "Denmark was refunded %(amount)s on %(date)s; the organisation records "
        "%(org_amount)s on %(org_date)s; no %(org_currency)s rate on or before %(org_date)s "
        "is recorded."
    ),
    (Kind.MISSING_IN_IATI, True): _(
        "Denmark paid %(amount)s on %(date)s; the organisation's IATI data reports no "
        "receipt from Denmark of about that amount within %(days)s days."
    ),
    (Kind.MISSING_IN_IATI, False): _(
        "Denmark was refunded %(amount)s on %(date)s; the organisation's IATI data reports "
        "no refund to Denmark of about that amount within %(days)s days."
    ),
    (Kind.MISSING_IN_RECORDS, True): _(
        "The organisation records receiving %(org_amount)s from Denmark on %(org_date)s "
        "(%(where)s); Denmark's records have no payment of about that amount within "
        "%(days)s days."
    ),
    (Kind.MISSING_IN_RECORDS, False): _(
        "The organisation records returning %(org_amount)s to Denmark on %(org_date)s "
        "(%(where)s); Denmark's records have no refund of about that amount within "
        "%(days)s days."
    ),
    (Kind.MISSING_IN_RECORDS + NO_RATE, True): _(
        "The organisation records receiving %(org_amount)s from Denmark on %(org_date)s "
        "(%(where)s); Denmark's records have no payment of about that amount within "
        "%(days)s days, and no %(org_currency)s rate on or before %(org_date)s is recorded."
    ),
    (Kind.MISSING_IN_RECORDS + NO_RATE, False): _(
        "The organisation records returning %(org_amount)s to Denmark on %(org_date)s "
        "(%(where)s); Denmark's records have no refund of about that amount within "
        "%(days)s days, and no %(org_currency)s rate on or before %(org_date)s is recorded."
    ),
}


def _explain(d: Difference) -> str:
    """The sentence of a difference, its amounts and days written as the active language
    writes them."""
    dk, org = d.denmark, d.organisation
    values: dict[str, object] = {"days": MATCH_WINDOW_DAYS}
    if dk is not None:
        values |= {
            "amount": _money(dk),
            "date": date_format(dk.date),
            "year": dk.year,
            "rate": dk.rate_description,
        }
    if org is not None:
        values |= {
            "org_amount": _money(org),
            "org_date": date_format(org.date),
            "org_year": org.year,
            "org_rate": org.rate_description,
            "org_currency": org.currency,
            "where": org.where,
        }
    variant = d.kind
    if org is not None and org.amount_dkk is None and d.kind != Kind.TIMING:
        variant = Kind.MISSING_IN_RECORDS + NO_RATE if dk is None else NO_RATE
    text = str(_SENTENCES[variant, (dk or org).amount > 0]) % values
    if d.kind == Kind.TIMING and not (dk.currency == org.currency and dk.amount == org.amount):
        text += " " + gettext("The amounts differ too, at the rates of their days.")
    return text


def _years(denmark: list[Side], organisation: list[Side]) -> dict[int, YearRow]:
    """Each year's sums: what Denmark disbursed, and what the organisation reports."""
    years: dict[int, YearRow] = {}
    for side in denmark:
        row = years.setdefault(side.year, YearRow(year=side.year))
        row.disbursed += side.amount_dkk
        row.payments += 1
    for side in organisation:
        row = years.setdefault(side.year, YearRow(year=side.year))
        row.receipts += 1
        row.received_by_currency[side.currency] = (
            row.received_by_currency.get(side.currency, ZERO) + side.amount
        )
        if side.amount_dkk is None:
            row.unconverted.append(side)
        else:
            row.received += side.amount_dkk
    return years


def reconciled_years(*, partnership: Partnership) -> range:
    """The years from the first payment or receipt to the last (two queries of a row each;
    empty if there is neither)."""
    payments = Disbursement.objects.filter(budget_line__partnership=partnership).aggregate(
        first=Min("value_date"), last=Max("value_date")
    )
    receipts = (
        incoming_funds(partnership=partnership)
        .order_by()
        .aggregate(first=Min("date"), last=Max("date"))
    )
    firsts = [d for d in (payments["first"], receipts["first"]) if d]
    lasts = [d for d in (payments["last"], receipts["last"]) if d]
    if not firsts:
        return range(0)
    return range(min(firsts).year, max(lasts).year + 1)


def reconciliation(*, partnership: Partnership, years: range | None = None) -> Reconciliation:
    """What Denmark disbursed per year against what the organisation's IATI data reports it
    received from Denmark per year, in DKK at the rates of the days, and each difference
    with its size and likely cause. Four queries, whatever the number of rows.

    With ``years``, those years alone: the payments and receipts of those years are read,
    and those within twice the matching window of them (a payment of late December may
    be the receipt of early January); the years, differences and matches that touch
    ``years`` are kept."""
    payments = funding_selectors.disbursements_of_partnership(partnership=partnership)
    receipts = incoming_funds(partnership=partnership)
    if years is not None:
        margin = dt.timedelta(days=2 * MATCH_WINDOW_DAYS)
        start = dt.date(years[0], 1, 1) - margin if years else dt.date.max
        end = dt.date(years[-1], 12, 31) + margin if years else dt.date.min  # none
        payments = payments.filter(value_date__range=(start, end))
        receipts = receipts.filter(date__range=(start, end))
        # A receipt's rate is of its value date, which may precede its date.
        rates = _Rates(partnership, within=(start - margin, end))
    else:
        rates = _Rates(partnership)
    denmark = [_denmark_side(p) for p in payments]
    organisation = [_organisation_side(t, rates) for t in receipts]
    denmark.sort(key=lambda s: (s.date, s.reference))
    organisation.sort(key=lambda s: (s.date, s.activity, s.source_line or 0))
    by_year = _years(denmark, organisation)

    differences: list[Difference] = []
    matched: list[tuple[Side, Side]] = []
    pairs = _pairs(denmark, organisation)
    for i, j in pairs:
        found = _pair_difference(denmark[i], organisation[j])
        if found is None:
            matched.append((denmark[i], organisation[j]))
        else:
            differences.append(found)
    paired_dk, paired_org = {i for i, _ in pairs}, {j for _, j in pairs}
    differences += [_missing_in_iati(dk) for i, dk in enumerate(denmark) if i not in paired_dk]
    differences += [
        _missing_in_records(org) for j, org in enumerate(organisation) if j not in paired_org
    ]
    differences.sort(key=lambda d: (d.years[0], d.kind))
    for difference in differences:
        for year in {*difference.years, *difference.effects}:
            by_year.setdefault(year, YearRow(year=year)).differences.append(difference)
    if years is not None:
        by_year = {year: row for year, row in by_year.items() if year in years}
        differences = [d for d in differences if any(y in years for y in {*d.years, *d.effects})]
        matched = [(dk, org) for dk, org in matched if dk.year in years or org.year in years]
    return Reconciliation(
        partnership=partnership,
        years=[by_year[y] for y in sorted(by_year)],
        differences=differences,
        matched=matched,
        latest_import=latest_import(partnership=partnership),
    )
