"""Load data for benchmarks: the demo partnership's activity times N, and N−1 more partnerships.

``generate(scale=N, seed=S)`` runs after ``setup_demo``. It makes a partnership of its own
like the Denmark–IOM one (``<demo slug>-load``: the same organisation, period, amount,
priority areas, goals and risks) and gives it N "units" of the activity a partnership
records over a three-year agreement (goal updates, risk assessments, payments,
allocations, staff, consultation notes and action points, Annex IV rows, documents,
reviews with report versions); it creates N−1 further partnerships with one unit each. The
demo users hold the roles they hold in the demo partnership in all of them. The demo
partnership itself is left as it is, unless asked (``into_demo=True``, the command's
``--into-demo``: what the benchmarks measure, in a throwaway database): then its record
gets the N units (N−1 of the annex, reviews and documents, the demo having its own) and
its period grows.

Rows go through the services where a rule decides what may be stored: budget lines (one a
year and component) and their commitments, payments and refunds (committed line, amount
left, exchange rate), DAC-checked allocations, secondments against their line,
consultations with their standard agenda, added agenda items, the Annex IV import (with its
stated totals) and reviews. Rows that no rule governs beyond their fields are bulk-created
with their history rows: goal updates, risk assessments, exchange rates, documents, notes
(with cleared revisions), action points, assessments, findings, recommendations, report
versions (a small PDF each, the render being measured on its own) and download log entries.

Rows keyed by year cannot simply be multiplied: a partnership has one budget line per year
and component and one consultation a year, and years run to 2100 at most. So the agreement
that gets the N units is extended by three years per unit as far as 2100 (83 years at
scale 100): its budget lines and consultations grow with the years; every other kind grows
N times.

``generate_portfolio(count=N, seed=S)`` (the command's ``--portfolio N``) is what a ministry
holds instead: N partnerships of three to five years with N organisations of a list (past
its end, each organisation's previous agreement), each with a year's activity (``YEAR``)
for every year it runs, one review with its versions, the demo users in their roles, and
a portfolio administrator (``portfolio``, the profile's flag) who is a member of every
partnership. It can follow ``generate``.

The same scale and seed give the same rows (values, dates, texts); only creation times
and primary keys differ.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from consultations import services as consultation_services
from consultations.models import ActionPoint
from consultations.models import AgendaItem
from consultations.models import Consultation
from consultations.models import Note
from consultations.models import NoteRevision
from core import caching
from funding import services as funding_services
from funding.models import EARMARKED_COMPONENTS
from funding.models import BudgetLine
from funding.models import Component
from funding.models import Disbursement
from funding.models import ExchangeRate
from funding.models import StaffPosition
from partnership import services as partnership_services
from partnership.models import Currency
from partnership.models import Document
from partnership.models import GoalStatus
from partnership.models import GoalUpdate
from partnership.models import Membership
from partnership.models import Organisation
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea
from partnership.models import Risk
from partnership.models import RiskAssessment
from portfolio import seed as portfolio_seed
from reviews import services as review_services
from reviews.models import DownloadLog
from reviews.models import Finding
from reviews.models import GoalAssessment
from reviews.models import PriorityAreaAssessment
from reviews.models import Rating
from reviews.models import Recommendation
from reviews.models import ReportVersion
from reviews.models import Review
from reviews.models import report_file_name

LAST_YEAR = 2100  # the models' year validators stop here
UNIT_YEARS = 3
MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")

# One unit: what a partnership records over a three-year agreement.
UPDATES_PER_GOAL = 4
ASSESSMENTS_PER_RISK = 4
PAYMENTS_PER_UNIT = 24
REFUNDS_PER_UNIT = 2
ALLOCATIONS_PER_UNIT = 18
STAFF_PER_UNIT = {
    StaffPosition.Kind.REGULAR: 2,
    StaffPosition.Kind.SECONDMENT: 3,
    StaffPosition.Kind.JPO: 1,
}
CONSULTATIONS_PER_UNIT = 3  # annual: one a year of the agreement
NOTES_PER_UNIT = 36  # a note per agenda item of each
ACTION_POINTS_PER_UNIT = 12
DOCUMENTS_PER_UNIT = 10

# Yearly figures a unit adds to Annex IV: as many as the demo's annex itemises (37), in
# projects of five years (2013–2017) but the last, which has as many years as are left.
ANNEX_ROWS_PER_UNIT = 37
ANNEX_YEARS = (2013, 2014, 2015, 2016, 2017)
VERSIONS_PER_REVIEW = 2
DOWNLOADS_PER_VERSION = 2
COMPONENT_CODES = {
    Component.CORE: "CORE",
    Component.PRIORITY_AREA_1: "PA1",
    Component.PRIORITY_AREA_2: "PA2",
    Component.SECONDMENTS: "SEC",
}
EXTRA_AGENDA_ITEMS = 5  # agenda of a partnership whose strategy prescribes none


@dataclass(frozen=True)
class Rates:
    """How many rows of each kind a stretch of a partnership's life records."""

    updates_per_goal: int
    assessments_per_risk: int
    payments: int
    refunds: int
    allocations: int
    staff: dict[str, int]
    consultations: int
    notes: int
    action_points: int
    documents: int
    annex_rows: int


# One unit: what a partnership records over a three-year agreement (--scale).
UNIT = Rates(
    updates_per_goal=UPDATES_PER_GOAL,
    assessments_per_risk=ASSESSMENTS_PER_RISK,
    payments=PAYMENTS_PER_UNIT,
    refunds=REFUNDS_PER_UNIT,
    allocations=ALLOCATIONS_PER_UNIT,
    staff=STAFF_PER_UNIT,
    consultations=CONSULTATIONS_PER_UNIT,
    notes=NOTES_PER_UNIT,
    action_points=ACTION_POINTS_PER_UNIT,
    documents=DOCUMENTS_PER_UNIT,
    annex_rows=ANNEX_ROWS_PER_UNIT,
)
# One year of a partnership of the portfolio (--portfolio): a status of each goal every
# half year, each risk assessed once, quarterly payments of the core and the two earmarked
# lines and the secondments' line twice, the annual consultation with a note per agenda
# item and its action points, the year's reports.
YEAR = Rates(
    updates_per_goal=2,
    assessments_per_risk=1,
    payments=10,
    refunds=0,
    allocations=6,
    staff={
        StaffPosition.Kind.REGULAR: 1,
        StaffPosition.Kind.SECONDMENT: 1,
        StaffPosition.Kind.JPO: 0,
    },
    consultations=1,
    notes=10,
    action_points=4,
    documents=4,
    annex_rows=12,
)

