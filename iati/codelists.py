"""The IATI codelists the application ships as reference data (``iati/codelists/``, their
version in ``codelists/VERSION``, their sources in ``codelists/SOURCE.md``).

The files the application publishes take their codes from here (``code()`` refuses one
that is not on its list), and ``validation.check_codes`` checks every coded value of a
built file against these lists before it is served.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from lxml import etree

CODELIST_DIR = Path(__file__).resolve().parent / "codelists"


class UnknownCodeError(LookupError):
    """A code that is not on the IATI codelist it belongs to."""


def safe_parser() -> etree.XMLParser:
    """A parser for XML the application reads: no entities resolved, no network, no DTD."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@cache
def version() -> str:
    """The version of the shipped codelists, as ``codelists/VERSION`` states it."""
    return (CODELIST_DIR / "VERSION").read_text(encoding="utf-8").strip()


@cache
def codelist(name: str) -> dict[str, str]:
    """The codes of the named list with their English names, in the list's order."""
    if name == "Sector":  # the newer DAC 5-digit list (see SOURCE.md)
        with (CODELIST_DIR / "Sector.csv").open(encoding="utf-8", newline="") as handle:
            return {row["Code"]: row["Name"] for row in csv.DictReader(handle)}
    path = CODELIST_DIR / f"{name}.xml"
    if not path.is_file():
        raise UnknownCodeError(f"No IATI codelist named {name} is shipped.")
    tree = etree.parse(str(path), safe_parser())
    codes: dict[str, str] = {}
    for item in tree.iterfind("codelist-items/codelist-item"):
        code = (item.findtext("code") or "").strip()
        names = [
            n.text or ""
            for n in item.iterfind("name/narrative")
            if n.get("{http://www.w3.org/XML/1998/namespace}lang") in (None, "en")
        ]
        codes[code] = (names[0] if names else "").strip()
    return codes


def code(name: str, value: str) -> str:
    """``value``, once it is known to be on the named codelist."""
    if value not in codelist(name):
        raise UnknownCodeError(f"{value!r} is not on the IATI {name} codelist ({version()}).")
    return value


def name_of(name: str, value: str) -> str:
    """The code's English name on its list (the code itself where it has none)."""
    return codelist(name).get(value) or value
