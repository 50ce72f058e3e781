"""Writes to a partnership's funding. Each is atomic, validates before it saves and
raises ``ValidationError`` with a field dict; nothing is half-saved."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from core import caching
from core import formatting
from core import tabular
from core.models import check_date_in_range
from core.reasons import clean_reason
from core.services import apply_changes
from core.services import editable
from core.services import record_create
from core.services import record_withdraw
from partnership.models import Currency
from partnership.models import Partnership

from . import annex
from . import dac
from . import selectors
from .annex import AnnexImportError
from .annex import RowError
from .models import CENT
from .models import EARMARKED_COMPONENTS
from .models import FOREIGN_CURRENCIES
from .models import Allocation
from .models import AssessedContribution
from .models import BudgetLine
from .models import BudgetLineTransition
from .models import Component
from .models import ContributionImport
from .models import Disbursement
from .models import ExchangeRate
from .models import StaffPosition
from .models import StatedSubtotal
from .models import VoluntaryContribution

Status = BudgetLine.Status

# The only moves a line may make.
TRANSITIONS = {
    Status.INDICATIVE: {Status.COMMITTED},
    Status.COMMITTED: {Status.CLOSED},
    Status.CLOSED: set(),
}


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _locked_line(budget_line: BudgetLine) -> BudgetLine:
    """Re-read the line with a row lock (PostgreSQL) for the rest of the transaction."""
    return (
        BudgetLine.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=budget_line.pk)
    )


def _transition(
    *, line: BudgetLine, to_status: str, by: Any, reason: str, reference: str = ""
) -> BudgetLine:
    """Move a locked line one step of its lifecycle, with the reason in its history."""
    if to_status not in TRANSITIONS[Status(line.status)]:
        raise ValidationError(
            {
                "status": _("%(label)s is %(line)s: it cannot become %(label2)s.")
                % {
                    "label": line.label,
                    "line": line.get_status_display().lower(),
                    "label2": Status(to_status).label.lower(),
                }
            }
        )
    from_status = line.status
    line.status = to_status
    if reference:
        line.finance_act_reference = reference
    line.full_clean()
    line._change_reason = reason
    line.save(update_fields=["status", "finance_act_reference"])
    BudgetLineTransition.objects.create(
        budget_line=line,
        from_status=from_status,
        to_status=to_status,
        finance_act_reference=line.finance_act_reference,
        note=reason,
        by=by,
    )
    return line


@transaction.atomic
def budget_line_create(
    *,
    partnership: Partnership,
    by: Any,
    year: int,
    component: str,
    amount: Decimal,
    status: str = Status.INDICATIVE,
    finance_act_reference: str = "",
    citation: str = "",
    reason: str = "",
) -> BudgetLine:
    """A line of the partnership's budget table (DKK): one per year of the agreement and
    component. A line is created indicative, or already committed (or closed) under the
    Finance Act that approved it, as a strategy's budget table states it."""
    if BudgetLine.objects.filter(partnership=partnership, year=year, component=component).exists():
        raise ValidationError(
            {
                "component": _("The budget already has a %(year)s line for this component.")
                % {"year": year}
            }
        )
    line = BudgetLine(
        partnership=partnership,
        year=year,
        component=component,
        amount=amount,
        currency=Currency.DKK,
        status=status,
        finance_act_reference=finance_act_reference.strip(),
        citation=citation.strip(),
    )
    line.full_clean()
    line._history_user = by
    line._change_reason = reason
    line.save()
    return line


