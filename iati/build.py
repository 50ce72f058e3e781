"""The IATI 2.03 files of what the ministry funds, built from the partnerships' records.

One activity per partnership (the agreement): the ministry reports it and funds it, the
organisation implements it; its budgets per year are the budget lines', its commitments
the committed lines', its disbursements the payments (refunds as negative disbursements,
in the currency paid, at the value date). The organisation file gives the ministry's
total budget and its budget for each recipient organisation, per year, over the
partnerships the file covers.

Every code comes from the shipped codelists (``codelists.code``). The files are checked
before they are served (``publish.py``); this module only builds them. It reads the
partnerships' records in a fixed number of queries, whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_UP
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from lxml import etree

from funding.models import Allocation
from funding.models import BudgetLine
from funding.models import BudgetLineTransition
from funding.models import Component
from funding.models import Disbursement
from partnership.models import Partnership
from partnership.models import PriorityArea

from .codelists import code

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# The codes that describe every agreement, each from its codelist.
SECTOR_MIGRATION = "15190"  # Facilitation of orderly, safe, regular and responsible migration
REGION_UNSPECIFIED = "998"  # Developing countries, unspecified
ORG_TYPE_GOVERNMENT = "10"
ORG_TYPE_MULTILATERAL = "40"
FLOW_ODA = "10"
FINANCE_GRANT = "110"  # Standard grant
# Core contributions are multilateral; earmarked money through a multilateral is bilateral
# in the DAC's terms. The agreement is one activity, so its collaboration type is the one
# of its core contribution, and each transaction's aid type tells the lines apart.
COLLABORATION_MULTILATERAL = "2"
AID_TYPES = {
    Component.CORE: "B02",  # Core contributions to multilateral institutions
    Component.PRIORITY_AREA_1: "B03",  # Contributions to specific-purpose programmes
    Component.PRIORITY_AREA_2: "B03",
    Component.SECONDMENTS: "D01",  # Donor country personnel
}
ROLE_FUNDING, ROLE_EXTENDING, ROLE_IMPLEMENTING = "1", "3", "4"
STATUS_PIPELINE, STATUS_IMPLEMENTATION, STATUS_FINALISATION, STATUS_CLOSED = "1", "2", "3", "4"
DATE_PLANNED_START, DATE_ACTUAL_START, DATE_PLANNED_END, DATE_ACTUAL_END = "1", "2", "3", "4"
DESCRIPTION_GENERAL, DESCRIPTION_OBJECTIVES = "1", "2"
BUDGET_ORIGINAL = "1"
BUDGET_INDICATIVE, BUDGET_COMMITTED = "1", "2"
TRANSACTION_COMMITMENT, TRANSACTION_DISBURSEMENT = "2", "3"
COMMITTED_STATUSES = {BudgetLine.Status.COMMITTED, BudgetLine.Status.CLOSED}


def activity_identifier(partnership: Partnership) -> str:
    """The agreement's IATI identifier: the reporting organisation's, then the slug."""
    return f"{settings.IATI_REPORTING_ORG}-{partnership.slug}"


@dataclass
class Records:
    """What the files say of one partnership."""

    partnership: Partnership
    lines: list[BudgetLine] = field(default_factory=list)
    committed_on: dict[int, dt.date] = field(default_factory=dict)
    disbursements: list[Disbursement] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    priority_areas: list[PriorityArea] = field(default_factory=list)


def load(partnerships: Iterable[Partnership]) -> list[Records]:
    """The records of the partnerships, in six queries whatever their number (the
    partnerships themselves come with their organisation, ``select_related``)."""
    records = {p.pk: Records(partnership=p) for p in partnerships}
    ids = list(records)
    current = PriorityArea.objects.filter(partnership_id__in=ids, retired_on__isnull=True)
    for area in current.order_by("number"):
        records[area.partnership_id].priority_areas.append(area)
    lines = BudgetLine.objects.filter(partnership_id__in=ids).order_by("year", "component")
    by_line: dict[int, BudgetLine] = {}
    for line in lines:
        records[line.partnership_id].lines.append(line)
        by_line[line.pk] = line
    # When each line was committed: its first step to committed (a line seeded committed
    # has none, and counts as committed on the first day of its year).
    for line_id, at in (
        BudgetLineTransition.objects.filter(
            budget_line__partnership_id__in=ids, to_status=BudgetLine.Status.COMMITTED
        )
        .order_by("at")
        .values_list("budget_line_id", "at")
    ):
        line = by_line[line_id]
        records[line.partnership_id].committed_on.setdefault(line_id, timezone.localdate(at))
    for payment in Disbursement.objects.filter(budget_line__partnership_id__in=ids).order_by(
        "value_date", "pk"
    ):
        payment.budget_line = by_line[payment.budget_line_id]
        records[payment.budget_line.partnership_id].disbursements.append(payment)
    for allocation in Allocation.objects.filter(budget_line__partnership_id__in=ids).order_by(
        "country", "pk"
    ):
        allocation.budget_line = by_line[allocation.budget_line_id]
        records[allocation.budget_line.partnership_id].allocations.append(allocation)
    return list(records.values())


def last_updated(partnerships: Iterable[Partnership]) -> dict[int, dt.datetime]:
    """When each partnership's published records last changed, from their history (one
    query per kind of record): the agreement, its lines, payments and allocations."""
    ids = [p.pk for p in partnerships]
    latest: dict[int, dt.datetime] = {}
    kinds = [
        (Partnership.history.model, "id"),
        (BudgetLine.history.model, "partnership_id"),
        (Disbursement.history.model, "budget_line__partnership_id"),
        (Allocation.history.model, "budget_line__partnership_id"),
    ]
    for model, path in kinds:
        rows = (
            model.objects.filter(**{f"{path}__in": ids})
            .order_by()
            .values(path)
            .annotate(latest=Max("history_date"))
            .values_list(path, "latest")
        )
        for pk, when in rows:
            if pk not in latest or when > latest[pk]:
                latest[pk] = when
    return latest


# --- XML ----------------------------------------------------------------------------------


def _iso(value: dt.date) -> str:
    return value.isoformat()


def _datetime(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _narrative(parent: etree._Element, text: str) -> etree._Element:
    etree.SubElement(parent, "narrative").text = text
    return parent


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})


def _reporting_org(parent: etree._Element, tag: str = "reporting-org", **extra: str):
    element = _sub(
        parent, tag, ref=settings.IATI_REPORTING_ORG, type=code("OrganisationType", "10"), **extra
    )
    return _narrative(element, settings.IATI_REPORTING_ORG_NAME)


def _organisation(
    parent: etree._Element, tag: str, partnership: Partnership, *, typed: bool = True, **extra: str
):
    """The partnership's organisation (a multilateral), by its IATI identifier and name."""
    organisation = partnership.organisation
    attributes = dict(extra)
    if typed:
        attributes = {"type": code("OrganisationType", ORG_TYPE_MULTILATERAL), **attributes}
    if organisation.iati_identifier:
        attributes = {"ref": organisation.iati_identifier, **attributes}
    return _narrative(_sub(parent, tag, **attributes), organisation.name)


