"""The annexes: every payment and refund, every allocation, the assessed contribution per
year, the goal-update timeline and the sources with the SHA-256 of their files, in the PDF
and in the figures attached to it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from funding import services as funding_services
from funding.models import BudgetLine
from funding.models import Component
from funding.models import Disbursement
from partnership.models import GoalStatus
from partnership.models import OverallGoal
from reviews import rendering
from tests import factories
from tests.reviews.pdfs import flat
from tests.reviews.pdfs import outline
from tests.reviews.pdfs import page_texts
from tests.reviews.pdfs import reader
from tests.reviews.pdfs import rendered_pdf


def _annex(pdf: bytes, key: str) -> str:
    """The text of one annex: from its heading to the next section's (or the end)."""
    headings = [section.heading for section in rendering.SECTIONS]
    heading = next(s.heading for s in rendering.SECTIONS if s.key == key)
    text = " ".join(page_texts(pdf))
    start = text.rindex(heading)  # past its line in the contents
    following = headings[headings.index(heading) + 1 :]
    ends = [text.find(h, start) for h in following if text.find(h, start) != -1]
    return text[start : min(ends) if ends else len(text)]


def _figures(pdf: bytes) -> dict:
    attachments = reader(pdf).attachments
    (name,) = [name for name in attachments if name.endswith(".json")]
    return json.loads(attachments[name][0])


@pytest.fixture
def paid(demo_review, desk):
    """A DKK payment, a USD payment at a recorded rate, and a refund, on 2018's lines."""
    partnership = demo_review.partnership
    core = BudgetLine.objects.get(partnership=partnership, year=2018, component=Component.CORE)
    funding_services.exchange_rate_create(
        partnership=partnership,
        currency="USD",
        date=dt.date(2018, 4, 30),
        rate=Decimal("6.123400"),
        source="Danmarks Nationalbank",
        by=desk,
    )
    funding_services.disbursement_create(
        budget_line=core, by=desk, value_date=dt.date(2018, 3, 15), amount=Decimal(7_500_000),
        currency="DKK", reference="MFA-2018-0042",
    )  # fmt: skip
    funding_services.disbursement_create(
        budget_line=core, by=desk, value_date=dt.date(2018, 5, 2), amount=Decimal(100_000),
        currency="USD", reference="MFA-2018-0077",
    )  # fmt: skip
    funding_services.disbursement_create(
        budget_line=core, by=desk, value_date=dt.date(2018, 12, 1), amount=Decimal(25_000),
        currency="DKK", reference="IOM-REFUND-7", kind=Disbursement.Kind.REFUND,
    )  # fmt: skip
    return demo_review


def test_every_payment_and_refund_is_listed_with_its_rate_and_dkk(paid, desk):
    pdf = rendered_pdf(paid, desk)
    annex = _annex(pdf, "payments")

    assert "15 Mar 2018 Payment 2018 Core funds" in annex
    assert "7,500,000 DKK — 7,500,000 MFA-2018-0042" in annex
    # 100,000 USD at 6.1234 DKK the dollar, the rate of 30 April 2018.
    assert "2 May 2018 Payment" in annex
    assert "100,000 USD 6.1234 of 30 Apr 2018 612,340 MFA-2018-0077" in annex
    assert "1 Dec 2018 Refund" in annex
    assert "−25,000 DKK — −25,000 IOM-REFUND-7" in annex
    assert annex.index("15 Mar 2018") < annex.index("2 May 2018") < annex.index("1 Dec 2018")
    payments = _figures(pdf)["payments"]
    assert [(p["reference"], p["booked_dkk"], p["rate_date"]) for p in payments] == [
        ("MFA-2018-0042", "7500000.00", None),
        ("MFA-2018-0077", "612340.00", "2018-04-30"),
        ("IOM-REFUND-7", "25000.00", None),
    ]
    assert payments[2]["kind"] == "refund"