@transaction.atomic
def budget_year_commit(
    *, partnership: Partnership, year: int, finance_act_reference: str, reason: str, by: Any
) -> list[BudgetLine]:
    """Parliament has approved a year's money: every line of the year still indicative is
    committed under the one Finance Act reference, all of them or none."""
    errors: dict[str, list[str]] = {}
    reference = (finance_act_reference or "").strip()
    if not reference:
        errors["finance_act_reference"] = [
            _("Give the Finance Act under which Parliament approved the year's money.")
        ]
    try:
        reason = clean_reason(reason)
    except ValidationError as error:
        errors.update(error.message_dict)
    if year not in partnership.years:
        errors["year"] = [
            _("The agreement runs %(first)s–%(last)s.")
            % {"first": partnership.years[0], "last": partnership.years[-1]}
        ]
    _raise(errors)
    lines = list(
        BudgetLine.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .filter(partnership=partnership, year=year, status=Status.INDICATIVE)
        .order_by("component")
    )
    if not lines:
        raise ValidationError(
            {
                "year": _("No line of %(year)s awaits approval: its lines are committed already.")
                % {"year": year}
            }
        )
    for line in lines:
        _transition(
            line=line, to_status=Status.COMMITTED, by=by, reason=reason, reference=reference
        )
    return lines


@transaction.atomic
def budget_line_close(*, budget_line: BudgetLine, by: Any, reason: str) -> BudgetLine:
    """No further payments on the line (refunds still come back to it)."""
    reason = clean_reason(reason)
    line = _locked_line(budget_line)
    return _transition(line=line, to_status=Status.CLOSED, by=by, reason=reason)


@transaction.atomic
def budget_line_assign(
    *, budget_line: BudgetLine, by: Any, assignee: Any, reason: str = ""
) -> BudgetLine:
    """Name the member responsible for a line until it is paid (``None``: nobody). A closed
    line needs no one."""
    line = _locked_line(budget_line)
    if line.assignee_id == getattr(assignee, "pk", None):
        return line
    if line.status == Status.CLOSED:
        raise ValidationError(
            {"assignee": _("%(label)s is closed: nothing is left to do.") % {"label": line.label}}
        )
    line.assignee = assignee
    line.full_clean()
    line._history_user = by
    line._change_reason = reason.strip()
    line.save(update_fields=["assignee"])
    return line


