"""Writes to a partnership's funding. Each is atomic, validates before it saves and
raises ``ValidationError`` with a field dict; nothing is half-saved."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from partnership.models import Currency, Partnership

from . import dac
from .models import (
    CENT,
    EARMARKED_COMPONENTS,
    Allocation,
    AssessedContribution,
    BudgetLine,
    BudgetLineTransition,
    Component,
    Disbursement,
    ExchangeRate,
    StaffPosition,
)

Status = BudgetLine.Status

# The only moves a line may make.
TRANSITIONS = {
    Status.INDICATIVE: {Status.COMMITTED},
    Status.COMMITTED: {Status.CLOSED},
    Status.CLOSED: set(),
}


def _locked_line(budget_line: BudgetLine) -> BudgetLine:
    """Re-read the line with a row lock (PostgreSQL) for the rest of the transaction."""
    return (
        BudgetLine.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=budget_line.pk)
    )


def _transition(
    *, budget_line: BudgetLine, to_status: str, by: Any, note: str = "", reference: str = ""
) -> BudgetLine:
    line = _locked_line(budget_line)
    if to_status not in TRANSITIONS[Status(line.status)]:
        raise ValidationError(
            {
                "status": f"A {line.get_status_display().lower()} line cannot become "
                f"{Status(to_status).label.lower()}."
            }
        )
    from_status = line.status
    line.status = to_status
    if reference:
        line.finance_act_reference = reference
    line.full_clean()
    line._change_reason = note.strip() or f"{from_status} → {to_status}"
    line.save(update_fields=["status", "finance_act_reference"])
    BudgetLineTransition.objects.create(
        budget_line=line,
        from_status=from_status,
        to_status=to_status,
        finance_act_reference=line.finance_act_reference,
        note=note.strip(),
        by=by,
    )
    return line


@transaction.atomic
def budget_line_commit(
    *, budget_line: BudgetLine, finance_act_reference: str, by: Any, note: str = ""
) -> BudgetLine:
    """Parliament has approved the money: the line is committed under a Finance Act."""
    reference = finance_act_reference.strip()
    if not reference:
        raise ValidationError(
            {"finance_act_reference": "Give the Finance Act under which the line is committed."}
        )
    return _transition(
        budget_line=budget_line, to_status=Status.COMMITTED, by=by, note=note, reference=reference
    )


@transaction.atomic
def budget_line_close(*, budget_line: BudgetLine, by: Any, note: str = "") -> BudgetLine:
    return _transition(budget_line=budget_line, to_status=Status.CLOSED, by=by, note=note)


@transaction.atomic
def budget_line_update_amount(
    *, budget_line: BudgetLine, amount: Decimal, reason: str = ""
) -> BudgetLine:
    """Only an indicative line's amount may change: Parliament approved a committed one."""
    line = _locked_line(budget_line)
    if line.status != Status.INDICATIVE:
        raise ValidationError(
            {"amount": f"The line is {line.get_status_display().lower()}; its amount is fixed."}
        )
    disbursed = net_disbursed_dkk(line)
    if amount < disbursed:
        raise ValidationError({"amount": f"DKK {disbursed:,.2f} has already been paid from it."})
    line.amount = amount
    line.full_clean()
    line._change_reason = reason.strip()
    line.save(update_fields=["amount"])
    return line


def net_disbursed_dkk(line: BudgetLine) -> Decimal:
    """Payments less refunds, in DKK (one query)."""
    sums = line.disbursements.aggregate(
        paid=Sum("amount_dkk", filter=Q(kind=Disbursement.Kind.PAYMENT)),
        refunded=Sum("amount_dkk", filter=Q(kind=Disbursement.Kind.REFUND)),
    )
    return (sums["paid"] or Decimal(0)) - (sums["refunded"] or Decimal(0))


class MissingRateError(ValidationError):
    pass


def rate_on(*, partnership: Partnership, currency: str, value_date: dt.date) -> ExchangeRate:
    """The latest rate on or before the value date; a missing rate is an error, never a guess."""
    rate = (
        ExchangeRate.objects.filter(
            partnership=partnership, currency=currency, date__lte=value_date
        )
        .order_by("-date")
        .first()
    )
    if rate is None:
        raise MissingRateError(
            {
                "currency": f"No {currency} to DKK exchange rate on or before "
                f"{value_date:%d %B %Y} is recorded. Enter or import the rate first."
            }
        )
    return rate


