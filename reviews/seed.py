"""Demo data: the mid-term review the strategy asks for, and the reports it rests on.

Everything here is in the strategy's words, with the section it stands in. No assessment
is loaded: the strategy states what the review is to assess, not what it found.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from partnership.models import Document
from partnership.models import Partnership

from .models import Review
from .models import ReviewSource

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
    "section 3.2, Key challenges (the MOPAN assessment and the new roles in the UN system); "
    "section 4.1 "
    "(the agreement covers a period of 3 years (2018-2020) and will be subject to an "
    "intermediate review in 2019: the period covered starts with the agreement); section "
    "4.2 (overall goal 9: a mid-term review of the present strategy in the fall of 2019)"
)

# "Fall of 2019" is not a date the app can compare with today. The demo reads it as the
# last day of the fall (meteorological autumn, September to November), a date the desk
# officer is asked to confirm; the source's words stay beside it.
MID_TERM_DUE = "fall of 2019"
MID_TERM_DUE_DATE = datetime.date(2019, 11, 30)
# Section 4.2, overall goal 9: "A mid-term review of the present strategy will be carried
# out in the fall of 2019". Carrying the review out fulfils it; its status stays the
# desk officer's to update.
MID_TERM_GOAL = 9

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
        "Section 4.1; section 3.2, Key challenges (the report is expected in 2019)",
    ),
]


@transaction.atomic
def load_demo(partnership: Partnership) -> Review:
    goal = partnership.goals.filter(number=MID_TERM_GOAL).first()
    review, created = Review.objects.get_or_create(
        partnership=partnership,
        kind=Review.Kind.MID_TERM,
        defaults={
            "title": MID_TERM_TITLE,
            "purpose": MID_TERM_PURPOSE,
            "period_start": partnership.start_date,
            "due_description": MID_TERM_DUE,
            "due_date": MID_TERM_DUE_DATE,
            "fulfils_goal": goal,
            "citation": MID_TERM_CITATION,
        },
    )
    # A demo loaded before the review had a due date and a goal gets them, never replaced.
    missing = {
        name: value
        for name, value in (("due_date", MID_TERM_DUE_DATE), ("fulfils_goal", goal))
        if not created and getattr(review, name) is None and value is not None
    }
    if missing:
        for name, value in missing.items():
            setattr(review, name, value)
        review.save(update_fields=list(missing))
    for kind, title, note, citation in SOURCES:
        document, _ = Document.objects.get_or_create(
            partnership=partnership, kind=kind, title=title, defaults={"citation": citation}
        )
        ReviewSource.objects.get_or_create(
            review=review, document=document, defaults={"note": note, "citation": citation}
        )
    return review