# Multilateral organisations Denmark funds, for the further partnerships.
ORGANISATIONS = [
    ("Office of the United Nations High Commissioner for Refugees", "UNHCR", "Geneva"),
    ("United Nations Children's Fund", "UNICEF", "New York"),
    ("United Nations Development Programme", "UNDP", "New York"),
    ("World Food Programme", "WFP", "Rome"),
    ("United Nations Population Fund", "UNFPA", "New York"),
    ("World Health Organization", "WHO", "Geneva"),
    ("Office for the Coordination of Humanitarian Affairs", "OCHA", "New York"),
    ("UN Women", "UN Women", "New York"),
    ("International Labour Organization", "ILO", "Geneva"),
    ("Food and Agriculture Organization of the United Nations", "FAO", "Rome"),
    ("International Fund for Agricultural Development", "IFAD", "Rome"),
    ("United Nations Environment Programme", "UNEP", "Nairobi"),
    ("Joint United Nations Programme on HIV/AIDS", "UNAIDS", "Geneva"),
    ("United Nations Relief and Works Agency for Palestine Refugees", "UNRWA", "Amman"),
    ("Global Green Growth Institute", "GGGI", "Seoul"),
    ("International Committee of the Red Cross", "ICRC", "Geneva"),
]
# More of them, for a portfolio of dozens of partnerships (--portfolio): a ministry's
# multilateral partners beyond the UN's funds and programmes.
PORTFOLIO_ORGANISATIONS = [
    *ORGANISATIONS,
    ("International Organization for Migration", "IOM", "Geneva"),
    ("United Nations Office for Project Services", "UNOPS", "Copenhagen"),
    ("United Nations Industrial Development Organization", "UNIDO", "Vienna"),
    ("United Nations Human Settlements Programme", "UN-Habitat", "Nairobi"),
    ("United Nations Office on Drugs and Crime", "UNODC", "Vienna"),
    ("Office of the United Nations High Commissioner for Human Rights", "OHCHR", "Geneva"),
    ("United Nations Educational, Scientific and Cultural Organization", "UNESCO", "Paris"),
    ("International Trade Centre", "ITC", "Geneva"),
    ("International Renewable Energy Agency", "IRENA", "Abu Dhabi"),
    ("Green Climate Fund", "GCF", "Incheon"),
    ("Global Environment Facility", "GEF", "Washington, D.C."),
    ("Nordic Development Fund", "NDF", "Helsinki"),
    ("Gavi, the Vaccine Alliance", "Gavi", "Geneva"),
    ("The Global Fund to Fight AIDS, Tuberculosis and Malaria", "Global Fund", "Geneva"),
    ("Global Partnership for Education", "GPE", "Washington, D.C."),
    ("International Development Association", "IDA", "Washington, D.C."),
    ("African Development Fund", "AfDF", "Abidjan"),
    ("Asian Development Fund", "AsDF", "Manila"),
    ("CGIAR", "CGIAR", "Montpellier"),
    ("Central Emergency Response Fund", "CERF", "New York"),
    ("United Nations Capital Development Fund", "UNCDF", "New York"),
    ("International Atomic Energy Agency", "IAEA", "Vienna"),
    ("United Nations Framework Convention on Climate Change", "UNFCCC", "Bonn"),
    ("International Planned Parenthood Federation", "IPPF", "London"),
]
GOAL_TEXTS = [
    "{org} strengthens its results-based management and reports on results at outcome level",
    "{org} improves the efficiency of its operations and reduces its overhead costs",
    "More member states provide un-earmarked funding to {org}",
    "{org} strengthens its policies against sexual exploitation, abuse and harassment",
    "{org} contributes actively to the reform of the UN development system",
    "{org} integrates gender equality in its programmes",
    "{org} strengthens national capacities in the countries where it works",
    "{org} works in the humanitarian-development-peace nexus with other agencies",
    "{org} improves transparency by publishing its data to the IATI standard",
]
RISK_TEXTS = [
    ("Funding shortfall", "Earmarking and a narrow donor base limit {org}'s flexibility."),
    ("Fraud and corruption", "Funds are misused in fragile settings where {org} works."),
    ("Reform fatigue", "Organisational reforms of {org} stall for want of leadership support."),
    ("Security of staff", "Insecurity prevents {org} from reaching the people it serves."),
]
NARRATIVES = [
    "The annual report shows progress in line with the results framework.",
    "Progress has slowed; the mission raised the matter at the annual consultation.",
    "The evaluation office confirms that the target is within reach.",
    "Reporting is incomplete; further information has been requested.",
    "The MOPAN assessment notes improvement in this area.",
    "Implementation is delayed by the security situation in several country offices.",
]
RESPONSES = [
    "Followed closely through the annual consultations and board meetings.",
    "Raised with senior management; a mitigation plan has been requested.",
    "Addressed through the joint donor group's dialogue with the organisation.",
]
NOTE_BODIES = [
    "The organisation presented its **annual report**. Denmark welcomed the progress on "
    "results reporting and asked for outcome-level data in the next report.",
    "Discussion of the plans for the coming year:\n\n- core funding at the same level\n"
    "- earmarked funds for priority area 1 and 2\n- secondments continued",
    "Denmark raised its concern about the pace of reform; management described the steps "
    "taken since the last consultation and agreed to report back.",
    "The parties discussed synergies with Danish bilateral programmes in the Horn of Africa "
    "and the Sahel.",
]
ACTION_TEXTS = [
    "Share the revised results framework with the Ministry",
    "Report on the implementation of the PSEA action plan",
    "Provide a breakdown of the use of earmarked funds by country",
    "Propose candidates for the secondment positions",
    "Send the internal audit plan for the coming year",
]
ACTION_OWNERS = ["The organisation", "The Mission in Geneva", "The Ministry, Copenhagen"]
DUTY_STATIONS = ["Geneva", "Nairobi", "Amman", "Bangkok", "Dakar", "Addis Ababa", "Kabul"]
POSITIONS = [
    "Programme Officer",
    "Migration Health Officer",
    "Protection Officer",
    "Resource Management Officer",
    "Policy Officer",
    "Monitoring and Evaluation Officer",
]
GRADES = ["P-2", "P-3", "P-4", "P-5"]
ALLOCATION_COUNTRIES = ["ET", "SO", "AF", "BD", "NE", "ML", "MA", "LY", "SD", "KE", "TN", "IQ"]
# IOM's regions other than those of the demo's annex (its stated region totals stay its own).
REGIONS = {
    "West and Central Africa": ["Niger", "Mali", "Senegal", "Nigeria"],
    "Middle East and North Africa": ["Morocco", "Libya", "Tunisia", "Iraq"],
    "Southern Africa": ["Mozambique", "Zimbabwe", "Malawi"],
    "South-Eastern Europe, Eastern Europe and Central Asia": ["Ukraine", "Tajikistan"],
}
DONOR_UNITS = [
    ("Denmark", "Denmark - Ministry of Foreign Affairs"),
    ("Denmark", "Embassy of Denmark in Ethiopia"),
    ("Denmark", "MOJ - Danish Immigration Service (DIS)"),
    ("Denmark", "Permanent Mission of Denmark to the UN In Geneva"),
]
PROJECT_PREFIXES = ["RT", "TC", "CT", "PX", "MA", "LM", "RE"]