def test_every_allocation_is_listed_with_its_country_and_purpose(demo_review, desk):
    line = BudgetLine.objects.get(
        partnership=demo_review.partnership, year=2018, component=Component.PRIORITY_AREA_2
    )
    funding_services.allocation_create(
        budget_line=line, country="NE", amount=Decimal(1_250_000),
        description="Border management in the Agadez region", reported_in="IOM report 2018",
        by=desk,
    )  # fmt: skip
    pdf = rendered_pdf(demo_review, desk)
    annex = _annex(pdf, "allocations")

    assert "Niger (NE) DKK 1,250,000 Border management in the Agadez region" in annex
    assert "IOM report 2018" in annex
    assert "2018 Priority area 2 (thematically earmarked)" in annex
    # Section 4.1 limits the whole contribution; the reported countries are checked.
    assert (
        "The strategy limits the contribution to countries on the OECD/DAC list of "
        "developing countries; each country reported is checked against the OECD/DAC list "
        "of ODA recipients."
    ) in annex
    (allocation,) = _figures(pdf)["allocations"]
    assert (allocation["country"], allocation["amount"]) == ("NE", "1250000.00")


def test_the_assessed_contribution_is_given_per_year(demo_review, desk):
    annex = _annex(rendered_pdf(demo_review, desk), "assessed")
    # 2018: 0.6293 % of CHF 50,690,324, the strategy's figures (section 5, footnote 24).
    assert "2018 0.6293 % CHF 50,690,324 CHF 318,994.21" in annex
    assert "Ministry of Immigration and Integration" in annex


def test_the_goal_update_timeline_lists_every_update_oldest_first(demo_review, desk):
    goals = {g.number: g for g in OverallGoal.objects.filter(partnership=demo_review.partnership)}
    factories.GoalUpdateFactory(
        goal=goals[4], author=desk, as_of=dt.date(2019, 5, 1), status=GoalStatus.AT_RISK,
        narrative="Two more donors pledged core funding.", actual_value=Decimal(7),
    )  # fmt: skip
    factories.GoalUpdateFactory(
        goal=goals[2], author=desk, as_of=dt.date(2018, 9, 1), status=GoalStatus.ON_TRACK,
        narrative="MOPAN's assessment team visited Geneva.",
    )  # fmt: skip
    pdf = rendered_pdf(demo_review, desk)
    annex = _annex(pdf, "timeline")

    first = annex.index("1 Sep 2018 2 On track MOPAN's assessment team visited Geneva.")
    second = annex.index("1 May 2019 4 At risk 7 donors Two more donors pledged core funding.")
    assert first < second
    goals_section = _annex(pdf, "goals")
    assert "Tracker status: At risk as of 1 May 2019 (1 update)" in goals_section
    assert "Two more donors pledged" not in goals_section  # in the annex, not repeated


def test_the_sources_give_the_sha256_of_their_stored_files(demo_review, desk):
    content = b"%PDF-1.7\n% IOM Annual Report 2018, as downloaded\n"
    document = demo_review.partnership.documents.get(title="IOM's Annual Report")
    document.file.save("annual-report-2018.pdf", ContentFile(content))
    linked = factories.DocumentFactory(
        partnership=demo_review.partnership, title="MOPAN 2017-18 assessment: IOM",
        url="https://www.mopanonline.org/assessments/iom2017-18/",
    )  # fmt: skip
    demo_review.review_sources.create(document=linked, note="The assessment itself")

    pdf = rendered_pdf(demo_review, desk)
    annex = _annex(pdf, "sources")
    digest = hashlib.sha256(content).hexdigest()

    assert digest in annex.replace(" ", "")
    assert "A link, no stored file: https://www.mopanonline.org/assessments/iom2017-18/" in (
        annex.replace("/ ", "/")
    )
    assert annex.count("No file stored") == 4  # the other sources are named, not stored
    sources = {s["title"]: s["sha256"] for s in _figures(pdf)["sources"]}
    assert sources["IOM's Annual Report"] == digest
    assert sources["MOPAN 2017-18 assessment: IOM"] is None


def test_the_annexes_are_bookmarked_and_start_on_a_page_of_their_own(paid, desk):
    pdf = rendered_pdf(paid, desk)
    pages = page_texts(pdf)
    marks = {title: page for level, title, page in outline(pdf) if level == 1}
    first = next(s for s in rendering.SECTIONS if s.annex)
    assert pages[marks[first.heading] - 1].startswith(f"DRAFT {first.heading}")
    for section in rendering.SECTIONS:
        if section.annex:
            assert section.heading in marks
    assert flat("Every payment and refund behind the disbursed figures: Annex A") in " ".join(pages)