def to_dkk(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def disbursement_create(
    *,
    budget_line: BudgetLine,
    by: Any,
    value_date: dt.date,
    amount: Decimal,
    currency: str,
    reference: str,
    kind: str = Disbursement.Kind.PAYMENT,
    debited_dkk: Decimal | None = None,
    accept_stale_rate: bool = False,
) -> Disbursement:
    """Pay (or take back) money on a line.

    A payment in USD or CHF is converted with the latest rate on or before its value date;
    a rate older than ``EXCHANGE_RATE_MAX_AGE_DAYS`` is used only when the caller says so
    (``accept_stale_rate``). ``debited_dkk``, what the ministry's accounts show, counts
    against the line where given; the computed equivalent is kept beside it.

    The line is locked first, so two payments at the same moment are checked one after
    the other: the second sees the first and is refused if the line would go past its
    amount.
    """
    line = _locked_line(budget_line)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Give a positive amount; a refund is its own kind.")})
    # Before the rate is looked up: a day still to come, or one outside the years a date
    # is typed in, has no rate to speak of.
    check_date_in_range(value_date, field="value_date")
    Disbursement.check_value_date(value_date, line.partnership)
    if kind == Disbursement.Kind.PAYMENT and line.status != Status.COMMITTED:
        raise ValidationError(
            {
                "budget_line": _("%(label)s is %(line)s: payments need a committed line.")
                % {"label": line.label, "line": line.get_status_display().lower()}
            }
        )
    if kind == Disbursement.Kind.REFUND and line.status == Status.INDICATIVE:
        raise ValidationError(
            {"budget_line": _("Nothing has been paid on %(label)s.") % {"label": line.label}}
        )
    errors: dict[str, list[str]] = {}
    rate_row = None
    if currency == Currency.DKK:
        rate = Decimal(1)
        if debited_dkk is not None and debited_dkk != amount:
            errors["debited_dkk"] = [
                _("A payment in DKK is debited as it is: leave the amount debited empty.")
            ]
    else:
        used = selectors.rate_used(
            partnership=line.partnership, currency=currency, value_date=value_date
        )
        rate_row, rate = used.rate, used.rate.rate
        if used.stale and not accept_stale_rate:
            errors["accept_stale_rate"] = [used.warning]
    if debited_dkk is not None and debited_dkk <= 0:
        errors["debited_dkk"] = [_("Give the positive amount debited, or leave it empty.")]
    amount_dkk = to_dkk(amount, rate)
    booked = amount_dkk if debited_dkk is None else debited_dkk
    # Read after the lock, in a query of its own: it sees a payment made a moment before.
    totals = selectors.budget_line_with_disbursed(budget_line=line)
    if kind == Disbursement.Kind.PAYMENT:
        if booked > totals.left:
            errors["amount"] = [
                _(
                    "This payment (%(booked)s) would take %(line)s past its amount of "
                    "%(amount)s: %(left)s is left."
                )
                % {
                    "booked": formatting.money(booked, "DKK", 2),
                    "line": line.label,
                    "amount": formatting.money(line.amount, "DKK", 2),
                    "left": formatting.money(totals.left, "DKK", 2),
                }
            ]
    elif booked > totals.disbursed:
        errors["amount"] = [
            _("The refund (%(booked)s) is more than the %(paid)s paid on %(line)s.")
            % {
                "booked": formatting.money(booked, "DKK", 2),
                "paid": formatting.money(totals.disbursed, "DKK", 2),
                "line": line.label,
            }
        ]
    _raise(errors)
    disbursement = Disbursement(
        budget_line=line,
        kind=kind,
        value_date=value_date,
        amount=amount,
        currency=currency,
        exchange_rate=rate,
        rate=rate_row,
        amount_dkk=amount_dkk,
        debited_dkk=None if currency == Currency.DKK else debited_dkk,
        reference=reference.strip(),
        created_by=by,
    )
    disbursement.full_clean()
    disbursement.save()
    return disbursement


def _check_rate_not_recorded(
    *, partnership: Partnership, currency: str, date: dt.date, exclude: int | None = None
) -> None:
    """One rate a currency and day: another is said at the date, naming the one on file
    (the constraint's own message is form-wide and names no field)."""
    recorded = (
        ExchangeRate.objects.filter(partnership=partnership, currency=currency, date=date)
        .exclude(pk=exclude)
        .first()
    )
    if recorded is not None:
        path = reverse(
            "funding:exchange-rate-edit", kwargs={"slug": partnership.slug, "pk": recorded.pk}
        )
        raise ValidationError(
            {
                "date": _(
                    "A %(currency)s rate of %(date)s is already recorded: correct it "
                    "instead (%(path)s)."
                )
                % {"currency": currency, "date": date_format(date), "path": path}
            }
        )


@transaction.atomic
def exchange_rate_create(
    *,
    partnership: Partnership,
    currency: str,
    date: dt.date,
    rate: Decimal,
    source: str,
    by: Any = None,
) -> ExchangeRate:
    _check_rate_not_recorded(partnership=partnership, currency=currency, date=date)
    exchange_rate = ExchangeRate(
        partnership=partnership,
        currency=currency,
        date=date,
        rate=rate,
        source=source.strip(),
        created_by=by,
    )
    exchange_rate.full_clean()
    exchange_rate.save()
    return exchange_rate


def _payments_using(exchange_rate: ExchangeRate) -> tuple[int, str]:
    """How many payments were converted with the rate, and the first few references."""
    references = list(
        Disbursement.objects.filter(rate=exchange_rate)
        .order_by("value_date", "pk")
        .values_list("reference", flat=True)[:4]
    )
    count = Disbursement.objects.filter(rate=exchange_rate).count() if references else 0
    shown = ", ".join(references[:3]) + (", …" if count > 3 else "")
    return count, shown


def _rate_in_use(count: int, shown: str, *, withdrawing: bool) -> str:
    """Why a rate payments were converted with keeps its figure (or stays): whole sentences,
    in the singular or plural, so that each language words them its own way."""
    if withdrawing:
        message = ngettext(
            "%(count)s payment was converted with this rate (%(shown)s): it cannot be "
            "withdrawn. A payment is corrected by a refund; enter a new rate for the payments "
            "to come.",
            "%(count)s payments were converted with this rate (%(shown)s): it cannot be "
            "withdrawn. A payment is corrected by a refund; enter a new rate for the payments "
            "to come.",
            count,
        )
    else:
        message = ngettext(
            "%(count)s payment was converted with this rate (%(shown)s): its currency, date "
            "and figure stay. A payment is corrected by a refund; enter a new rate for the "
            "payments to come.",
            "%(count)s payments were converted with this rate (%(shown)s): its currency, date "
            "and figure stay. A payment is corrected by a refund; enter a new rate for the "
            "payments to come.",
            count,
        )
    return message % {"count": count, "shown": shown}


@transaction.atomic
def exchange_rate_update(
    *,
    exchange_rate: ExchangeRate,
    currency: str,
    date: dt.date,
    rate: Decimal,
    source: str,
    reason: str,
) -> ExchangeRate:
    """Correct a rate. Once a payment was converted with it, only its source may change:
    the payment's DKK equivalent rests on the figure and date as they were."""
    reason = clean_reason(reason)
    current = ExchangeRate.objects.select_for_update().get(pk=exchange_rate.pk)
    figures_change = (currency, date, rate) != (current.currency, current.date, current.rate)
    if figures_change:
        count, shown = _payments_using(current)
        if count:
            raise ValidationError({"rate": _rate_in_use(count, shown, withdrawing=False)})
    _check_rate_not_recorded(
        partnership=current.partnership, currency=currency, date=date, exclude=current.pk
    )
    changes = {"currency": currency, "date": date, "rate": rate, "source": (source or "").strip()}
    return apply_changes(current=current, changes=changes, reason=reason)


@transaction.atomic
def exchange_rate_withdraw(*, exchange_rate: ExchangeRate, reason: str) -> None:
    """Withdraw a rate entered by mistake; refused once a payment was converted with it
    (the payments' foreign key protects it in the database too)."""
    reason = clean_reason(reason)
    count, shown = _payments_using(exchange_rate)
    if count:
        raise ValidationError({NON_FIELD_ERRORS: _rate_in_use(count, shown, withdrawing=True)})
    record_withdraw(instance=exchange_rate, reason=reason)


RATE_COLUMNS = ("currency", "date", "rate", "source")
# A rate a working day for each currency over ten years is some 5,200 rows and 250 KB.
RATE_IMPORT_LIMITS = tabular.Limits(
    max_bytes=1024 * 1024, max_rows=10_001, max_columns=20, max_value_chars=500
)


@transaction.atomic
def exchange_rates_import_csv(
    *, partnership: Partnership, content: bytes, by: Any = None
) -> tuple[int, int]:
    """Import rates from a CSV file with the columns currency, date, rate, source.

    All or nothing: any bad row refuses the whole file, with the row, column and reason
    (the first ``tabular.MAX_LISTED``, then how many more). A file past
    ``RATE_IMPORT_LIMITS`` is refused before its rows are checked. A rate already recorded
    with the same value is skipped; a different value is an error.
    Returns (added, already present).
    """
    table = tabular.read_csv(content, RATE_IMPORT_LIMITS)
    header = [name.strip() for name in table[0]] if table else []
    missing = [c for c in RATE_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            {"file": _("Missing column(s): %(join)s.") % {"join": ", ".join(missing)}}
        )
    errors: list[str] = []
    parsed: list[tuple[int, ExchangeRate]] = []
    for number, cells in enumerate(table[1:], start=2):
        row = dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=False))
        rate = _rate_of_row(partnership, number, row, errors)
        if rate is not None:
            parsed.append((number, rate))
    if errors:
        raise ValidationError({"file": tabular.listed(errors)})
    existing = {
        (r.currency, r.date): r.rate for r in ExchangeRate.objects.filter(partnership=partnership)
    }
    added = skipped = 0
    for number, rate in parsed:
        key = (rate.currency, rate.date)
        if key in existing:
            if existing[key] != rate.rate:
                errors.append(
                    _(
                        "Row %(row)s, rate: %(currency)s on %(date)s is already recorded as "
                        "%(rate)s."
                    )
                    % {
                        "row": number,
                        "currency": rate.currency,
                        "date": rate.date,
                        "rate": number_format(existing[key]),
                    }
                )
            skipped += 1
            continue
        existing[key] = rate.rate
        rate.created_by = by
        rate.save()
        added += 1
    if errors:
        raise ValidationError({"file": tabular.listed(errors)})
    return added, skipped