@dataclass
class Report:
    """What was generated: rows added per kind, and the partnerships made."""

    scale: int
    seed: int
    loaded: Partnership | None = None  # the one that got the N units
    partnerships: list[Partnership] = field(default_factory=list)  # the N−1 further ones
    added: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int) -> None:
        self.added[kind] = self.added.get(kind, 0) + count


def _money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _line_code(line: BudgetLine) -> str:
    """A budget line as its references name it: year and component, never a database key
    (the same seed must give the same references on every database)."""
    return f"{line.year}-{COMPONENT_CODES[line.component]}"


def _spread(total: int, buckets: int) -> list[int]:
    """``total`` items over ``buckets`` as evenly as can be (the first ones get the rest)."""
    base, rest = divmod(total, buckets)
    return [base + (1 if i < rest else 0) for i in range(buckets)]


class _Generator:
    def __init__(
        self,
        *,
        rng: random.Random,
        report: Report,
        users: dict[str, Any],
        rates: Rates = UNIT,
    ):
        self.rng = rng
        self.rates = rates
        self.report = report
        self.desk = users["desk"]
        self.geneva = users["geneva"]
        self.auditor = users["auditor"]
        self.project_number = 2000

    # --- the record ------------------------------------------------------------------

    def goal_updates(self, partnership: Partnership, units: int) -> None:
        goals = list(OverallGoal.objects.filter(partnership=partnership).order_by("number"))
        documents = list(Document.objects.filter(partnership=partnership).order_by("pk"))
        start, end = partnership.start_date, partnership.end_date
        rows = []
        for goal in goals:
            count = self.rates.updates_per_goal * units
            days = sorted(_day(self.rng, start, end) for _ in range(count))
            statuses = [GoalStatus.ON_TRACK, GoalStatus.AT_RISK, GoalStatus.OFF_TRACK]
            for index, as_of in enumerate(days):
                status = (
                    GoalStatus.ACHIEVED
                    if index == count - 1 and self.rng.random() < 0.3
                    else self.rng.choice(statuses)
                )
                value = None
                if goal.has_indicator:
                    value = Decimal(5 + index // max(1, count // 6))
                rows.append(
                    GoalUpdate(
                        goal=goal,
                        as_of=as_of,
                        status=status,
                        narrative=self.rng.choice(NARRATIVES),
                        actual_value=value,
                        author=self.desk,
                    )
                )
        created = bulk_create_with_history(rows, GoalUpdate, default_user=self.desk)
        if documents:
            through = GoalUpdate.evidence.through
            links = [
                through(goalupdate_id=update.pk, document_id=self.rng.choice(documents).pk)
                for update in created
                if self.rng.random() < 0.33
            ]
            through.objects.bulk_create(links)
        self.report.add("goal updates", len(rows))

    def risk_assessments(self, partnership: Partnership, units: int) -> None:
        rows = []
        for risk in Risk.objects.filter(partnership=partnership).order_by("number"):
            for _ in range(self.rates.assessments_per_risk * units):
                likelihood, impact = self.rng.randint(2, 5), self.rng.randint(2, 5)
                rows.append(
                    RiskAssessment(
                        risk=risk,
                        as_of=_day(self.rng, partnership.start_date, partnership.end_date),
                        likelihood=likelihood,
                        impact=impact,
                        residual_likelihood=max(1, likelihood - self.rng.randint(0, 2)),
                        residual_impact=max(1, impact - self.rng.randint(0, 1)),
                        response=self.rng.choice(RESPONSES),
                        author=self.desk,
                    )
                )
        bulk_create_with_history(rows, RiskAssessment, default_user=self.desk)
        self.report.add("risk assessments", len(rows))

    def documents(self, partnership: Partnership, count: int) -> None:
        kinds = [
            (Document.Kind.ANNUAL_REPORT, "Annual Report"),
            (Document.Kind.FINANCIAL_REPORT, "Financial Report"),
            (Document.Kind.AUDIT_REPORT, "Report of the External Auditor"),
            (Document.Kind.MINUTES, "Minutes of the annual consultation"),
            (Document.Kind.OTHER, "Evaluation report"),
        ]
        acronym = partnership.organisation.acronym
        rows = []
        for index in range(count):
            kind, title = kinds[index % len(kinds)]
            year = partnership.start_date.year + index % max(1, len(partnership.years))
            rows.append(
                Document(
                    partnership=partnership,
                    kind=kind,
                    title=f"{acronym} {title} {year} ({index + 1})",
                    year=year,
                    reference=f"C/{100 + index}/{1 + index % 9}",
                    url=f"https://www.example.org/{acronym.lower().replace(' ', '-')}/"
                    f"documents/{year}/{index + 1}.pdf",
                    uploaded_by=self.desk,
                )
            )
        bulk_create_with_history(rows, Document, default_user=self.desk)
        self.report.add("documents", len(rows))

    # --- funding ---------------------------------------------------------------------

    def budget_lines(self, partnership: Partnership, amounts: dict[str, Decimal]) -> None:
        """A line per year and component (those missing), each created and committed by the
        services."""
        existing = set(
            BudgetLine.objects.filter(partnership=partnership).values_list("year", "component")
        )
        added = 0
        for year in partnership.years:
            for component, amount in amounts.items():
                if (year, component) in existing:
                    continue
                funding_services.budget_line_create(
                    partnership=partnership,
                    by=self.desk,
                    year=year,
                    component=component,
                    amount=amount,
                    citation="Generated load data",
                )
                added += 1
        self.report.add("budget lines", added)
        years = BudgetLine.objects.filter(
            partnership=partnership, status=BudgetLine.Status.INDICATIVE
        ).values_list("year", flat=True)
        for year in sorted(set(years)):
            funding_services.budget_year_commit(
                partnership=partnership,
                year=year,
                finance_act_reference=f"Finance Act for {year}",
                reason="Generated load data",
                by=self.desk,
            )

    def exchange_rates(self, partnership: Partnership) -> None:
        existing = set(
            ExchangeRate.objects.filter(partnership=partnership).values_list("currency", "date")
        )
        rows = []
        for year in partnership.years:
            for month in range(1, 13):
                for currency, base in (("USD", 6.6), ("CHF", 6.7)):
                    day = dt.date(year, month, 1)
                    if (currency, day) in existing:
                        continue
                    rate = Decimal(str(round(base * (1 + self.rng.uniform(-0.06, 0.06)), 6)))
                    rows.append(
                        ExchangeRate(
                            partnership=partnership,
                            currency=currency,
                            date=day,
                            rate=rate,
                            source="Danmarks Nationalbank",
                            created_by=self.desk,
                        )
                    )
        bulk_create_with_history(rows, ExchangeRate, default_user=self.desk)
        self.report.add("exchange rates", len(rows))

    def disbursements(self, partnership: Partnership, units: int) -> None:
        lines = list(BudgetLine.objects.filter(partnership=partnership).order_by("year", "pk"))
        payments = _spread(self.rates.payments * units, len(lines))
        # A payment is made on a day that has come: the years still to come are paid
        # today (the draws stay the same, so one seed still gives the same rows).
        today = timezone.localdate()
        for line, count in zip(lines, payments, strict=True):
            if not count:
                continue
            share = line.amount * Decimal("0.9") / count
            start = dt.date(line.year, 1, 15)
            days = sorted(_day(self.rng, start, dt.date(line.year, 12, 15)) for _ in range(count))
            for index, value_date in enumerate(days):
                currency = self.rng.choice(["DKK", "DKK", "DKK", "USD", "CHF"])
                dkk = share * Decimal(str(self.rng.uniform(0.7, 1.0)))
                amount = _money(dkk if currency == "DKK" else dkk / Decimal("7.2"))
                funding_services.disbursement_create(
                    budget_line=line,
                    by=self.desk,
                    value_date=min(value_date, today),
                    amount=amount,
                    currency=currency,
                    reference=f"PAY-{_line_code(line)}-{index + 1:03d}",
                    # The generated rates are monthly: a payment may use one weeks old.
                    accept_stale_rate=True,
                )
        self.report.add("payments", sum(payments))
        refunds = 0
        for line in self.rng.sample(lines, min(len(lines), self.rates.refunds * units)):
            if not line.disbursements.exists():
                continue
            funding_services.disbursement_create(
                budget_line=line,
                by=self.desk,
                value_date=min(dt.date(line.year, 12, 20), today),
                amount=_money(self.rng.uniform(5_000, 50_000)),
                currency="DKK",
                reference=f"REF-{_line_code(line)}",
                kind=Disbursement.Kind.REFUND,
            )
            refunds += 1
        self.report.add("refunds", refunds)

    def allocations(self, partnership: Partnership, units: int) -> None:
        """Earmarked money, on the lines of the years the DAC list on file covers."""
        lines = list(
            BudgetLine.objects.filter(
                partnership=partnership,
                component__in=EARMARKED_COMPONENTS,
                year__in=[2018, 2019, 2020],
            ).order_by("year", "component")
        )
        if not lines:
            return
        counts = _spread(self.rates.allocations * units, len(lines))
        for line, count in zip(lines, counts, strict=True):
            share = line.amount * Decimal("0.9") / max(count, 1)
            for _ in range(count):
                funding_services.allocation_create(
                    budget_line=line,
                    country=self.rng.choice(ALLOCATION_COUNTRIES),
                    amount=_money(share * Decimal(str(self.rng.uniform(0.5, 1.0)))),
                    description=self.rng.choice(
                        [
                            "Assisted voluntary return and reintegration",
                            "Capacity building for border management",
                            "Addressing drivers of irregular migration",
                            "Protection of migrants in vulnerable situations",
                        ]
                    ),
                    reported_in=f"{partnership.organisation.acronym} annual report {line.year}",
                    by=self.desk,
                )
        self.report.add("allocations", sum(counts))

    def staff(self, partnership: Partnership, units: int) -> None:
        lines = list(
            BudgetLine.objects.filter(
                partnership=partnership, component=Component.SECONDMENTS
            ).order_by("year")
        )
        secondments = _spread(self.rates.staff[StaffPosition.Kind.SECONDMENT] * units, len(lines))
        start, end = partnership.start_date, partnership.end_date
        added = 0
        for line, count in zip(lines, secondments, strict=True):
            for _ in range(count):
                funding_services.staff_position_create(
                    partnership=partnership,
                    kind=StaffPosition.Kind.SECONDMENT,
                    name="",
                    position=self.rng.choice(POSITIONS),
                    grade=self.rng.choice(GRADES),
                    duty_station=self.rng.choice(DUTY_STATIONS),
                    start_date=dt.date(line.year, 1, 1) + dt.timedelta(self.rng.randrange(180)),
                    end_date=dt.date(line.year, 12, 31),
                    budget_line=line,
                    cost=_money(line.amount * Decimal("0.9") / max(count, 1)),
                )
                added += 1
        for kind in (StaffPosition.Kind.REGULAR, StaffPosition.Kind.JPO):
            for _ in range(self.rates.staff[kind] * units):
                began = _day(self.rng, start, end)
                funding_services.staff_position_create(
                    partnership=partnership,
                    kind=kind,
                    name="",
                    position=self.rng.choice(POSITIONS),
                    grade=self.rng.choice(GRADES),
                    duty_station=self.rng.choice(DUTY_STATIONS),
                    start_date=began,
                    end_date=None if self.rng.random() < 0.5 else began + dt.timedelta(730),
                )
                added += 1
        self.report.add("staff positions", added)

    def annex(self, partnership: Partnership, units: int) -> None:
        """Annex IV rows through the import, in one generated file of the annex's layout."""
        if units <= 0:
            return
        header = [
            "Table", "Level", "Region / Country", "Donor", "Donor (specific)", "Project Code",
            "Project Title", *map(str, ANNEX_YEARS), "Total", "%",
        ]  # fmt: skip
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        left = self.rates.annex_rows * units
        projects = -(-left // len(ANNEX_YEARS))
        regions = list(REGIONS.items())
        per_region = _spread(projects, len(regions))
        for (region, countries), count in zip(regions, per_region, strict=True):
            if not count:
                continue
            rows = []
            for index in range(count):
                self.project_number += 1
                prefix = PROJECT_PREFIXES[self.project_number % len(PROJECT_PREFIXES)]
                country = countries[index % len(countries)]
                donor, unit = self.rng.choice(DONOR_UNITS)
                years = min(left, len(ANNEX_YEARS))
                left -= years
                amounts = [
                    self.rng.choice([-1, 1]) * self.rng.randrange(1_000, 30_000)
                    if self.rng.random() < 0.05
                    else self.rng.randrange(20_000, 900_000)
                    for _ in range(years)
                ] + [0] * (len(ANNEX_YEARS) - years)
                rows.append((country, donor, unit, f"{prefix}{self.project_number:04d}", amounts))
            totals = [sum(r[4][i] for r in rows) for i in range(len(ANNEX_YEARS))]
            writer.writerow(["All Projects", "", region, "", "", "", "", *totals, sum(totals), ""])
            for country, donor, unit, code, amounts in rows:
                writer.writerow(
                    [
                        "All Projects", "", country, donor, unit, code,
                        f"Migration management and assisted return – {country}",
                        *[a if a else "-" for a in amounts], sum(amounts), "",
                    ]
                )  # fmt: skip
        content = buffer.getvalue().encode("utf-8")
        result = funding_services.voluntary_contributions_import(
            partnership=partnership,
            content=content,
            filename=f"annex-iv-load-{partnership.slug}-{self.project_number}.csv",
            by=self.desk,
        )
        self.report.add("voluntary contributions", result.record.contributions_added)

    # --- consultations -----------------------------------------------------------------

    def consultations(self, partnership: Partnership, units: int) -> None:
        years = [
            y
            for y in partnership.years
            if not Consultation.objects.filter(partnership=partnership, year=y).exists()
        ]
        have = Consultation.objects.filter(partnership=partnership).count()
        for year in years[: max(0, self.rates.consultations * units - have)]:
            consultation = consultation_services.consultation_create(
                partnership=partnership,
                by=self.geneva,
                year=year,
                date=dt.date(year, 5, 1) + dt.timedelta(self.rng.randrange(120)),
                place=self.rng.choice(["Geneva", "Copenhagen"]),
                participants="Permanent Mission of Denmark, Geneva\nMinistry of Foreign Affairs",
            )
            if not consultation.agenda_items.exists():
                for index in range(EXTRA_AGENDA_ITEMS):
                    consultation_services.agenda_item_add(
                        consultation=consultation,
                        by=self.geneva,
                        title=[
                            "Use of the Danish contribution",
                            "Plans for the coming year",
                            "Results reporting",
                            "Employment of Danish nationals",
                            "Any other business",
                        ][index],
                    )
            self.report.add("consultations", 1)
        consultations = list(Consultation.objects.filter(partnership=partnership).order_by("year"))
        self._notes(partnership, consultations, self.rates.notes * units)
        self._action_points(partnership, consultations, self.rates.action_points * units)

    def _notes(self, partnership: Partnership, consultations: list, count: int) -> None:
        items = list(
            AgendaItem.objects.filter(consultation__in=consultations).order_by(
                "consultation__year", "order"
            )
        )
        goals = list(OverallGoal.objects.filter(partnership=partnership).order_by("number"))
        risks = list(Risk.objects.filter(partnership=partnership).order_by("number"))
        rows = []
        for index in range(count):
            item = items[index % len(items)]
            status = self.rng.choice(
                [Note.Status.CLEARED, Note.Status.CLEARED, Note.Status.READY, Note.Status.DRAFT]
            )
            body = self.rng.choice(NOTE_BODIES)
            rows.append(
                Note(
                    agenda_item=item,
                    author=self.geneva,
                    last_edited_by=self.geneva,
                    body=body,
                    status=status,
                    version=3 if status == Note.Status.CLEARED else 1,
                    cleared_by=self.desk if status == Note.Status.CLEARED else None,
                    cleared_at=dt.datetime(partnership.start_date.year, 6, 30, 12, tzinfo=dt.UTC)
                    if status == Note.Status.CLEARED
                    else None,
                )
            )
        notes = bulk_create_with_history(rows, Note, default_user=self.geneva)
        revisions = [
            NoteRevision(
                note=note,
                number=1,
                body=note.body,
                written_by=self.geneva,
                cleared_by=self.desk,
                cleared_at=note.cleared_at,
            )
            for note in notes
            if note.status == Note.Status.CLEARED
        ]
        bulk_create_with_history(revisions, NoteRevision, default_user=self.desk)
        goal_links = [
            Note.goals.through(note_id=note.pk, overallgoal_id=self.rng.choice(goals).pk)
            for note in notes
            if goals and self.rng.random() < 0.5
        ]
        risk_links = [
            Note.risks.through(note_id=note.pk, risk_id=self.rng.choice(risks).pk)
            for note in notes
            if risks and self.rng.random() < 0.25
        ]
        Note.goals.through.objects.bulk_create(goal_links)
        Note.risks.through.objects.bulk_create(risk_links)
        self.report.add("notes", len(rows))

    def _action_points(self, partnership: Partnership, consultations: list, count: int) -> None:
        items = {
            c.pk: list(c.agenda_items.order_by("order")) for c in consultations
        }  # a few consultations per partnership: one query each is fine here
        goals = list(OverallGoal.objects.filter(partnership=partnership).order_by("number"))
        rows = []
        for index in range(count):
            consultation = consultations[index % len(consultations)]
            due = (consultation.date or dt.date(consultation.year, 6, 1)) + dt.timedelta(
                days=self.rng.randrange(60, 400)
            )
            status = self.rng.choice(
                [ActionPoint.Status.OPEN, ActionPoint.Status.DONE, ActionPoint.Status.DONE]
            )
            agenda = items[consultation.pk]
            rows.append(
                ActionPoint(
                    consultation=consultation,
                    agenda_item=self.rng.choice(agenda) if agenda else None,
                    description=self.rng.choice(ACTION_TEXTS),
                    owner=self.rng.choice(ACTION_OWNERS),
                    due_date=due,
                    status=status,
                    closed_on=None if status == ActionPoint.Status.OPEN else due,
                    created_by=self.geneva,
                )
            )
        points = bulk_create_with_history(rows, ActionPoint, default_user=self.geneva)
        links = [
            ActionPoint.goals.through(actionpoint_id=p.pk, overallgoal_id=self.rng.choice(goals).pk)
            for p in points
            if goals and self.rng.random() < 0.5
        ]
        ActionPoint.goals.through.objects.bulk_create(links)
        self.report.add("action points", len(rows))

    # --- reviews ---------------------------------------------------------------------

    def reviews(self, partnership: Partnership, count: int) -> None:
        """``count`` more reviews, and assessments and versions for those that have none."""
        for index in range(count):
            kind = Review.Kind.FINAL if index % 2 else Review.Kind.MID_TERM
            review_services.review_create(
                partnership=partnership,
                kind=kind,
                title=f"{Review.Kind(kind).label} of the strategy ({index + 1})",
                purpose="To assess progress against the overall goals of the strategy.",
                period_start=partnership.start_date,
                period_end=partnership.end_date,
                due_date=partnership.end_date,
            )
        self.report.add("reviews", count)
        reviews = list(
            Review.objects.filter(partnership=partnership, goal_assessments__isnull=True)
            .distinct()
            .order_by("pk")
        )
        goals = list(OverallGoal.objects.filter(partnership=partnership).order_by("number"))
        areas = list(PriorityArea.objects.filter(partnership=partnership).order_by("number"))
        ratings = [r for r, _ in Rating.choices]

        def assessments(review: Review, model: type, subject: str, subjects: list) -> list:
            return [
                model(
                    review=review,
                    **{subject: each},
                    rating=self.rng.choice(ratings),
                    narrative=self.rng.choice(NARRATIVES),
                    author=self.desk,
                )
                for each in subjects
            ]

        goal_rows, area_rows, findings = [], [], []
        for review in reviews:
            goal_rows += assessments(review, GoalAssessment, "goal", goals)
            area_rows += assessments(review, PriorityAreaAssessment, "priority_area", areas)
            findings += [
                Finding(review=review, number=n, text=self.rng.choice(NARRATIVES))
                for n in (1, 2, 3)
            ]
        bulk_create_with_history(goal_rows, GoalAssessment, default_user=self.desk)
        bulk_create_with_history(area_rows, PriorityAreaAssessment, default_user=self.desk)
        stored = bulk_create_with_history(findings, Finding, default_user=self.desk)
        recommendations = [
            Recommendation(
                review=finding.review,
                number=finding.number,
                text="Follow up at the next annual consultation.",
                finding=finding,
            )
            for finding in stored
        ]
        bulk_create_with_history(recommendations, Recommendation, default_user=self.desk)
        self.report.add("goal assessments", len(goal_rows))
        self._versions(reviews)

    def _versions(self, reviews: list[Review]) -> None:
        from pypdf import PdfWriter

        versions = []
        for review in reviews:
            for number in range(1, VERSIONS_PER_REVIEW + 1):
                writer = PdfWriter()
                writer.add_blank_page(width=595, height=842)
                writer.add_metadata({"/Title": f"{review.title}, version {number}"})
                buffer = io.BytesIO()
                writer.write(buffer)
                pdf = buffer.getvalue()
                name = report_file_name(review.pk, number)
                if default_storage.exists(name):
                    default_storage.delete(name)
                stored = default_storage.save(name, ContentFile(pdf))
                ended = review.period_end or dt.date(2020, 12, 1)
                finished = dt.datetime.combine(ended, dt.time(9))
                versions.append(
                    ReportVersion(
                        review=review,
                        number=number,
                        status=ReportVersion.Status.DONE,
                        file=stored,
                        sha256=hashlib.sha256(pdf).hexdigest(),
                        size=len(pdf),
                        pages=1,
                        requested_by=self.desk,
                        attempts=1,
                        sends=1,
                        finished_at=finished.replace(tzinfo=dt.UTC),
                    )
                )
        stored_versions = bulk_create_with_history(versions, ReportVersion, default_user=self.desk)
        logs = [
            DownloadLog(version=version, user=user, channel=channel)
            for version in stored_versions
            for user, channel in [(self.auditor, "page"), (self.geneva, "api")][
                :DOWNLOADS_PER_VERSION
            ]
        ]
        bulk_create_with_history(logs, DownloadLog, default_user=self.auditor)
        self.report.add("report versions", len(versions))
        self.report.add("downloads", len(logs))

    # --- a whole unit of activity ------------------------------------------------------

    def activity(self, partnership: Partnership, units: int, *, reviews: int, documents: int):
        self.documents(partnership, documents)
        self.goal_updates(partnership, units)
        self.risk_assessments(partnership, units)
        self.exchange_rates(partnership)
        self.disbursements(partnership, units)
        self.allocations(partnership, units)
        self.staff(partnership, units)
        self.consultations(partnership, units)
        self.reviews(partnership, reviews)

    def further(
        self,
        partnership: Partnership,
        demo: Partnership,
        amounts: dict[str, Decimal],
        *,
        units: int,
        documents: int,
    ) -> None:
        """The record of a partnership made beside the demo's: the demo's first-year budget
        (``amounts``) scaled to its annual amount for each of its years, ``units`` of
        activity with one review, and its annex rows."""
        factor = partnership.annual_amount / demo.annual_amount
        self.budget_lines(partnership, {c: (a * factor).quantize(CENT) for c, a in amounts.items()})
        self.activity(partnership, units, reviews=1, documents=documents)
        self.annex(partnership, units)
        self.report.partnerships.append(partnership)


def _demo(slug: str) -> Partnership:
    """The demo partnership the load data is made like. Raises LookupError before
    setup_demo."""
    try:
        return Partnership.objects.select_related("organisation").get(slug=slug)
    except Partnership.DoesNotExist as exc:
        raise LookupError(f"Run setup_demo first: there is no partnership {slug}.") from exc


def _first_year_budget(demo: Partnership) -> dict[str, Decimal]:
    """The demo's budget of its first year by component: what each year of a generated
    partnership holds, scaled to its annual amount."""
    return dict(
        BudgetLine.objects.filter(partnership=demo, year=demo.start_date.year)
        .order_by("component")
        .values_list("component", "amount")
    )


def _extend_period(partnership: Partnership, scale: int) -> None:
    """Three more years per unit past the first, up to 2100."""
    last = min(partnership.end_date.year + UNIT_YEARS * (scale - 1), LAST_YEAR)
    if last > partnership.end_date.year:
        partnership.end_date = partnership.end_date.replace(year=last)
        partnership._change_reason = f"Load data at scale {scale}"
        partnership.full_clean()
        partnership.save(update_fields=["end_date"])


def _own_partnership(demo: Partnership) -> Partnership:
    """A partnership of the load data's own, made like the demo's record: its
    organisation, period, amount, priority areas, goals (with their indicators) and risks."""
    slug = f"{demo.slug}-load"
    if Partnership.objects.filter(slug=slug).exists():
        raise LookupError(
            f"The load data's partnership {slug} exists already: generate once, after "
            "setup_demo, in a database of its own."
        )

    def copied(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
        return {name: getattr(record, name) for name in fields}

    partnership = Partnership(
        title=f"{demo.title} (load data)",
        slug=slug,
        **copied(
            demo,
            (
                "donor",
                "organisation",
                "start_date",
                "end_date",
                "annual_amount",
                "currency",
                "status",
                "mid_term_review_due",
            ),
        ),
    )
    partnership.full_clean()
    partnership.save()
    areas = {
        area.number: PriorityArea.objects.create(
            partnership=partnership,
            number=area.number,
            **copied(area, partnership_services.PRIORITY_AREA_FIELDS),
        )
        for area in demo.priority_areas.order_by("number")
    }
    for goal in demo.goals.select_related("priority_area").order_by("number"):
        OverallGoal.objects.create(
            partnership=partnership,
            number=goal.number,
            **{
                **copied(goal, partnership_services.GOAL_FIELDS),
                "priority_area": areas[goal.priority_area.number] if goal.priority_area else None,
            },
        )
    for risk in demo.risks.order_by("number"):
        Risk.objects.create(
            partnership=partnership,
            number=risk.number,
            **copied(risk, partnership_services.RISK_FIELDS),
        )
    return partnership


def _partnership_with_strategy(
    demo: Partnership,
    organisation: tuple[str, str, str],
    *,
    slug: str,
    start: int,
    end: int,
    annual_amount: Decimal,
    status: str,
    mid_term_review_due: str,
) -> Partnership:
    """A partnership of the demo's donor with an organisation of the list (made if new),
    and the strategy every generated partnership has: two priority areas, the goals of
    GOAL_TEXTS and the risks of RISK_TEXTS."""
    name, acronym, hq = organisation
    organisation_row, _ = Organisation.objects.get_or_create(
        name=name, defaults={"acronym": acronym, "headquarters": hq}
    )
    partnership = Partnership(
        donor=demo.donor,
        organisation=organisation_row,
        title=f"Strategic Partnership Agreement between Denmark and {acronym} {start}–{end}",
        slug=slug,
        start_date=dt.date(start, 1, 1),
        end_date=dt.date(end, 12, 31),
        annual_amount=annual_amount,
        currency=Currency.DKK,
        status=status,
        mid_term_review_due=mid_term_review_due,
    )
    partnership.full_clean()
    partnership.save()
    areas = [
        PriorityArea.objects.create(
            partnership=partnership, number=n, title=title, short_title=title
        )
        for n, title in ((1, "Organisational effectiveness"), (2, "Programme results"))
    ]
    for number, text in enumerate(GOAL_TEXTS, start=1):
        OverallGoal.objects.create(
            partnership=partnership,
            number=number,
            text=text.format(org=acronym),
            priority_area=areas[0 if number <= 5 else 1],
        )
    for number, (title, description) in enumerate(RISK_TEXTS, start=1):
        Risk.objects.create(
            partnership=partnership,
            number=number,
            title=title,
            description=description.format(org=acronym),
        )
    return partnership


def _slug(demo: Partnership, organisation: tuple[str, str, str], start: int, end: int) -> str:
    """The slug the app gives a partnership of the demo's donor with the organisation."""
    return partnership_services.default_slug(
        donor=demo.donor,
        acronym=organisation[1],
        start_date=dt.date(start, 1, 1),
        end_date=dt.date(end, 12, 31),
    )


def _further_partnership(index: int, demo: Partnership) -> Partnership:
    organisation = ORGANISATIONS[index % len(ORGANISATIONS)]
    cycle = index // len(ORGANISATIONS)
    start = demo.start_date.year + UNIT_YEARS * cycle
    end = start + UNIT_YEARS - 1
    return _partnership_with_strategy(
        demo,
        organisation,
        slug=_slug(demo, organisation, start, end),
        start=start,
        end=end,
        annual_amount=Decimal(20 + 5 * (index % 5)) * MILLION,
        status=Partnership.Status.ACTIVE,
        mid_term_review_due=f"fall of {start + 1}",
    )


def _portfolio_partnership(
    rng: random.Random,
    demo: Partnership,
    organisation: tuple[str, str, str],
    start: int,
    years: int,
) -> Partnership:
    """A partnership of ``years`` years from ``start`` with an organisation of the list: its
    priority areas, goals and risks, as ``_further_partnership`` makes them."""
    end = start + years - 1
    slug = _slug(demo, organisation, start, end)
    if Partnership.objects.filter(slug=slug).exists():  # beside a --scale load
        slug = f"{slug}-portfolio"
    today = timezone.localdate().year
    return _partnership_with_strategy(
        demo,
        organisation,
        slug=slug,
        start=start,
        end=end,
        annual_amount=Decimal(rng.choice([15, 20, 25, 30, 40, 60, 80])) * MILLION,
        status=Partnership.Status.CLOSED if end < today else Partnership.Status.ACTIVE,
        mid_term_review_due=f"fall of {start + years // 2}",
    )


def portfolio_admin() -> Any:
    """The portfolio's administrator (``portfolio``): the ministry-wide role on the
    profile; ``generate_portfolio`` makes them a member of every partnership as well (a
    desk officer), so that they work in each as the people they manage do."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from accounts.models import Profile

    user, created = get_user_model().objects.get_or_create(
        username="portfolio",
        defaults={
            "first_name": "Portfolio",
            "last_name": "Administrator",
            "email": "portfolio@example.org",
        },
    )
    if created:
        if settings.DEMO_PASSWORD:
            user.set_password(settings.DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    Profile.objects.update_or_create(user=user, defaults={"is_portfolio_admin": True})
    return user


def _periods(rng: random.Random, count: int) -> list[tuple[tuple[str, str, str], int, int]]:
    """(organisation, first year, years) of ``count`` agreements: one with each organisation
    of the list, then the agreement before it, ending the year before the next began."""
    periods = []
    first_year: dict[int, int] = {}
    for index in range(count):
        slot = index % len(PORTFOLIO_ORGANISATIONS)
        years = rng.choice([3, 4, 5])
        start = first_year[slot] - years if slot in first_year else rng.randrange(2018, 2025)
        first_year[slot] = start
        periods.append((PORTFOLIO_ORGANISATIONS[slot], start, years))
    return periods


def generate_portfolio(
    *,
    count: int,
    seed: int = 0,
    demo_slug: str = portfolio_seed.IOM_SLUG,
    into_demo: bool = False,
) -> Report:
    """``count`` partnerships of three to five years, each with the activity of a year
    (``YEAR``) for every year it runs and a review with its versions, the demo users in the
    roles they hold in the demo partnership, and a portfolio administrator who is a member
    of every one (and of the demo's, whose record is otherwise left as it is unless
    ``into_demo``: then it gets a year's activity for each of its years too, as one of the
    portfolio, beside what the demo holds). Raises LookupError before setup_demo."""
    if count < 1:
        raise ValueError("The portfolio holds one partnership or more.")
    demo = _demo(demo_slug)
    users = _users(demo)
    roles = [(user, role) for user, role in _demo_roles(demo) if user.username != "portfolio"]
    report = Report(scale=0, seed=seed)
    rng = random.Random(seed)  # noqa: S311 - repeatable data, no secret
    generator = _Generator(rng=rng, report=report, users=users, rates=YEAR)
    amounts = _first_year_budget(demo)
    with transaction.atomic():
        caching.changed()  # its bulk inserts send no signal
        admin = portfolio_admin()
        roles = [*roles, (admin, Membership.Role.DESK_OFFICER)]
        if not Membership.objects.filter(user=admin, partnership=demo).exists():
            _add_members(demo, roles[-1:], users)
        if into_demo:  # its own review, documents and annex are the demo's
            generator.budget_lines(demo, amounts)
            generator.activity(demo, len(demo.years), reviews=0, documents=0)
    for organisation, start, years in _periods(rng, count):
        with transaction.atomic():
            partnership = _portfolio_partnership(rng, demo, organisation, start, years)
            _add_members(partnership, roles, users)
            generator.further(
                partnership, demo, amounts, units=years, documents=YEAR.documents * years
            )
    return report


def _add_members(partnership: Partnership, roles: list[tuple[Any, str]], users: dict) -> None:
    """The demo users, in the roles they hold in the demo partnership."""
    bulk_create_with_history(
        [Membership(user=user, partnership=partnership, role=role) for user, role in roles],
        Membership,
        default_user=users["desk"],
    )


def _demo_roles(demo: Partnership) -> list[tuple[Any, str]]:
    return [
        (m.user, m.role)
        for m in Membership.objects.filter(partnership=demo).select_related("user").order_by("pk")
    ]


def _users(demo: Partnership) -> dict[str, Any]:
    """The demo users by role; the generated rows are written in their names."""
    by_role = {role: user for user, role in _demo_roles(demo)}
    missing = [r for r in Membership.Role if r not in by_role]
    if missing:
        raise LookupError(
            "Run setup_demo first: the demo partnership has no "
            + ", ".join(r.label.lower() for r in missing)
            + "."
        )
    return {
        "desk": by_role[Membership.Role.DESK_OFFICER],
        "geneva": by_role[Membership.Role.MISSION_STAFF],
        "auditor": by_role[Membership.Role.AUDITOR],
    }


def generate(
    *,
    scale: int,
    seed: int = 0,
    demo_slug: str = portfolio_seed.IOM_SLUG,
    into_demo: bool = False,
) -> Report:
    """Make a partnership like the demo's with ``scale`` units of activity (or, with
    ``into_demo``, add them to the demo partnership) and ``scale − 1`` partnerships with one
    unit each (see the module's docstring). Raises LookupError before setup_demo."""
    if scale < 1:
        raise ValueError("The scale is a whole number from 1.")
    demo = _demo(demo_slug)
    users = _users(demo)
    roles = _demo_roles(demo)
    report = Report(scale=scale, seed=seed)
    rng = random.Random(seed)  # noqa: S311 - repeatable data, no secret
    generator = _Generator(rng=rng, report=report, users=users)
    amounts = _first_year_budget(demo)
    with transaction.atomic():
        caching.changed()  # its bulk inserts send no signal
        if into_demo:
            loaded, own = demo, 1  # the demo's own reviews, documents and annex: one unit
        else:
            loaded, own = _own_partnership(demo), 0
            _add_members(loaded, roles, users)
        _extend_period(loaded, scale)
        generator.budget_lines(loaded, amounts)
        generator.activity(
            loaded,
            scale,
            reviews=scale - own,
            documents=DOCUMENTS_PER_UNIT * (scale - own),
        )
        generator.annex(loaded, scale - own)
        report.loaded = loaded
    for index in range(scale - 1):
        with transaction.atomic():
            partnership = _further_partnership(index, demo)
            _add_members(partnership, roles, users)
            generator.further(partnership, demo, amounts, units=1, documents=DOCUMENTS_PER_UNIT)
    return report