def to_dkk(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def disbursement_create(
    *,
    budget_line: BudgetLine,
    created_by: Any,
    value_date: dt.date,
    amount: Decimal,
    currency: str,
    reference: str,
    kind: str = Disbursement.Kind.PAYMENT,
) -> Disbursement:
    """Pay (or take back) money on a line.

    The line is locked first, so two payments at the same moment are checked one after
    the other: the second sees the first and is refused if the line would go past its
    amount.
    """
    line = _locked_line(budget_line)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Give a positive amount; a refund is its own kind."})
    if kind == Disbursement.Kind.PAYMENT and line.status != Status.COMMITTED:
        raise ValidationError(
            {
                "budget_line": f"{line.label} is {line.get_status_display().lower()}: "
                "payments need a committed line."
            }
        )
    if kind == Disbursement.Kind.REFUND and line.status == Status.INDICATIVE:
        raise ValidationError({"budget_line": f"Nothing has been paid on {line.label}."})
    rate_row = None
    if currency == Currency.DKK:
        rate = Decimal(1)
    else:
        rate_row = rate_on(partnership=line.partnership, currency=currency, value_date=value_date)
        rate = rate_row.rate
    amount_dkk = to_dkk(amount, rate)
    disbursed = net_disbursed_dkk(line)
    if kind == Disbursement.Kind.PAYMENT:
        left = line.amount - disbursed
        if amount_dkk > left:
            raise ValidationError(
                {
                    "amount": f"This payment (DKK {amount_dkk:,.2f}) would take {line.label} "
                    f"past its amount of DKK {line.amount:,.2f}: DKK {left:,.2f} is left."
                }
            )
    elif amount_dkk > disbursed:
        raise ValidationError(
            {
                "amount": f"The refund (DKK {amount_dkk:,.2f}) is more than the DKK "
                f"{disbursed:,.2f} paid on {line.label}."
            }
        )
    disbursement = Disbursement(
        budget_line=line,
        kind=kind,
        value_date=value_date,
        amount=amount,
        currency=currency,
        exchange_rate=rate,
        rate=rate_row,
        amount_dkk=amount_dkk,
        reference=reference.strip(),
        created_by=created_by,
    )
    disbursement.full_clean()
    disbursement.save()
    return disbursement


@transaction.atomic
def exchange_rate_create(
    *,
    partnership: Partnership,
    currency: str,
    date: dt.date,
    rate: Decimal,
    source: str,
    created_by: Any = None,
) -> ExchangeRate:
    exchange_rate = ExchangeRate(
        partnership=partnership,
        currency=currency,
        date=date,
        rate=rate,
        source=source.strip(),
        created_by=created_by,
    )
    exchange_rate.full_clean()
    exchange_rate.save()
    return exchange_rate


RATE_COLUMNS = ("currency", "date", "rate", "source")


@transaction.atomic
def exchange_rates_import_csv(
    *, partnership: Partnership, text: str, created_by: Any = None
) -> tuple[int, int]:
    """Import rates from CSV with the columns currency, date, rate, source.

    All or nothing: any bad row refuses the whole file, with the row, column and reason.
    A rate already recorded with the same value is skipped; a different value is an error.
    Returns (added, already present).
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in RATE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError({"file": f"Missing column(s): {', '.join(missing)}."})
    errors: list[str] = []
    parsed: list[dict] = []
    allowed = {c for c, _ in ExchangeRate._meta.get_field("currency").choices}
    for number, row in enumerate(reader, start=2):
        currency = (row["currency"] or "").strip().upper()
        if currency not in allowed:
            errors.append(f"Row {number}, currency: {currency!r} is not USD or CHF.")
            continue
        try:
            when = dt.date.fromisoformat((row["date"] or "").strip())
        except ValueError:
            errors.append(f"Row {number}, date: {row['date']!r} is not a date (YYYY-MM-DD).")
            continue
        try:
            value = Decimal((row["rate"] or "").strip())
        except InvalidOperation:
            errors.append(f"Row {number}, rate: {row['rate']!r} is not a number.")
            continue
        if value <= 0:
            errors.append(f"Row {number}, rate: must be more than zero.")
            continue
        source = (row["source"] or "").strip()
        if not source:
            errors.append(f"Row {number}, source: say who published the rate.")
            continue
        parsed.append({"currency": currency, "date": when, "rate": value, "source": source})
    if errors:
        raise ValidationError({"file": errors})
    existing = {
        (r.currency, r.date): r.rate for r in ExchangeRate.objects.filter(partnership=partnership)
    }
    added = skipped = 0
    for number, row in enumerate(parsed, start=2):
        key = (row["currency"], row["date"])
        if key in existing:
            if existing[key] != row["rate"]:
                errors.append(
                    f"Row {number}, rate: {row['currency']} on {row['date']} is already "
                    f"recorded as {existing[key]}."
                )
            skipped += 1
            continue
        existing[key] = row["rate"]
        ExchangeRate.objects.create(partnership=partnership, created_by=created_by, **row)
        added += 1
    if errors:
        raise ValidationError({"file": errors})
    return added, skipped


@transaction.atomic
def assessed_contribution_update(
    *,
    contribution: AssessedContribution,
    invoiced: Decimal | None,
    paid: Decimal | None,
    reason: str = "",
) -> AssessedContribution:
    current = AssessedContribution.objects.select_for_update().get(pk=contribution.pk)
    for name, value in (("invoiced", invoiced), ("paid", paid)):
        if value is not None and value < 0:
            raise ValidationError({name: "Give an amount of zero or more."})
    current.invoiced = invoiced
    current.paid = paid
    current.full_clean()
    current._change_reason = reason.strip()
    current.save(update_fields=["invoiced", "paid"])
    return current


@transaction.atomic
def allocation_create(
    *,
    budget_line: BudgetLine,
    country: str,
    amount: Decimal,
    description: str,
    reported_in: str = "",
    created_by: Any = None,
) -> Allocation:
    """Record what the organisation reports it allocated from an earmarked line.

    Earmarked money may only go to countries on the DAC list in force for the line's year.
    """
    line = _locked_line(budget_line)
    if line.component not in EARMARKED_COMPONENTS:
        raise ValidationError(
            {"budget_line": "Allocations are reported for the priority-area (earmarked) lines."}
        )
    code = (country or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValidationError({"country": "Give the ISO 3166 alpha-2 code, e.g. ET."})
    why_not = dac.refusal(code, line.year)
    if why_not:
        raise ValidationError({"country": why_not})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Give a positive amount."})
    allocated = line.allocations.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if allocated + amount > line.amount:
        raise ValidationError(
            {
                "amount": f"Allocations would exceed {line.label} (DKK {line.amount:,.2f}): "
                f"DKK {line.amount - allocated:,.2f} is not yet allocated."
            }
        )
    allocation = Allocation(
        budget_line=line,
        country=code,
        amount=amount,
        currency=Currency.DKK,
        description=description.strip(),
        reported_in=reported_in.strip(),
        created_by=created_by,
    )
    allocation.full_clean()
    allocation.save()
    return allocation


@transaction.atomic
def staff_position_create(*, partnership: Partnership, **fields: Any) -> StaffPosition:
    """Register a Danish national in the organisation; a secondment's cost counts against
    its secondments line and may not take it past its amount."""
    line = fields.get("budget_line")
    position = StaffPosition(partnership=partnership, **fields)
    position.full_clean()
    if position.kind == StaffPosition.Kind.SECONDMENT and line is not None:
        line = _locked_line(line)
        if line.component != Component.SECONDMENTS:
            raise ValidationError({"budget_line": "Choose a secondments line."})
        used = line.secondments.aggregate(total=Sum("cost"))["total"] or Decimal(0)
        if used + position.cost > line.amount:
            raise ValidationError(
                {
                    "cost": f"Secondments would cost more than {line.label} (DKK "
                    f"{line.amount:,.2f}): DKK {line.amount - used:,.2f} is left."
                }
            )
    try:
        with transaction.atomic():
            position.save()
    except IntegrityError as exc:  # a constraint the form could not see
        raise ValidationError({"kind": str(exc)}) from exc
    return position