def _rate_of_row(
    partnership: Partnership, number: int, row: dict[str, str], errors: list[str]
) -> ExchangeRate | None:
    """The row's rate, checked as the model checks one; else None and its problems added."""
    try:
        rate = ExchangeRate(
            partnership=partnership,
            currency=_rate_currency(row["currency"]),
            date=_rate_date(row["date"]),
            rate=_rate_value(row["rate"]),
            source=_rate_source(row["source"]),
        )
        rate.full_clean(exclude=["partnership", "created_by"], validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.extend(
                _("Row %(row)s, %(column)s: %(reason)s")
                % {"row": number, "column": field, "reason": message}
                for message in messages
            )
        return None
    return rate


def _rate_currency(text: str) -> str:
    currency = text.upper()
    if currency not in dict(FOREIGN_CURRENCIES):
        raise ValidationError(
            {"currency": _("%(shown)s is not USD or CHF.") % {"shown": _shown(currency)}}
        )
    return currency


def _rate_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {"date": _("%(shown)s is not a date (YYYY-MM-DD).") % {"shown": _shown(text)}}
        ) from None


def _rate_source(text: str) -> str:
    if not text:
        raise ValidationError({"source": _("say who published the rate.")})
    return text


def _rate_value(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError({"rate": _("%(shown)s is not a number.") % {"shown": _shown(text)}})
    if value <= 0:
        raise ValidationError({"rate": _("must be more than zero.")})
    return value


def _shown(text: str, limit: int = 40) -> str:
    """A value as a message quotes it: a long one cut short."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _not_negative(**amounts: Decimal | None) -> None:
    _raise(
        {
            name: [_("Give an amount of zero or more.")]
            for name, value in amounts.items()
            if value is not None and value < 0
        }
    )


@transaction.atomic
def assessed_contribution_create(
    *,
    partnership: Partnership,
    year: int,
    scale_percent: Decimal,
    administrative_budget: Decimal | None,
    currency: str,
    paying_ministry: str,
    invoiced: Decimal | None = None,
    paid: Decimal | None = None,
    by: Any,
    reason: str = "",
) -> AssessedContribution:
    """A further year of the assessed contribution (the strategy states 2017 and 2018)."""
    if AssessedContribution.objects.filter(partnership=partnership, year=year).exists():
        # Said at the year, naming the page that corrects it (the constraint's own
        # message is form-wide).
        path = reverse(
            "funding:assessed-contribution-edit", kwargs={"slug": partnership.slug, "year": year}
        )
        raise ValidationError(
            {
                "year": _(
                    "%(year)s already has an assessed contribution: correct it instead (%(path)s)."
                )
                % {"year": year, "path": path}
            }
        )
    _not_negative(administrative_budget=administrative_budget, invoiced=invoiced, paid=paid)
    contribution = AssessedContribution(
        partnership=partnership,
        year=year,
        scale_percent=scale_percent,
        administrative_budget=administrative_budget,
        currency=currency,
        paying_ministry=(paying_ministry or "").strip(),
        invoiced=invoiced,
        paid=paid,
    )
    reason = clean_reason(reason) if (reason or "").strip() else ""
    return record_create(instance=contribution, by=by, reason=reason)


# What a correction of a year of the assessed contribution may change.
ASSESSED_FIELDS = ("scale_percent", "administrative_budget", "paying_ministry", "invoiced", "paid")


@transaction.atomic
def assessed_contribution_update(
    *,
    contribution: AssessedContribution,
    scale_percent: Decimal,
    administrative_budget: Decimal | None,
    paying_ministry: str,
    invoiced: Decimal | None,
    paid: Decimal | None,
    reason: str = "",
) -> AssessedContribution:
    """Record what was invoiced and paid, or correct the year's scale and budget once known."""
    current = AssessedContribution.objects.select_for_update().get(pk=contribution.pk)
    _not_negative(administrative_budget=administrative_budget, invoiced=invoiced, paid=paid)
    changes = {
        "scale_percent": scale_percent,
        "administrative_budget": administrative_budget,
        "paying_ministry": (paying_ministry or "").strip(),
        "invoiced": invoiced,
        "paid": paid,
    }
    reason = clean_reason(reason) if (reason or "").strip() else ""
    return apply_changes(current=current, changes=changes, reason=reason)


def _allocation_checks(
    *, line: BudgetLine, country: str, amount: Decimal, exclude: Allocation | None = None
) -> str:
    """The rules an allocation keeps on a locked line; returns the country's code."""
    if line.component not in EARMARKED_COMPONENTS:
        raise ValidationError(
            {"budget_line": _("Allocations are reported for the priority-area (earmarked) lines.")}
        )
    errors: dict[str, list[str]] = {}
    code = (country or "").strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        errors["country"] = [_("Give the ISO 3166 alpha-2 code, e.g. NE for Niger.")]
    else:
        why_not = dac.refusal(code, line.year)
        if why_not:
            errors["country"] = [why_not]
    if amount is None or amount <= 0:
        errors["amount"] = [_("Give a positive amount.")]
    else:
        others = line.allocations.exclude(pk=exclude.pk) if exclude else line.allocations.all()
        allocated = others.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if allocated + amount > line.amount:
            errors["amount"] = [
                _("Allocations would exceed %(line)s (%(amount)s): %(left)s is not yet allocated.")
                % {
                    "line": line.label,
                    "amount": formatting.money(line.amount, "DKK", 2),
                    "left": formatting.money(line.amount - allocated, "DKK", 2),
                }
            ]
    _raise(errors)
    return code


# What a correction of an allocation may change.
ALLOCATION_FIELDS = ("budget_line", "country", "amount", "description", "reported_in")


@transaction.atomic
def allocation_create(
    *,
    budget_line: BudgetLine,
    country: str,
    amount: Decimal,
    description: str,
    reported_in: str = "",
    by: Any = None,
) -> Allocation:
    """Record what the organisation reports it allocated from an earmarked line.

    Earmarked money may only go to countries on the DAC list in force for the line's year.
    """
    line = _locked_line(budget_line)
    code = _allocation_checks(line=line, country=country, amount=amount)
    allocation = Allocation(
        budget_line=line,
        country=code,
        amount=amount,
        currency=Currency.DKK,
        description=description.strip(),
        reported_in=reported_in.strip(),
        created_by=by,
    )
    allocation.full_clean()
    allocation.save()
    return allocation


@transaction.atomic
def allocation_update(
    *,
    allocation: Allocation,
    budget_line: BudgetLine,
    country: str,
    amount: Decimal,
    description: str,
    reported_in: str,
    reason: str,
) -> Allocation:
    """Correct an allocation: the same rules as a new one, against the line it moves to."""
    reason = clean_reason(reason)
    current = Allocation.objects.select_for_update().get(pk=allocation.pk)
    line = _locked_line(budget_line)
    code = _allocation_checks(line=line, country=country, amount=amount, exclude=current)
    changes = {
        "budget_line": line,
        "country": code,
        "amount": amount,
        "description": (description or "").strip(),
        "reported_in": (reported_in or "").strip(),
    }
    return apply_changes(current=current, changes=changes, reason=reason)


def allocation_withdraw(*, allocation: Allocation, reason: str) -> None:
    """Withdraw an allocation recorded by mistake; its history keeps it and the reason."""
    record_withdraw(instance=allocation, reason=reason)


STAFF_FIELDS = (
    "kind", "name", "position", "grade", "duty_station", "start_date", "end_date",
    "budget_line", "cost",
)  # fmt: skip


def _check_secondment_cost(position: StaffPosition) -> None:
    """A secondment's cost may not take its (locked) line past its amount."""
    if position.kind != StaffPosition.Kind.SECONDMENT or position.budget_line_id is None:
        return
    line = _locked_line(position.budget_line)
    if line.component != Component.SECONDMENTS:
        raise ValidationError({"budget_line": _("Choose a secondments line.")})
    others = line.secondments.exclude(pk=position.pk) if position.pk else line.secondments.all()
    used = others.aggregate(total=Sum("cost"))["total"] or Decimal(0)
    if used + position.cost > line.amount:
        raise ValidationError(
            {
                "cost": _(
                    "Secondments would cost more than %(label)s (DKK %(amount)s): DKK "
                    "%(value)s is left."
                )
                % {
                    "label": line.label,
                    "amount": formatting.amount(line.amount, 2),
                    "value": formatting.amount(line.amount - used, 2),
                }
            }
        )


def _save_position(position: StaffPosition, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            position.save(**kwargs)
    except IntegrityError as exc:  # a constraint the form could not see
        raise ValidationError({"kind": str(exc)}) from exc


@transaction.atomic
def staff_position_create(
    *, partnership: Partnership, by: Any = None, **fields: Any
) -> StaffPosition:
    """Register a Danish national in the organisation; a secondment's cost counts against
    its secondments line and may not take it past its amount."""
    position = StaffPosition(partnership=partnership, **fields)
    position.full_clean()
    _check_secondment_cost(position)
    if by is not None:
        position._history_user = by  # else the request's user (HistoryRequestMiddleware)
    _save_position(position)
    return position


@transaction.atomic
def staff_position_update(
    *, staff_position: StaffPosition, reason: str, **fields: Any
) -> StaffPosition:
    """Correct a position (the fields of ``STAFF_FIELDS``), by the rules of a new one."""
    reason = clean_reason(reason)
    editable(STAFF_FIELDS, fields)
    current = StaffPosition.objects.select_for_update().get(pk=staff_position.pk)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    _check_secondment_cost(current)
    current._change_reason = reason
    _save_position(current, update_fields=list(fields))
    return current


def staff_position_withdraw(*, staff_position: StaffPosition, reason: str) -> None:
    """Withdraw a position registered by mistake; its history keeps it and the reason."""
    record_withdraw(instance=staff_position, reason=reason)


# --- Annex IV: the organisation's funding history -----------------------------------------


@dataclass
class ImportResult:
    record: ContributionImport
    already_imported: bool = False


@transaction.atomic
def voluntary_contributions_import(
    *, partnership: Partnership, content: bytes, filename: str, by: Any = None
) -> ImportResult:
    """Import a file in the Annex IV layout (``annex``): all or nothing, and idempotent.

    The same file a second time adds nothing. A row already stored with the same figure
    is left alone; a row stored with a different figure refuses the file
    (``AnnexImportError``, with every problem's row, column and reason).
    """
    digest = hashlib.sha256(content).hexdigest()
    earlier = ContributionImport.objects.filter(partnership=partnership, sha256=digest).first()
    if earlier is not None:
        return ImportResult(record=earlier, already_imported=True)
    parsed = annex.parse(*annex.read_rows(content=content))
    errors = list(parsed.errors)
    if not errors and not parsed.contributions and not parsed.subtotals:
        errors.append(RowError(2, "file", _("The file has no rows to import.")))
    new_contributions = _new_contributions(partnership, parsed.contributions, errors)
    new_subtotals = _new_subtotals(partnership, parsed.subtotals, errors)
    if errors:
        raise AnnexImportError(sorted(errors, key=lambda e: e.row))

    record = ContributionImport.objects.create(
        partnership=partnership,
        filename=filename[:255],
        sha256=digest,
        rows_read=parsed.rows_read,
        contributions_added=len(new_contributions),
        subtotals_added=len(new_subtotals),
        imported_by=by,
    )
    contributions = [
        VoluntaryContribution(partnership=partnership, source_import=record, **row)
        for row in new_contributions
    ]
    subtotals = [
        StatedSubtotal(partnership=partnership, source_import=record, **row)
        for row in new_subtotals
    ]
    for obj in (*contributions, *subtotals):
        # Uniqueness was checked above against what is stored and within the file.
        obj.full_clean(
            exclude=["partnership", "source_import"],
            validate_unique=False,
            validate_constraints=False,
        )
    bulk_create_with_history(contributions, VoluntaryContribution, default_user=by)
    bulk_create_with_history(subtotals, StatedSubtotal, default_user=by)
    caching.changed()  # bulk_create sends no signal: say so, or cached lists would not know
    return ImportResult(record=record)


def _contribution_key(row: dict) -> tuple:
    return (row["project_code"], row["donor_unit"], row["country"], row["year"])


def _new_contributions(
    partnership: Partnership, rows: list[dict], errors: list[RowError]
) -> list[dict]:
    """The rows not stored yet; a row twice in the file, or stored with another figure,
    is an error."""
    stored = {
        _contribution_key(r): r["amount"]
        for r in VoluntaryContribution.objects.filter(partnership=partnership).values(
            "project_code", "donor_unit", "country", "year", "amount"
        )
    }
    new, seen = [], {}
    for row in rows:
        key = _contribution_key(row)
        what = f"{row['project_code']} {row['year']}"
        if key in seen:
            errors.append(
                RowError(
                    row["source_row"],
                    str(row["year"]),
                    _("%(what)s is already on row %(row)s.") % {"what": what, "row": seen[key]},
                )
            )
            continue
        seen[key] = row["source_row"]
        if key not in stored:
            new.append(row)
        elif stored[key] != row["amount"]:
            errors.append(
                RowError(
                    row["source_row"],
                    str(row["year"]),
                    _("%(what)s is already recorded as %(stored)s, not %(amount)s.")
                    % {
                        "what": what,
                        "stored": formatting.amount(stored[key], 0),
                        "amount": formatting.amount(row["amount"], 0),
                    },
                )
            )
    return new


def _subtotal_key(row: dict) -> tuple:
    return (row["source_table"], row["level"], row["name"], row.get("parent_row"), row["year"])


def _new_subtotals(
    partnership: Partnership, rows: list[dict], errors: list[RowError]
) -> list[dict]:
    """The stated figures not stored yet; one stored with another figure is an error."""
    stored = {
        _subtotal_key(r): r["amount"]
        for r in StatedSubtotal.objects.filter(partnership=partnership).values(
            "source_table", "level", "name", "parent_row", "year", "amount"
        )
    }
    new = []
    for row in rows:
        key = _subtotal_key(row)
        if key not in stored:
            stored[key] = row["amount"]
            new.append(row)
        elif stored[key] != row["amount"]:
            errors.append(
                RowError(
                    row["source_row"],
                    str(row["year"] or "Total"),
                    _("%(what)s is already recorded as %(stored)s, not %(amount)s.")
                    % {
                        "what": row["name"],
                        "stored": formatting.amount(stored[key], 0),
                        "amount": formatting.amount(row["amount"], 0),
                    },
                )
            )
    return new
