"""Reading an IATI activity file the organisation publishes, safely and in bounded memory,
size and time.

The file is streamed (``lxml.etree.iterparse``), one activity at a time: each activity
and transaction is read when its element ends and then cleared, so memory holds one
activity, not the file. The parser never resolves an entity, never reads the network and
never loads a DTD, and any file that declares a document type is refused outright (an
IATI file has none; entity expansion and external entities both need one). The bytes are
counted as they are read: past the size limit, or past the time limit, reading stops.

What is kept (:func:`read`): the organisation's own activities that Denmark funds (a
transaction whose ``provider-org`` is the ministry or another Danish identifier, or
Denmark among the funding ``participating-org``), and their transactions with a Danish
provider. Everything else is counted, not kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from decimal import InvalidOperation
from typing import IO
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from lxml import etree

from . import codelists

MAX_PROBLEMS = 50
MAX_VALUE = Decimal(10) ** 16  # what a DecimalField(max_digits=18, decimal_places=2) holds
ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")
ROLE_FUNDING = "1"
VERSIONS = ("2.01", "2.02", "2.03")  # the IATI 2 versions an activity file may be of


class ImportRefusedError(ValidationError):
    """The file was refused, nothing was kept; the messages say why (at ``file``)."""

    def __init__(self, messages: list[str]):
        self.reasons = messages
        super().__init__({"file": messages})


class _LimitReachedError(Exception):
    """Reading stopped: the file is too large or took too long."""


def size_message(size: int | None, limit: int) -> str:
    """Why a file larger than ``limit`` bytes is refused (``size`` where it is known)."""
    most = f"{limit / 1024 / 1024:,.0f} MB"
    if not size:
        return gettext(
            "The file is larger than %(most)s; an IATI file to import may be at most %(most)s. "
            "It was refused before it was read."
        ) % {"most": most}
    return gettext(
        "The file is %(size)s; an IATI file to import may be at most %(most)s. It was refused "
        "before it was read."
    ) % {"size": f"{size / 1024 / 1024:,.0f} MB", "most": most}


class _BoundedReader:
    """The file as the parser reads it: hashed and counted, refused past ``limit`` bytes
    or past ``deadline`` (``time.monotonic()``)."""

    def __init__(self, handle: IO[bytes], *, limit: int, deadline: float, max_seconds: int):
        self.handle = handle
        self.limit = limit
        self.deadline = deadline
        self.max_seconds = max_seconds
        self.size = 0
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size if size and size > 0 else 64 * 1024)
        self.size += len(chunk)
        if self.size > self.limit:
            raise _LimitReachedError(size_message(None, self.limit))
        self.check_time()
        self.digest.update(chunk)
        return chunk

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _LimitReachedError(
                gettext(
                    "Reading the file took longer than %(seconds)s seconds and was stopped; "
                    "nothing was imported."
                )
                % {"seconds": self.max_seconds}
            )


@dataclass
class Transaction:
    transaction_type: str
    date: dt.date
    value: Decimal
    currency: str
    value_date: dt.date
    provider_org: str
    provider_name: str
    receiver_org: str
    reference: str
    description: str
    source_line: int


@dataclass
class Activity:
    iati_identifier: str
    title: str
    reporting_org: str
    default_currency: str
    activity_status: str
    last_updated: dt.datetime | None
    funded_by_denmark: bool
    source_line: int
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class Parsed:
    sha256: str
    size: int
    iati_version: str
    generated_at: dt.datetime | None
    activities_read: int
    reported_by_others: dict[str, int]
    activities: list[Activity]


def _text(element: etree._Element | None, path: str = "narrative") -> str:
    """The first narrative (English or untagged, else any) under ``element``."""
    if element is None:
        return ""
    narratives = element.findall(path)
    for narrative in narratives:
        lang = narrative.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang in (None, "en") and narrative.text:
            return " ".join(narrative.text.split())
    return " ".join((narratives[0].text or "").split()) if narratives else ""


def _date(raw: str | None) -> dt.date | None:
    match = ISO_DATE.match((raw or "").strip())
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _datetime(raw: str | None) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _forget_read(element: etree._Element, root: etree._Element) -> None:
    """Drop a child of the root once read, and those before it: what the file holds in
    memory does not grow with the file."""
    element.clear(keep_tail=True)
    while element.getprevious() is not None:
        del root[0]


class _Reader:
    def __init__(self, *, organisation: str, danish: set[str]):
        self.organisation = organisation
        self.danish = danish
        self.problems: list[str] = []
        self.activities: list[Activity] = []
        self.activities_read = 0
        self.reported_by_others: dict[str, int] = {}
        self.seen: dict[str, int] = {}
        self.default_currency = ""
        self.transactions: list[Transaction] = []

    def problem(self, line: int | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(
                gettext("Line %(line)s: %(problem)s") % {"line": line or "?", "problem": message}
            )

    def element(self, event: str, element: etree._Element, root: etree._Element) -> None:
        """One event of the file: an activity begins, a transaction or an activity ends."""
        parent = element.getparent()
        if event == "start":
            if element.tag == "iati-activity" and parent is root:
                self.activity_started(element)
        elif element.tag == "transaction" and parent is not None and parent.tag == "iati-activity":
            self.transaction(element)
            element.clear(keep_tail=True)
        elif element.tag == "iati-activity" and parent is root:
            self.activity(element)
            _forget_read(element, root)

    def activity_started(self, element: etree._Element) -> None:
        self.default_currency = (element.get("default-currency") or "").strip()
        self.transactions = []

    def transaction(self, element: etree._Element) -> None:  # noqa: PLR0911 - one refusal per part
        """A transaction of the current activity, kept if its provider is Danish."""
        provider = element.find("provider-org")
        provider_ref = (provider.get("ref") or "").strip() if provider is not None else ""
        if provider_ref not in self.danish:
            return
        line = element.sourceline
        kind = (
            (element.find("transaction-type").get("code") or "").strip()
            if (element.find("transaction-type") is not None)
            else ""
        )
        if kind not in codelists.codelist("TransactionType"):
            self.problem(
                line,
                gettext("a transaction from %(provider)s has no known transaction type.")
                % {"provider": provider_ref},
            )
            return
        date_element = element.find("transaction-date")
        on = _date(date_element.get("iso-date") if date_element is not None else None)
        if on is None:
            self.problem(
                line, gettext("a transaction has no transaction-date in the form 2019-01-31.")
            )
            return
        value_element = element.find("value")
        if value_element is None:
            self.problem(line, gettext("a transaction has no value."))
            return
        try:
            value = Decimal((value_element.text or "").strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or abs(value) >= MAX_VALUE:
            self.problem(
                value_element.sourceline, gettext("a transaction's value is not a number.")
            )
            return
        currency = (value_element.get("currency") or self.default_currency).strip()
        if currency not in codelists.codelist("Currency"):
            self.problem(
                value_element.sourceline,
                gettext(
                    "a transaction's value has no currency (neither its own nor the activity's "
                    "default-currency)."
                )
                if not currency
                else gettext("%(currency)s is not a currency code.") % {"currency": currency},
            )
            return
        value_date = _date(value_element.get("value-date"))
        if value_date is None:
            self.problem(
                value_element.sourceline, gettext("a transaction's value has no value-date.")
            )
            return
        receiver = element.find("receiver-org")
        self.transactions.append(
            Transaction(
                transaction_type=kind,
                date=on,
                value=value.quantize(Decimal("0.01")),
                currency=currency,
                value_date=value_date,
                provider_org=provider_ref[:100],
                provider_name=_text(provider)[:300],
                receiver_org=((receiver.get("ref") or "") if receiver is not None else "")[:100],
                reference=(element.get("ref") or "")[:200],
                description=_text(element.find("description"))[:2000],
                source_line=line or 0,
            )
        )

    def activity(self, element: etree._Element) -> None:
        self.activities_read += 1
        line = element.sourceline or 0
        identifier = " ".join((element.findtext("iati-identifier") or "").split())
        reporting = element.find("reporting-org")
        reporting_ref = (reporting.get("ref") or "").strip() if reporting is not None else ""
        if reporting_ref != self.organisation:
            key = reporting_ref or "(none)"
            self.reported_by_others[key] = self.reported_by_others.get(key, 0) + 1
            return
        funded = any(
            (org.get("role") or "").strip() == ROLE_FUNDING
            and (org.get("ref") or "").strip() in self.danish
            for org in element.iterfind("participating-org")
        )
        if not self.transactions and not funded:
            return
        if not identifier:
            self.problem(line, gettext("an activity funded by Denmark has no iati-identifier."))
            return
        if identifier in self.seen:
            self.problem(
                line,
                gettext("%(identifier)s is already on line %(line)s.")
                % {"identifier": identifier, "line": self.seen[identifier]},
            )
            return
        self.seen[identifier] = line
        status = element.find("activity-status")
        self.activities.append(
            Activity(
                iati_identifier=identifier[:200],
                title=_text(element.find("title"))[:500],
                reporting_org=reporting_ref[:100],
                default_currency=self.default_currency[:3],
                activity_status=((status.get("code") or "") if status is not None else "")[:2],
                last_updated=_datetime(element.get("last-updated-datetime")),
                funded_by_denmark=funded,
                source_line=line,
                transactions=self.transactions,
            )
        )


def read(
    handle: IO[bytes],
    *,
    organisation: str,
    danish: set[str],
    max_bytes: int,
    max_seconds: int,
) -> Parsed:
    """Read an IATI 2.x activity file; :class:`ImportRefusedError` says why one is refused."""
    reader = _BoundedReader(
        handle,
        limit=max_bytes,
        deadline=time.monotonic() + max_seconds,
        max_seconds=max_seconds,
    )
    state = _Reader(organisation=organisation, danish=danish)
    context = etree.iterparse(
        reader,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root: Any = None
    version = ""
    unread_version: str | None = None
    generated_at = None
    try:
        for event, element in context:
            if root is None:
                root = element
                _check_root(element)
                version = element.get("version", "").strip()
                unread_version = _version_problem(version)
                generated_at = _datetime(element.get("generated-datetime"))
                continue
            reader.check_time()
            if unread_version is None:
                state.element(event, element, root)
            elif event == "end" and element.getparent() is root:
                # Read to its end all the same: a file that is not well-formed XML is
                # said to be so first, whatever version it declares.
                _forget_read(element, root)
    except _LimitReachedError as stop:
        raise ImportRefusedError([str(stop)]) from None
    except etree.XMLSyntaxError as error:
        if not reader.size:
            raise ImportRefusedError([gettext("The file is empty.")]) from None
        raise ImportRefusedError(
            [
                gettext(
                    "This is not well-formed XML (line %(line)s): %(error)s. Nothing was imported."
                )
                % {"line": error.lineno, "error": error.msg}
            ]
        ) from None
    finally:
        del context
    if unread_version:
        raise ImportRefusedError([unread_version])
    if state.problems:
        raise ImportRefusedError(state.problems)
    return Parsed(
        sha256=reader.digest.hexdigest(),
        size=reader.size,
        iati_version=version,
        generated_at=generated_at,
        activities_read=state.activities_read,
        reported_by_others=state.reported_by_others,
        activities=state.activities,
    )


def _check_root(root: etree._Element) -> None:
    """An IATI 2.x activity file, without a document type: else refused, before any of
    its content is read."""
    doctype = root.getroottree().docinfo.doctype
    if doctype:
        raise ImportRefusedError(
            [
                gettext(
                    "The file declares a document type (<!DOCTYPE …>), which no IATI file has "
                    "and which can carry entities that expand or read other files: it was "
                    "refused unread."
                )
            ]
        )
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag != "iati-activities":
        name = etree.QName(tag).localname if tag else "?"
        what = gettext("an IATI organisation file") if name == "iati-organisations" else f"<{name}>"
        raise ImportRefusedError(
            [
                gettext(
                    "This is not an IATI activity file: its root element is %(what)s, not "
                    "<iati-activities>. Import the activity file the organisation publishes."
                )
                % {"what": what}
            ]
        )


def _version_problem(version: str) -> str | None:
    """Why a file of ``version`` is not read; None for a version the import reads."""
    if version in VERSIONS:
        return None
    if version:
        return gettext(
            "The file is IATI version %(version)s; the import reads IATI 2.01 to 2.03 "
            "activity files (2.03 is the current version)."
        ) % {"version": version}
    return gettext(
        "The file declares no IATI version; the import reads IATI 2.01 to 2.03 activity "
        "files (2.03 is the current version)."
    )
