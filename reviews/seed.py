"""Demo data: the mid-term review the strategy asks for, and the reports it rests on.

Everything here is in the strategy's words, with the section it stands in. No assessment
is loaded: the strategy states what the review is to assess, not what it found.
"""

from __future__ import annotations

from django.db import transaction

from partnership.models import Document, Partnership

from .models import Review, ReviewSource

MID_TERM_TITLE = "Mid-term review of the strategy"
MID_TERM_PURPOSE = (
    "The purpose of the mid-term review will be to assess progress against the overall goals "
    "for the present organization strategy. Moreover, the purpose of the mid-term review will "
    "be to take into account the MOPAN assessment which is due to be presented in the first "
    "half of 2019 and to be able to assess the expected new strategy of the organization as "
    "well as the expected results framework.\n\n"
    "This strategy will undergo a midterm review in fall 2019 to take the MOPAN assessment as "
    "well as the expected changes in the organization due to new roles in the UN system into "
    "account. As the MOPAN assessment is imminent, no separate review of the organization "
    "will be carried out."
)
MID_TERM_CITATION = (
    "Section 1 and section 4.1 (a mid-term review in the fall of 2019, its purpose); "
    "section 3.2 (the MOPAN assessment and the new roles in the UN system); section 4.1 "
    "(the agreement covers a period of 3 years (2018-2020) and will be subject to an "
    "intermediate review in 2019: the period covered starts with the agreement)"
)

MONITORING_NOTE = "Denmark will base its monitoring of results on the following reports"
# (kind, title, note, citation): the reports section 4.1 names, and the MOPAN assessment.
SOURCES = [
    (Document.Kind.ANNUAL_REPORT, "IOM's Annual Report", MONITORING_NOTE, "Section 4.1"),
    (
        Document.Kind.FINANCIAL_REPORT,
        "IOM's annual financial report",
        MONITORING_NOTE,
        "Section 4.1",
    ),
    (
        Document.Kind.AUDITED_STATEMENTS,
        "IOM's audited financial statements",
        MONITORING_NOTE,
        "Section 4.1",
    ),
    (Document.Kind.AUDIT_REPORT, "IOM's audit report", MONITORING_NOTE, "Section 4.1"),
    (
        Document.Kind.MOPAN,
        "MOPAN assessment of IOM",
        "The MOPAN assessment which is due to be presented in the first half of 2019",
        "Section 4.1; section 3.2 (the report is expected in 2019)",
    ),
]


@transaction.atomic
def load_demo(partnership: Partnership) -> Review:
    review, _ = Review.objects.get_or_create(
        partnership=partnership,
        kind=Review.Kind.MID_TERM,
        defaults={
            "title": MID_TERM_TITLE,
            "purpose": MID_TERM_PURPOSE,
            "period_start": partnership.start_date,
            "due_description": "fall of 2019",
            "citation": MID_TERM_CITATION,
        },
    )
    for kind, title, note, citation in SOURCES:
        document, _ = Document.objects.get_or_create(
            partnership=partnership, kind=kind, title=title, defaults={"citation": citation}
        )
        ReviewSource.objects.get_or_create(
            review=review, document=document, defaults={"note": note, "citation": citation}
        )
    return review
