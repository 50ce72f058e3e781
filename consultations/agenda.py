"""The standard agenda of the annual consultations, in the words of the strategy.

Section 4.1 of the Organisation Strategy lists what the annual consultations discuss,
items i) to ix); the paragraph after the list names the issues Denmark raises there.
A consultation's agenda starts with both, in this order; users add further items.
Partnerships whose strategy prescribes no agenda start with an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StandardItem:
    kind: str  # AgendaItem.Kind value
    code: str
    title: str
    citation: str


_LIST = "Section 4.1, annual consultations, item {code})"
_RAISED = (
    "Section 4.1, the paragraph after the list: issues Denmark raises at the annual consultations"
)

# "As per the agreement, annual consultations will be held in order to discuss:" —
# the items without the list's closing punctuation ("; as well as").
IOM_2018_ITEMS = [
    ("i", "IOM's utilization of the Danish contribution for priority area 1 and 2"),
    ("ii", "Plans for use of Danish contributions for the upcoming year"),
    ("iii", "Danish policy priorities in the area of migration and development"),
    (
        "iv",
        "Developments as regards IOM's participation in the UN system and in the "
        "implementation of the GCM",
    ),
    (
        "v",
        "Possibilities for strengthening thematic coherence and synergy between multilateral "
        "and bilateral assistance",
    ),
    ("vi", "Possible concerns of Denmark in relation to IOM's performance"),
    ("vii", "Key issues emanating from IOM's strategies"),
    ("viii", "Employment of Danish nationals in IOM (both regular, seconded staff and JPO's)"),
    ("ix", "any other topic considered relevant"),
]

# "Moreover, the annual consultations are an opportunity for Denmark to raise issues such as
# continually working on efficiency improvement within the organization and the fight
# against corruption and misconduct, including sexual exploitation, abuse and harassment,
# and transparency in this regard." "In this regard" reads right on the agenda because the
# item follows the one on corruption and misconduct.
IOM_2018_RAISED = [
    ("efficiency", "Continually working on efficiency improvement within the organization"),
    (
        "corruption-misconduct",
        "The fight against corruption and misconduct, including sexual exploitation, abuse "
        "and harassment",
    ),
    ("transparency", "Transparency in this regard"),
]

IOM_2018_AGENDA = [
    *(
        StandardItem("standard", code, title, _LIST.format(code=code))
        for code, title in IOM_2018_ITEMS
    ),
    *(StandardItem("raised", code, title, _RAISED) for code, title in IOM_2018_RAISED),
]

# Keyed by the partnership's slug: the agenda is the one its strategy prescribes.
STANDARD_AGENDAS: dict[str, list[StandardItem]] = {"denmark-iom-2018-2020": IOM_2018_AGENDA}


def standard_agenda(partnership_slug: str) -> list[StandardItem]:
    return STANDARD_AGENDAS.get(partnership_slug, [])
