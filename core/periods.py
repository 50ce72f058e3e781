"""Period checks: what an app holds of a partnership by the year or the day (budget lines,
consultations, goal updates...), so that the agreement's period cannot shrink away from
it, without the partnership naming the apps that stand on it.

An app registers its check in its ``AppConfig.ready`` (``DomainAppConfig.period_check``:
its selectors' ``outside_period``). A check takes ``partnership``, ``start_date`` and
``end_date`` (the period proposed) and returns, by field (``start_date`` or
``end_date``), what it holds that the period would leave outside: messages for the
field, empty where nothing would be. It reads in one query, or none where the period
does not shrink on its side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

PeriodCheck = Callable[..., dict[str, list[str]]]

_CHECKS: list[PeriodCheck] = []


def register(check: PeriodCheck) -> None:
    if check not in _CHECKS:
        _CHECKS.append(check)


def outside(*, partnership: Any, start_date: dt.date, end_date: dt.date) -> dict[str, list[str]]:
    """What the apps hold that the period ``start_date``–``end_date`` would leave outside,
    by field, on the sides where it is shorter than the partnership's period now: a period
    that grows, or keeps a side, asks nothing of it (no query where it grows)."""
    sides = {
        "start_date": start_date > partnership.start_date,
        "end_date": end_date < partnership.end_date,
    }
    if not any(sides.values()):
        return {}
    errors: dict[str, list[str]] = {}
    for check in _CHECKS:
        found = check(partnership=partnership, start_date=start_date, end_date=end_date)
        for field, messages in found.items():
            if sides.get(field, True):
                errors.setdefault(field, []).extend(messages)
    return {field: messages for field, messages in errors.items() if messages}


def years_text(years: list[int]) -> str:
    """``2018``, ``2018 and 2020``, ``2017, 2018 and 2020``."""
    return get_text_list([str(year) for year in sorted(set(years))], _("and"))


def years_outside(
    years: list[int], *, start_date: dt.date, end_date: dt.date
) -> tuple[list[int], list[int]]:
    """Of ``years``, those before the period's first year and those after its last."""
    held = sorted(set(years))
    return (
        [year for year in held if year < start_date.year],
        [year for year in held if year > end_date.year],
    )


def years_errors(
    years: list[int], *, start_date: dt.date, end_date: dt.date, before: Any, after: Any
) -> dict[str, list[str]]:
    """The messages, by field, for ``years`` (one per record held) that the period
    ``start_date``–``end_date`` leaves outside. ``before`` and ``after`` are an app's whole
    sentences in the singular and plural (``ngettext_lazy(…, "count")``), given ``years``,
    the ``year`` the period must reach and the ``count`` of records."""
    early, late = years_outside(years, start_date=start_date, end_date=end_date)
    count_early = sum(1 for year in years if year < start_date.year)
    errors: dict[str, list[str]] = {}
    if early:
        errors["start_date"] = [
            before % {"years": years_text(early), "year": early[0], "count": count_early}
        ]
    if late:
        errors["end_date"] = [
            after % {"years": years_text(late), "year": late[-1], "count": len(years) - count_early}
        ]
    return errors
