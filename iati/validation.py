"""Is a file valid IATI 2.03? Against the standard's XML schemas (``schemas/2.03/``,
offline) and, for the codes, against the shipped codelists, which the schemas do not
check. A file that fails either is never served (``publish.py``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from . import codelists

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "2.03"
SCHEMAS = {
    "iati-activities": "iati-activities-schema.xsd",
    "iati-organisations": "iati-organisations-schema.xsd",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Every coded value the application publishes: where it stands, and its codelist.
CODED: list[tuple[str, str]] = [
    ("/*/@version", "Version"),
    ("//@default-currency", "Currency"),
    ("//value/@currency", "Currency"),
    ("//reporting-org/@type", "OrganisationType"),
    ("//participating-org/@type", "OrganisationType"),
    ("//participating-org/@role", "OrganisationRole"),
    ("//provider-org/@type", "OrganisationType"),
    ("//receiver-org/@type", "OrganisationType"),
    ("//iati-activity/description/@type", "DescriptionType"),
    ("//activity-status/@code", "ActivityStatus"),
    ("//activity-date/@type", "ActivityDateType"),
    ("//recipient-country/@code", "Country"),
    ("//recipient-region/@vocabulary", "RegionVocabulary"),
    ("//recipient-region[@vocabulary='1' or not(@vocabulary)]/@code", "Region"),
    ("//sector/@vocabulary", "SectorVocabulary"),
    ("//sector[@vocabulary='1' or not(@vocabulary)]/@code", "Sector"),
    ("//collaboration-type/@code", "CollaborationType"),
    ("//default-flow-type/@code", "FlowType"),
    ("//flow-type/@code", "FlowType"),
    ("//default-finance-type/@code", "FinanceType"),
    ("//finance-type/@code", "FinanceType"),
    ("//default-aid-type/@vocabulary", "AidTypeVocabulary"),
    ("//aid-type/@vocabulary", "AidTypeVocabulary"),
    ("//default-aid-type[@vocabulary='1' or not(@vocabulary)]/@code", "AidType"),
    ("//aid-type[@vocabulary='1' or not(@vocabulary)]/@code", "AidType"),
    ("//budget/@type", "BudgetType"),
    ("//budget/@status", "BudgetStatus"),
    ("//total-budget/@status", "BudgetStatus"),
    ("//recipient-org-budget/@status", "BudgetStatus"),
    ("//transaction-type/@code", "TransactionType"),
]


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


_LOCK = threading.Lock()  # an XMLSchema object keeps its error log: one validation at a time


@cache
def schema(root: str) -> etree.XMLSchema:
    """The schema of a file whose root element is ``root``; the files it includes are read
    from beside it, never from the network."""
    path = SCHEMA_DIR / SCHEMAS[root]
    return etree.XMLSchema(etree.parse(str(path), codelists.safe_parser()))


def check_codes(tree: etree._ElementTree) -> list[Problem]:
    """Every coded value of the file that is not on its shipped codelist."""
    problems = []
    for path, name in CODED:
        known = codelists.codelist(name)
        for value in tree.xpath(path):
            if str(value) not in known:
                line = value.getparent().sourceline or 0
                problems.append(
                    Problem(line, f"{value.attrname}={value!s} is not on the IATI {name} codelist")
                )
    languages = codelists.codelist("Language")
    problems.extend(
        Problem(value.getparent().sourceline or 0, f"xml:lang={value!s} is not a language code")
        for value in tree.xpath("//@xml:lang")
        if str(value) not in languages
    )
    return problems


def validate(document: bytes) -> list[Problem]:
    """The problems of an IATI activity or organisation file (none: it is valid)."""
    try:
        tree = etree.ElementTree(etree.fromstring(document, codelists.safe_parser()))
    except etree.XMLSyntaxError as error:
        return [Problem(error.lineno or 0, f"not well-formed XML: {error.msg}")]
    root = tree.getroot().tag
    if root not in SCHEMAS:
        return [Problem(1, f"<{root}> is neither <iati-activities> nor <iati-organisations>")]
    xsd = schema(root)
    with _LOCK:
        valid = xsd.validate(tree)
        problems = [] if valid else [Problem(e.line, e.message) for e in xsd.error_log]
    return problems + check_codes(tree)