def _period(parent: etree._Element, start: dt.date, end: dt.date) -> None:
    _sub(parent, "period-start", iso_date=_iso(start))
    _sub(parent, "period-end", iso_date=_iso(end))


def _value(parent: etree._Element, amount: Decimal, currency: str, on: dt.date) -> None:
    _sub(parent, "value", currency=code("Currency", currency), value_date=_iso(on)).text = _money(
        amount
    )


def _year_period(partnership: Partnership, year: int) -> tuple[dt.date, dt.date]:
    """The year, within the agreement's period (a budget period is at most a year)."""
    return (
        max(dt.date(year, 1, 1), partnership.start_date),
        min(dt.date(year, 12, 31), partnership.end_date),
    )


def _status(partnership: Partnership, today: dt.date) -> str:
    if partnership.status == Partnership.Status.DRAFT:
        return STATUS_PIPELINE
    if partnership.status == Partnership.Status.CLOSED:
        return STATUS_CLOSED
    return STATUS_IMPLEMENTATION if partnership.end_date >= today else STATUS_FINALISATION


def _descriptions(activity: etree._Element, records: Records) -> None:
    partnership = records.partnership
    source = partnership.strategy_title or partnership.title
    when = f" ({partnership.strategy_date})" if partnership.strategy_date else ""
    general = f"{partnership.title}: the agreement under the {source}{when}."
    if partnership.funding_note:
        general = f"{general} {partnership.funding_note}"
    _narrative(_sub(activity, "description", type=code("DescriptionType", "1")), general)
    if records.priority_areas:
        objectives = " ".join(
            f"Priority area {area.number}: {area.title.rstrip('.')}."
            for area in records.priority_areas
        )
        _narrative(_sub(activity, "description", type=code("DescriptionType", "2")), objectives)


def _shares(amounts: dict[str, Decimal], whole: Decimal) -> dict[str, Decimal]:
    """Percentages of ``whole`` to two decimals that add up to exactly 100."""
    shares = {key: (amount * HUNDRED / whole).quantize(CENT) for key, amount in amounts.items()}
    largest = max(shares, key=lambda key: (shares[key], key))
    shares[largest] += HUNDRED - sum(shares.values())
    return shares


