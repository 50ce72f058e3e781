"""The OECD DAC List of ODA Recipients, read from the reference data in ``fixtures/``.

The 2018–2020 edition applies to 2018, 2019 and 2020 flows. A country that graduated
during the list's life is on it only for the years before its graduation took effect;
those exceptions are listed, with their source, in ``fixtures/dac_list_graduations.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
LIST_FILE = FIXTURES / "dac_list_2018_2020.csv"
GRADUATIONS_FILE = FIXTURES / "dac_list_graduations.csv"
ISO_FILE = FIXTURES / "iso_3166_1.csv"
LIST_NAME = "OECD DAC List of ODA Recipients effective for reporting on 2018, 2019 and 2020 flows"
LIST_SHORT_NAME = "DAC List of ODA Recipients 2018–2020"
LIST_YEARS = range(2018, 2021)


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
        return (
            f"No DAC list for {year} is held here: the {LIST_SHORT_NAME} covers "
            f"{LIST_YEARS[0]}–{LIST_YEARS[-1]} flows."
        )
    if found is None:
        name = iso_names().get(code)
        if name is None:
            return f"{code} is not an ISO 3166 alpha-2 country code."
        return (
            f"{name} ({code}) is not on the {LIST_SHORT_NAME} in force for {year}: "
            "earmarked money may only go to countries on it."
        )
    if not found.eligible_in(year):
        return (
            f"{found.name} ({code}) is not on the {LIST_SHORT_NAME} in force for {year}: it "
            f"graduated with effect from 1 January {found.not_eligible_from_year}."
        )
    return None


def choices_for(year: int | None = None) -> list[tuple[str, str]]:
    rows = sorted(recipients().values(), key=lambda r: r.name)
    if year is not None:
        rows = [r for r in rows if r.eligible_in(year)]
    return [(r.iso2, f"{r.name} ({r.iso2})") for r in rows]
