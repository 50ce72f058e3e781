"""The OECD DAC List of ODA Recipients, read from the reference data in ``fixtures/``.

The 2018–2020 edition applies to 2018, 2019 and 2020 flows. A country that graduated
during the list's life is on it only for the years before its graduation took effect;
those exceptions are listed, with their source, in ``fixtures/dac_list_graduations.csv``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
LIST_FILE = FIXTURES / "dac_list_2018_2020.csv"
GRADUATIONS_FILE = FIXTURES / "dac_list_graduations.csv"
ISO_FILE = FIXTURES / "iso_3166_1.csv"
LIST_NAME = "OECD DAC List of ODA Recipients effective for reporting on 2018, 2019 and 2020 flows"
LIST_SHORT_NAME = "DAC List of ODA Recipients 2018–2020"
LIST_YEARS = range(2018, 2021)
# The list's own order of its income groups, poorest first.
INCOME_GROUPS = (
    "Least Developed Countries",
    "Other Low Income Countries",
    "Lower Middle Income Countries and Territories",
    "Upper Middle Income Countries and Territories",
)


@dataclass(frozen=True)
class Recipient:
    iso2: str
    name: str
    income_group: str
    not_eligible_from_year: int | None = None
    graduation_source: str = ""

    def eligible_in(self, year: int) -> bool:
        return year in LIST_YEARS and (
            self.not_eligible_from_year is None or year < self.not_eligible_from_year
        )


@cache
def recipients() -> dict[str, Recipient]:
    """Every country on the list as adopted, by ISO code (read once per process)."""
    with GRADUATIONS_FILE.open(encoding="utf-8", newline="") as handle:
        graduations = {row["iso2"]: row for row in csv.DictReader(handle)}
    result = {}
    with LIST_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            graduation = graduations.get(row["iso2"])
            result[row["iso2"]] = Recipient(
                iso2=row["iso2"],
                name=row["name"],
                income_group=row["income_group"],
                not_eligible_from_year=int(graduation["not_eligible_from_year"])
                if graduation
                else None,
                graduation_source=graduation["source"] if graduation else "",
            )
    return result


@cache
def iso_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name."""
    with ISO_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["alpha_2"]: row["name"] for row in csv.DictReader(handle)}


def country_name(iso2: str) -> str | None:
    """The name on the DAC list, else the ISO name; None for a code that is no country."""
    code = iso2.upper()
    found = recipients().get(code)
    return found.name if found else iso_names().get(code)


def recipient(iso2: str) -> Recipient | None:
    return recipients().get(iso2.upper())


def eligible(iso2: str, year: int) -> bool:
    found = recipient(iso2)
    return found is not None and found.eligible_in(year)


def refusal(iso2: str, year: int) -> str | None:
    """Why earmarked money for ``year`` may not go to ``iso2``; None when it may."""
    code = iso2.upper()
    found = recipient(code)
    if year not in LIST_YEARS:
        return str(
            _(
                "No DAC list for %(year)s is held here: the %(list)s covers "
                "%(first)s–%(last)s flows."
            )
            % {
                "year": year,
                "list": LIST_SHORT_NAME,
                "first": LIST_YEARS[0],
                "last": LIST_YEARS[-1],
            }
        )
    if found is None:
        name = iso_names().get(code)
        if name is None:
            return str(_("%(code)s is not an ISO 3166 alpha-2 country code.") % {"code": code})
        return str(
            _(
                "%(name)s (%(code)s) is not on the %(list)s in force for %(year)s: earmarked "
                "money may only go to countries on it."
            )
            % {"name": name, "code": code, "list": LIST_SHORT_NAME, "year": year}
        )
    if not found.eligible_in(year):
        return str(
            _(
                "%(name)s (%(code)s) is not on the %(list)s in force for %(year)s: it graduated "
                "with effect from 1 January %(graduated)s."
            )
            % {
                "name": found.name,
                "code": code,
                "list": LIST_SHORT_NAME,
                "year": year,
                "graduated": found.not_eligible_from_year,
            }
        )
    return None


def _normalised(text: str) -> str:
    """Case, accents, apostrophes and spacing set aside: "cote d’ivoire" is Côte d'Ivoire."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@cache
def _codes_by_name() -> dict[str, str]:
    names = {_normalised(name): code for code, name in iso_names().items()}
    names.update({_normalised(r.name): code for code, r in recipients().items()})
    return names


def option_label(iso2: str) -> str:
    """How the country picker writes a country: "Niger (NE)"."""
    return f"{country_name(iso2) or iso2} ({iso2})"


_LABELLED = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[A-Za-z]{2})\)$")


def lookup(text: str) -> str | None:
    """The ISO code a person means: a code ("NE", "ne"), a country's name on the DAC list or
    in ISO 3166 ("Niger", "côte d'ivoire"), or the picker's "Niger (NE)". None when nothing
    matches; never a guess from the first letters."""
    value = " ".join((text or "").split())
    if not value:
        return None
    if len(value) == 2 and value.isascii() and value.isalpha():
        code = value.upper()
        return code if country_name(code) else None
    labelled = _LABELLED.match(value)
    if labelled:
        code = labelled["code"].upper()
        name = country_name(code)
        if name and _codes_by_name().get(_normalised(labelled["name"])) == code:
            return code
    return _codes_by_name().get(_normalised(value))


@dataclass(frozen=True)
class Option:
    iso2: str
    label: str  # "Niger (NE)"
    note: str  # the income group, and the years it is not on the list, if any


def picker_options(years: Iterable[int]) -> list[Option]:
    """The countries on the list in force for any of ``years``, by income group and name,
    each noting its income group and any of those years it is not eligible in."""
    wanted = sorted(set(years))
    order = {group: n for n, group in enumerate(INCOME_GROUPS)}
    options = []
    for r in sorted(recipients().values(), key=lambda r: (order.get(r.income_group, 9), r.name)):
        eligible = [y for y in wanted if r.eligible_in(y)]
        if not eligible:
            continue
        note = r.income_group
        excluded = [y for y in wanted if y not in eligible and y in LIST_YEARS]
        if excluded:
            note += f" · not for {', '.join(map(str, excluded))} flows"
        options.append(
            Option(
                iso2=r.iso2,
                label=_("%(name)s (%(iso2)s)") % {"name": r.name, "iso2": r.iso2},
                note=note,
            )
        )
    return options