def _recipients(activity: etree._Element, records: Records) -> None:
    """The countries the earmarked allocations went to, each with its share of the
    agreement's budget; the rest to developing countries unspecified."""
    by_country: dict[str, Decimal] = defaultdict(Decimal)
    for allocation in records.allocations:
        by_country[allocation.country] += allocation.amount
    budget = sum((line.amount for line in records.lines), Decimal(0))
    allocated = sum(by_country.values(), Decimal(0))
    amounts = dict(sorted(by_country.items()))
    whole = max(budget, allocated)
    if whole > allocated:
        amounts[f"region:{REGION_UNSPECIFIED}"] = whole - allocated
    if not whole:  # nothing budgeted or allocated yet
        amounts, whole = {f"region:{REGION_UNSPECIFIED}": HUNDRED}, HUNDRED
    shares = _shares(amounts, whole)
    for key, share in shares.items():
        if not key.startswith("region:"):
            _sub(activity, "recipient-country", code=code("Country", key), percentage=str(share))
    for key, share in shares.items():
        if key.startswith("region:"):
            region = code("Region", key.removeprefix("region:"))
            _sub(
                activity,
                "recipient-region",
                code=region,
                vocabulary=code("RegionVocabulary", "1"),
                percentage=str(share),
            )


def _budgets(activity: etree._Element, records: Records) -> None:
    partnership = records.partnership
    years: dict[int, list[BudgetLine]] = defaultdict(list)
    for line in records.lines:
        years[line.year].append(line)
    for year, lines in sorted(years.items()):
        committed = all(line.status in COMMITTED_STATUSES for line in lines)
        budget = _sub(
            activity,
            "budget",
            type=code("BudgetType", BUDGET_ORIGINAL),
            status=code("BudgetStatus", BUDGET_COMMITTED if committed else BUDGET_INDICATIVE),
        )
        start, end = _year_period(partnership, year)
        _period(budget, start, end)
        _value(budget, sum((line.amount for line in lines), Decimal(0)), lines[0].currency, start)


def _transaction(
    activity: etree._Element,
    records: Records,
    *,
    kind: str,
    on: dt.date,
    amount: Decimal,
    currency: str,
    line: BudgetLine,
    description: str,
    reference: str = "",
) -> None:
    transaction = _sub(activity, "transaction", **({"ref": reference} if reference else {}))
    _sub(transaction, "transaction-type", code=code("TransactionType", kind))
    _sub(transaction, "transaction-date", iso_date=_iso(on))
    _value(transaction, amount, currency, on)
    _narrative(_sub(transaction, "description"), description)
    _reporting_org(transaction, "provider-org")
    _organisation(transaction, "receiver-org", records.partnership)
    _sub(
        transaction,
        "aid-type",
        code=code("AidType", AID_TYPES[Component(line.component)]),
        vocabulary=code("AidTypeVocabulary", "1"),
    )


def _transactions(activity: etree._Element, records: Records) -> None:
    committed = [line for line in records.lines if line.status in COMMITTED_STATUSES]
    for line in committed:
        on = records.committed_on.get(line.pk, dt.date(line.year, 1, 1))
        _transaction(
            activity,
            records,
            kind=TRANSACTION_COMMITMENT,
            on=on,
            amount=line.amount,
            currency=line.currency,
            line=line,
            description=f"{line.label}: committed under {line.finance_act_reference}",
        )
    for payment in records.disbursements:
        refund = payment.kind == Disbursement.Kind.REFUND
        _transaction(
            activity,
            records,
            kind=TRANSACTION_DISBURSEMENT,
            on=payment.value_date,
            amount=-payment.amount if refund else payment.amount,
            currency=payment.currency,
            line=payment.budget_line,
            description=f"{payment.budget_line.label}: "
            f"{'refund' if refund else 'payment'} {payment.reference}",
            reference=payment.reference,
        )


