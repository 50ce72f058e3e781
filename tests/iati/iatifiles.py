"""IATI activity files as the organisation would publish them, written by the tests: each
test says what the file holds (and what differences it plants), never a copy of real data.
Also the hostile files an import must refuse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr

IOM = "XM-DAC-47066"
MFA = "XM-DAC-3-1"
DENMARK = "XM-DAC-3"
SWEDEN = "XM-DAC-6"


@dataclass
class Tx:
    """A transaction of the organisation's file: by default incoming funds from the ministry."""

    date: dt.date
    value: Decimal | str
    currency: str | None = "USD"
    provider: str | None = MFA
    kind: str = "1"
    value_date: dt.date | None = None
    ref: str = ""
    description: str = ""

    def xml(self) -> str:
        value_date = (self.value_date or self.date).isoformat()
        currency = f" currency={quoteattr(self.currency)}" if self.currency else ""
        provider = (
            f'<provider-org ref="{self.provider}" type="10"><narrative>Provider</narrative>'
            "</provider-org>"
            if self.provider
            else ""
        )
        ref = f" ref={quoteattr(self.ref)}" if self.ref else ""
        description = (
            f"<description><narrative>{escape(self.description)}</narrative></description>"
            if self.description
            else ""
        )
        return (
            f"<transaction{ref}><transaction-type code={quoteattr(self.kind)}/>"
            f'<transaction-date iso-date="{self.date.isoformat()}"/>'
            f'<value{currency} value-date="{value_date}">{self.value}</value>'
            f"{description}{provider}"
            f'<receiver-org ref="{IOM}" type="40"/></transaction>'
        )


@dataclass
class Act:
    identifier: str
    transactions: list[Tx] = field(default_factory=list)
    reporting_org: str = IOM
    title: str = "Migration governance"
    funders: list[str] = field(default_factory=list)
    default_currency: str | None = "USD"

    def xml(self) -> str:
        currency = (
            f" default-currency={quoteattr(self.default_currency)}" if self.default_currency else ""
        )
        funders = "".join(
            f'<participating-org ref="{ref}" role="1" type="10"/>' for ref in self.funders
        )
        return (
            f'<iati-activity last-updated-datetime="2021-03-01T12:00:00Z"{currency}>'
            f"<iati-identifier>{escape(self.identifier)}</iati-identifier>"
            f'<reporting-org ref="{self.reporting_org}" type="40"><narrative>IOM</narrative>'
            "</reporting-org>"
            f"<title><narrative>{escape(self.title)}</narrative></title>"
            "<description><narrative>An activity.</narrative></description>"
            f'{funders}<participating-org ref="{IOM}" role="4" type="40"/>'
            '<activity-status code="2"/><activity-date type="2" iso-date="2018-01-01"/>'
            + "".join(t.xml() for t in self.transactions)
            + "</iati-activity>"
        )


def activity_file(*activities: Act, version: str = "2.03") -> bytes:
    body = "".join(a.xml() for a in activities)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="{version}" generated-datetime="2021-03-02T08:00:00Z">'
        f"{body}</iati-activities>\n"
    ).encode()


def others(n: int, start: int = 0) -> list[Act]:
    """Activities the file holds that Denmark does not fund (another donor's money)."""
    return [
        Act(
            f"{IOM}-OTHER-{i:05d}",
            [Tx(dt.date(2019, 1, 1) + dt.timedelta(days=i % 700), "125000.00", provider=SWEDEN)],
        )
        for i in range(start, start + n)
    ]


# --- Hostile files ------------------------------------------------------------------------------


def _laugh(i: int) -> bytes:
    """Entity lol<i>: ten of the entity before it (lol1: ten of lol)."""
    inner = f"&lol{i - 1};" if i > 1 else "&lol;"
    return f'<!ENTITY lol{i} "{inner * 10}">\n'.encode()


# Nine levels of ten: a billion "lol"s if the entities were expanded.
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE iati-activities [\n<!ENTITY lol "lol">\n'
    + b"".join(_laugh(i) for i in range(1, 10))
    + b']>\n<iati-activities version="2.03"><iati-activity><iati-identifier>&lol9;'
    b"</iati-identifier></iati-activity></iati-activities>\n"
)


def external_entity(secret: Path) -> bytes:
    """An activity whose title would be the content of ``secret`` if entities resolved."""
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        f'<iati-activities version="2.03"><iati-activity default-currency="USD">'
        f"<iati-identifier>{IOM}-XXE</iati-identifier>"
        f'<reporting-org ref="{IOM}" type="40"/><title><narrative>&xxe;</narrative></title>'
        + Tx(dt.date(2019, 3, 1), "1.00").xml()
        + "</iati-activity></iati-activities>\n"
    ).encode()


def external_dtd(dtd: Path) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE iati-activities SYSTEM "file://{dtd}">\n'
        '<iati-activities version="2.03"/>\n'
    ).encode()


def large_file_chunks(size: int, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """A well-formed activity file of ``size`` bytes, made one chunk at a time (never whole in
    memory): one activity after another, each of another donor."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">'
    tail = b"</iati-activities>\n"
    yield head
    written = len(head) + len(tail)
    block = "".join(a.xml() for a in others(200)).encode()
    while written + len(block) <= size:
        yield block
        written += len(block)
    yield b" " * (size - written)  # whitespace between elements: still well-formed
    yield tail


def write_large_file(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        for part in large_file_chunks(size):
            handle.write(part)
    return path