def _activity(parent: etree._Element, records: Records, updated: dt.datetime | None, today):
    partnership = records.partnership
    attributes = {
        XML_LANG: code("Language", "en"),
        "default-currency": code("Currency", partnership.currency),
    }
    if updated is not None:
        attributes = {"last-updated-datetime": _datetime(updated), **attributes}
    activity = etree.SubElement(parent, "iati-activity", attributes)
    etree.SubElement(activity, "iati-identifier").text = activity_identifier(partnership)
    _reporting_org(activity)
    _narrative(etree.SubElement(activity, "title"), partnership.title)
    _descriptions(activity, records)
    _reporting_org(activity, "participating-org", role=code("OrganisationRole", ROLE_FUNDING))
    _reporting_org(activity, "participating-org", role=code("OrganisationRole", ROLE_EXTENDING))
    _organisation(
        activity,
        "participating-org",
        partnership,
        role=code("OrganisationRole", ROLE_IMPLEMENTING),
    )
    _sub(activity, "activity-status", code=code("ActivityStatus", _status(partnership, today)))
    dates = [(DATE_PLANNED_START, partnership.start_date)]
    if partnership.status != Partnership.Status.DRAFT and partnership.start_date <= today:
        dates.append((DATE_ACTUAL_START, partnership.start_date))
    dates.append((DATE_PLANNED_END, partnership.end_date))
    if partnership.status == Partnership.Status.CLOSED and partnership.end_date <= today:
        dates.append((DATE_ACTUAL_END, partnership.end_date))
    for kind, on in dates:
        _sub(activity, "activity-date", type=code("ActivityDateType", kind), iso_date=_iso(on))
    _recipients(activity, records)
    _sub(
        activity,
        "sector",
        vocabulary=code("SectorVocabulary", "1"),
        code=code("Sector", SECTOR_MIGRATION),
        percentage="100",
    )
    _sub(activity, "collaboration-type", code=code("CollaborationType", COLLABORATION_MULTILATERAL))
    _sub(activity, "default-flow-type", code=code("FlowType", FLOW_ODA))
    _sub(activity, "default-finance-type", code=code("FinanceType", FINANCE_GRANT))
    _sub(
        activity,
        "default-aid-type",
        code=code("AidType", AID_TYPES[Component.CORE]),
        vocabulary=code("AidTypeVocabulary", "1"),
    )
    _budgets(activity, records)
    _transactions(activity, records)


def _document(root: str, now: dt.datetime) -> etree._Element:
    return etree.Element(
        root, {"version": code("Version", IATI_VERSION), "generated-datetime": _datetime(now)}
    )


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def activity_file(partnerships: Iterable[Partnership], *, now: dt.datetime | None = None) -> bytes:
    """The IATI activity file of the partnerships: one activity each."""
    partnerships = list(partnerships)
    now = now or timezone.now()
    today = timezone.localdate(now)
    updated = last_updated(partnerships)
    root = _document("iati-activities", now)
    for records in load(partnerships):
        _activity(root, records, updated.get(records.partnership.pk), today)
    return _serialise(root)


def organisation_file(
    partnerships: Iterable[Partnership], *, now: dt.datetime | None = None
) -> bytes:
    """The ministry's IATI organisation file: its total budget per year and its budget for
    each recipient organisation per year, over the partnerships' budget lines (DKK)."""
    partnerships = list(partnerships)
    now = now or timezone.now()
    updated = last_updated(partnerships)
    root = _document("iati-organisations", now)
    attributes = {XML_LANG: code("Language", "en"), "default-currency": code("Currency", "DKK")}
    if updated:
        attributes = {"last-updated-datetime": _datetime(max(updated.values())), **attributes}
    organisation = etree.SubElement(root, "iati-organisation", attributes)
    etree.SubElement(organisation, "organisation-identifier").text = settings.IATI_REPORTING_ORG
    _narrative(etree.SubElement(organisation, "name"), settings.IATI_REPORTING_ORG_NAME)
    _reporting_org(organisation)

    # Per year: the lines' total and whether every one of them is committed.
    totals: dict[int, list[BudgetLine]] = defaultdict(list)
    by_recipient: dict[tuple[int, int], list[BudgetLine]] = defaultdict(list)
    first_of: dict[int, Partnership] = {}
    for records in load(partnerships):
        partnership = records.partnership
        first_of.setdefault(partnership.organisation_id, partnership)
        for line in records.lines:
            if line.currency != "DKK":  # budget lines are DKK (BudgetLine.clean)
                continue
            totals[line.year].append(line)
            by_recipient[(partnership.organisation_id, line.year)].append(line)

    def status(lines: list[BudgetLine]) -> str:
        committed = all(line.status in COMMITTED_STATUSES for line in lines)
        return code("BudgetStatus", BUDGET_COMMITTED if committed else BUDGET_INDICATIVE)

    for year, lines in sorted(totals.items()):
        budget = _sub(organisation, "total-budget", status=status(lines))
        _period(budget, dt.date(year, 1, 1), dt.date(year, 12, 31))
        _value(budget, sum((line.amount for line in lines), Decimal(0)), "DKK", dt.date(year, 1, 1))
    for (organisation_id, year), lines in sorted(
        by_recipient.items(), key=lambda item: (first_of[item[0][0]].organisation.name, item[0][1])
    ):
        budget = _sub(organisation, "recipient-org-budget", status=status(lines))
        _organisation(budget, "recipient-org", first_of[organisation_id], typed=False)
        _period(budget, dt.date(year, 1, 1), dt.date(year, 12, 31))
        _value(budget, sum((line.amount for line in lines), Decimal(0)), "DKK", dt.date(year, 1, 1))
    return _serialise(root)
