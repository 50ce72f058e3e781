"""What the API's contract tests share: every resource the router serves, the DESIGN.md
rule it follows, and how to make its objects (one, or many cheaply).

A resource registered on the router without a rule here fails the suite.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import yaml
from django.db import models
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from attention.models import Digest
from attention.models import Reminder
from config.api_urls import router
from consultations import services as consultation_services
from consultations.models import ActionPoint
from consultations.models import AgendaItem
from consultations.models import Consultation
from consultations.models import Note
from consultations.models import StandardAgendaItem
from core.access import Capability
from funding import seed as funding_seed
from funding.models import AssessedContribution
from funding.models import BudgetLine
from funding.models import Component
from funding.models import ContributionImport
from funding.models import StatedSubtotal
from funding.models import VoluntaryContribution
from iati import services as iati_services
from iati.models import IatiActivity
from iati.models import IatiImport
from iati.models import IatiTransaction
from partnership.models import Membership
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import Risk
from people import services as people_services
from portfolio import seed
from reviews.models import Finding
from reviews.models import GoalAssessment
from reviews.models import PriorityAreaAssessment
from reviews.models import Recommendation
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.funding import factories as funding_factories
from tests.iati import iatifiles
from tests.reviews import factories as review_factories

ROLES = ["anonymous", "outsider", "desk", "geneva", "auditor"]

# DESIGN.md's table: which roles hold each capability.
HOLDERS: dict[Capability, set[str]] = {
    Capability.VIEW: {"desk", "geneva", "auditor"},
    Capability.EDIT_RECORD: {"desk"},
    Capability.EDIT_FUNDING: {"desk"},
    Capability.EDIT_CONSULTATIONS: {"desk", "geneva"},
    Capability.EDIT_REVIEWS: {"desk"},
    Capability.CLEAR_NOTES: {"desk"},
    Capability.DOWNLOAD: {"desk", "geneva", "auditor"},
    Capability.VIEW_HISTORY: {"desk", "auditor"},
    Capability.MANAGE_MEMBERS: {"desk"},
}
# The ministry-wide portfolio administrator's actions (creating, renewing, loading
# partnerships): no role of a partnership may take them (tests/portfolio acts as the role).
PORTFOLIO_ADMIN = "portfolio_admin"


def _no_overrides(partnership: Partnership, payload: dict[str, Any]) -> dict[str, Any]:
    return {}


def _by_id(obj: models.Model, item: dict[str, Any]) -> bool:
    return item["id"] == obj.pk


@dataclass(frozen=True)
class Rule:
    """What the DESIGN.md table says of a resource, and how to make its objects.

    ``make(partnership)`` makes one object (the partnership is the seeded IOM one or its
    twin); ``many(partnership, n)`` adds n more, with the related rows the API shows, to
    any partnership; ``create(partnership, payload)`` gives what a valid create needs
    beyond the writable fields of a made object (where uniqueness or a rule demands), and
    ``update(partnership, payload)`` what a valid update needs beyond them (a correction's
    reason, which no representation shows).
    """

    write: Capability
    make: Callable[[Partnership], models.Model]
    many: Callable[[Partnership, int], None]
    create: Callable[[Partnership, dict[str, Any]], dict[str, Any]] = _no_overrides
    # Extra actions' own capability (or PORTFOLIO_ADMIN), and a create's if not ``write``.
    actions: dict[str, Capability | str] | None = None
    update: Callable[[Partnership, dict[str, Any]], dict[str, Any]] = _no_overrides
    # Values of the other partnership for the filters that read no field of the listed
    # objects (test_isolation.py), by parameter; given the ``two`` partnerships' namespace.
    filter_values: Callable[[Any], dict[str, list[Any]]] | None = None
    # Whether an item of the list names the made object (None: the list names something
    # else, as the history's ids name changes), and the capability of those who find it
    # there when not every reader of the list does.
    lists: Callable[[models.Model, dict[str, Any]], bool] | None = _by_id
    listed_to: Capability | None = None


# --- One object of each kind, in a seeded partnership --------------------------------------


def _goal(partnership):
    return OverallGoal.objects.get(partnership=partnership, number=4)


def _risk(partnership):
    return Risk.objects.get(partnership=partnership, number=1)


def _line(partnership, component=None):
    line, _ = BudgetLine.objects.get_or_create(
        partnership=partnership,
        year=2018,
        component=component or Component.CORE,
        defaults={
            "amount": Decimal("1000000.00"),
            "status": BudgetLine.Status.COMMITTED,
            "finance_act_reference": "Finance Act for 2018",
        },
    )
    return line


def _consultation(partnership):
    return Consultation.objects.filter(
        partnership=partnership, year=2019
    ).first() or consultation_factories.consultation(partnership, year=2019)


def _extra_item(partnership):
    return consultation_services.agenda_item_add(
        consultation=_consultation(partnership),
        by=author(),
        title="Evaluation of the UN Network on Migration",
    )


def _review(partnership):
    return review_factories.ReviewFactory(partnership=partnership)


def author():
    """Someone who writes, other than the users the tests act as."""
    return factories.UserFactory(username="author")


def _funded(partnership):
    if not partnership.assessed_contributions.exists():
        funding_seed.load_demo(partnership)
    return partnership


# --- Many objects of each kind, in any partnership -----------------------------------------
# Written in bulk where the model allows: the counts are about reading. Each row carries
# the related rows its representation shows (authors, links, evidence), so a list that
# reads them one row at a time is caught.


def _members(partnership) -> list[Membership]:
    return list(Membership.objects.filter(partnership=partnership))


def _many_partnerships(partnership, n):
    """n more partnerships, each with the members of the given one."""
    made = [factories.PartnershipFactory(organisation=partnership.organisation) for _ in range(n)]
    Membership.objects.bulk_create(
        Membership(user_id=m.user_id, partnership=p, role=m.role)
        for p in made
        for m in _members(partnership)
    )


def _many_priority_areas(partnership, n):
    for _ in range(n):
        factories.PriorityAreaFactory(partnership=partnership)


def _many_goals(partnership, n):
    area = factories.PriorityAreaFactory(partnership=partnership)
    for _ in range(n):
        goal = factories.GoalFactory(partnership=partnership, priority_area=area)
        factories.GoalUpdateFactory(goal=goal, author=author())


def _many_standard_agenda_items(partnership, n):
    start = (partnership.standard_agenda.aggregate(m=Max("order"))["m"] or 0) + 1
    StandardAgendaItem.objects.bulk_create(
        StandardAgendaItem(partnership=partnership, order=start + i, code=f"x{start + i}",
                           title=f"Item {start + i}")
        for i in range(n)
    )  # fmt: skip


def _documents(partnership, k=2):
    return [
        factories.DocumentFactory(partnership=partnership, uploaded_by=author()) for _ in range(k)
    ]


def _many_goal_updates(partnership, n):
    goal = factories.GoalFactory(partnership=partnership)
    evidence = _documents(partnership)
    for _ in range(n):
        factories.GoalUpdateFactory(goal=goal, author=author()).evidence.set(evidence)


def _many_risks(partnership, n):
    for _ in range(n):
        factories.RiskFactory(partnership=partnership)


def _many_risk_assessments(partnership, n):
    risk = factories.RiskFactory(partnership=partnership)
    for _ in range(n):
        factories.RiskAssessmentFactory(risk=risk, author=author())


def _many_documents(partnership, n):
    _documents(partnership, n)


def _free_years(model, partnership, n) -> list[int]:
    taken = set(model.objects.filter(partnership=partnership).values_list("year", flat=True))
    return [year for year in range(1950, 2100) if year not in taken][:n]


def _many_budget_lines(partnership, n):
    components = list(Component)
    years = _free_years(BudgetLine, partnership, n)
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            partnership=partnership,
            year=years[i],
            component=components[i % len(components)],
            amount=Decimal(1000),
        )
        for i in range(n)
    )
    for line in lines:
        funding_factories.DisbursementFactory(budget_line=line, created_by=author())


def _many_disbursements(partnership, n):
    line = _line(partnership)
    for _ in range(n):
        funding_factories.DisbursementFactory(budget_line=line, created_by=author())


def _many_exchange_rates(partnership, n):
    for _ in range(n):
        funding_factories.ExchangeRateFactory(partnership=partnership, created_by=author())


def _many_assessed_contributions(partnership, n):
    AssessedContribution.objects.bulk_create(
        AssessedContribution(
            partnership=partnership,
            year=year,
            scale_percent=Decimal("0.6293"),
            administrative_budget=Decimal("50690324.00"),
            stated_amount=Decimal(319000),
        )
        for year in _free_years(AssessedContribution, partnership, n)
    )


def _many_voluntary_contributions(partnership, n):
    """Detail rows and the subtotals the reconciliation compares them with."""
    record, _ = ContributionImport.objects.get_or_create(
        partnership=partnership, sha256="e" * 64, defaults={"filename": "many.csv"}
    )
    start = VoluntaryContribution.objects.filter(source_import=record).count()
    VoluntaryContribution.objects.bulk_create(
        VoluntaryContribution(
            partnership=partnership, source_import=record, source_table="all_projects",
            source_row=i, project_code=f"MM{i:04d}", title="Many", region=f"Region {i}",
            country=f"Country {i}", donor_unit=f"Unit {i}", year=2013 + i % 5,
            amount=Decimal(-5 if i % 2 else 7),
        )
        for i in range(start, start + n)
    )  # fmt: skip
    StatedSubtotal.objects.bulk_create(
        StatedSubtotal(
            partnership=partnership, source_import=record, source_table="all_projects",
            source_row=i, level="region", name=f"Region {i}", region=f"Region {i}",
            amount=Decimal(7),
        )
        for i in range(start, start + n)
    )  # fmt: skip


def _many_allocations(partnership, n):
    line = _line(partnership, Component.PRIORITY_AREA_2)
    for _ in range(n):
        funding_factories.AllocationFactory(budget_line=line, created_by=author())


def _many_staff_positions(partnership, n):
    line = _line(partnership, Component.SECONDMENTS)
    for i in range(n):
        if i % 2:
            funding_factories.StaffPositionFactory(partnership=partnership)
        else:
            funding_factories.StaffPositionFactory(
                partnership=partnership, kind="secondment", budget_line=line, cost=Decimal(10)
            )


def _many_reviews(partnership, n):
    sources = _documents(partnership)
    for _ in range(n):
        review = review_factories.ReviewFactory(partnership=partnership)
        review.sources.set(sources)


def _many_report_versions(partnership, n):
    review = review_factories.ReviewFactory(partnership=partnership)
    start = review.versions.count()
    for i in range(n):
        version = review_factories.done_version(review, number=start + i + 1, requested_by=author())
        version.issued_by = author()
        version.save(update_fields=["issued_by"])


def _dossier(partnership):
    """A built dossier of a review, with a file to download (and one of a year beside it,
    so that the partnership's dossiers have a value for each filter)."""
    review = _review(partnership)
    review_factories.done_version(review, requested_by=author())  # its statuses are shown
    review_factories.built_dossier(partnership, requested_by=author())
    return review_factories.built_dossier(partnership, review=review, requested_by=author())


def _a_year(partnership, payload):
    """A partnership's dossier is of a year (a review's is asked for on the review)."""
    return {"partnership": partnership.slug, "year": partnership.years[0]}


def _many_dossiers(partnership, n):
    review = review_factories.ReviewFactory(partnership=partnership)
    review_factories.done_version(review, requested_by=author())
    for i in range(n):
        if i % 2 == 0:
            review_factories.built_dossier(partnership, review=review, requested_by=author())
        else:
            review_factories.built_dossier(partnership, requested_by=author())


def _many_goal_assessments(partnership, n):
    review = review_factories.ReviewFactory(partnership=partnership)
    GoalAssessment.objects.bulk_create(
        GoalAssessment(
            review=review,
            goal=factories.GoalFactory(partnership=partnership),
            rating="too_early",
            narrative="-",
            author=author(),
        )
        for _ in range(n)
    )


def _many_priority_area_assessments(partnership, n):
    review = review_factories.ReviewFactory(partnership=partnership)
    PriorityAreaAssessment.objects.bulk_create(
        PriorityAreaAssessment(
            review=review,
            priority_area=factories.PriorityAreaFactory(partnership=partnership),
            rating="too_early",
            narrative="-",
            author=author(),
        )
        for _ in range(n)
    )


def _many_findings(partnership, n):
    review = review_factories.ReviewFactory(partnership=partnership)
    Finding.objects.bulk_create(Finding(review=review, number=i + 1, text="-") for i in range(n))


def _many_recommendations(partnership, n):
    review = review_factories.ReviewFactory(partnership=partnership)
    findings = Finding.objects.bulk_create(
        Finding(review=review, number=i + 1, text="-") for i in range(n)
    )
    Recommendation.objects.bulk_create(
        Recommendation(review=review, number=i + 1, text="-", finding=finding)
        for i, finding in enumerate(findings)
    )


def _many_consultations(partnership, n):
    Consultation.objects.bulk_create(
        Consultation(partnership=partnership, year=year, created_by=author())
        for year in _free_years(Consultation, partnership, n)
    )


def _a_meeting(partnership) -> Consultation:
    (year,) = _free_years(Consultation, partnership, 1)
    return Consultation.objects.create(partnership=partnership, year=year, created_by=author())


def _many_agenda_items(partnership, n):
    meeting = _a_meeting(partnership)
    AgendaItem.objects.bulk_create(
        AgendaItem(consultation=meeting, order=i + 1, title=f"Item {i}") for i in range(n)
    )


def _linked(model, rows, partnership) -> None:
    """Link every row to two goals and two risks."""
    goals = [factories.GoalFactory(partnership=partnership) for _ in range(2)]
    risks = [factories.RiskFactory(partnership=partnership) for _ in range(2)]
    name = model._meta.model_name
    model.goals.through.objects.bulk_create(
        model.goals.through(**{name: row, "overallgoal": goal}) for row in rows for goal in goals
    )
    model.risks.through.objects.bulk_create(
        model.risks.through(**{name: row, "risk": risk}) for row in rows for risk in risks
    )


def _many_notes(partnership, n):
    item = AgendaItem.objects.create(consultation=_a_meeting(partnership), order=1, title="-")
    writer, clearer = author(), factories.UserFactory(username="clearer")
    notes = Note.objects.bulk_create(
        Note(
            agenda_item=item,
            author=writer,
            last_edited_by=writer,
            body=f"Note {i}.",
            status="cleared",
            cleared_by=clearer,
            cleared_at=timezone.now(),
        )
        for i in range(n)
    )
    _linked(Note, notes, partnership)


def _many_action_points(partnership, n):
    meeting = _a_meeting(partnership)
    item = AgendaItem.objects.create(consultation=meeting, order=1, title="-")
    points = ActionPoint.objects.bulk_create(
        ActionPoint(
            consultation=meeting,
            agenda_item=item,
            description=f"Point {i}.",
            owner="IOM",
            due_date=dt.date(2019, 6, 30),
            created_by=author(),
        )
        for i in range(n)
    )
    _linked(ActionPoint, points, partnership)


def _overdue_point(partnership, assignee=None) -> ActionPoint:
    """An open action point due on 30 June 2019, long past: it needs attention."""
    point = consultation_factories.ActionPointFactory(
        consultation=_consultation(partnership), due_date=dt.date(2019, 6, 30)
    )
    if assignee is not None:
        point.assignee = assignee
        point.save(update_fields=["assignee"])
    return point


def _many_attention(partnership, n):
    """n action points past their due date that every member of the partnership is to act
    on, each naming one of them responsible. An auditor acts on nothing, so the points are
    in a partnership where each member is a desk officer."""
    members = _members(partnership)
    work = Partnership.objects.filter(slug=f"{partnership.slug}-work").first()
    if work is None:
        work = factories.PartnershipFactory(
            organisation=partnership.organisation, slug=f"{partnership.slug}-work"
        )
        Membership.objects.bulk_create(
            Membership(user_id=m.user_id, partnership=work, role=Membership.Role.DESK_OFFICER)
            for m in members
        )
    _many_action_points(work, n)
    if members:
        ActionPoint.objects.filter(consultation__partnership=work).update(
            assignee_id=members[0].user_id
        )


def _a_reminder(partnership) -> Reminder:
    """A digest that told someone of the partnership's overdue review."""
    person = factories.UserFactory(email="reminded@example.org")
    digest = Digest.objects.create(
        user=person,
        period=f"2020-W{Digest.objects.filter(user=person).count() + 1:02d}",
        frequency="weekly",
        to=person.email,
        status=Digest.Status.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )
    return Reminder.objects.create(
        digest=digest,
        partnership=partnership,
        key=f"review_due:{digest.pk}",
        rule="review_due",
        kind="Mid-term review",
        title="Mid-term review of the strategy",
        summary="Overdue since 1 December 2019",
        url=partnership.get_absolute_url(),
        due=dt.date(2019, 11, 30),
        overdue=True,
    )


def _many_reminders(partnership, n):
    """One digest to a person of their own (each row shows its reader) with n reminders."""
    first = _a_reminder(partnership)
    Reminder.objects.bulk_create(
        Reminder(
            digest_id=first.digest_id,
            partnership=partnership,
            key=f"goal_update_stale:{first.pk}-{i}",
            rule="goal_update_stale",
            kind="Overall goal",
            title=f"Goal {i}",
            summary="No update since 1 January 2018",
            url="/",
            is_new=i % 2 == 0,
        )
        for i in range(n - 1)
    )


def _a_change(partnership):
    """A change whose values name other records and a person: a goal update."""
    goal = OverallGoal.objects.filter(partnership=partnership).first()
    factories.GoalUpdateFactory(goal=goal or factories.GoalFactory(partnership=partnership))
    return partnership


def _many_changes(partnership, n):
    """n changes of three kinds, each naming a record and a person of its own."""
    goal = factories.GoalFactory(partnership=partnership)
    risk = factories.RiskFactory(partnership=partnership)
    for i in range(n):
        person = factories.UserFactory()
        if i % 3 == 0:
            factories.GoalUpdateFactory(goal=goal, author=person)
        elif i % 3 == 1:
            factories.RiskAssessmentFactory(risk=risk, author=person)
        else:
            factories.DocumentFactory(partnership=partnership, uploaded_by=person)


def _a_member(partnership) -> Membership:
    """A member of the partnership other than the users the tests act as, invited by e-mail
    and yet to set a password."""
    invitation = people_services.membership_invite(
        partnership=partnership,
        by=author(),
        email=f"member-{partnership.slug}@example.org",
        role=Membership.Role.MISSION_STAFF,
    )
    return Membership.objects.get(user=invitation.user, partnership=partnership)


def _many_members(partnership, n):
    """n more members, each a person of their own."""
    people = [factories.UserFactory(email=f"person{i}@example.org") for i in range(n)]
    Membership.objects.bulk_create(
        Membership(user=person, partnership=partnership, role=Membership.Role.AUDITOR)
        for person in people
    )


def _a_new_address(partnership, payload):
    """An invitation goes to someone who is not a member yet."""
    return {"email": f"invited-{Membership.objects.count()}@example.org"}


def _history_filter_values(two) -> dict[str, list[Any]]:
    today = timezone.localdate().isoformat()
    return {
        "kind": ["goalupdate", "membership", "organisation"],
        "person": [two.their_member.pk],
        "from": [today],
        "to": [today],
    }


def _iati_import(partnership) -> IatiImport:
    """The organisation's file with one activity Denmark funds, imported by a desk officer."""
    content = iatifiles.activity_file(
        iatifiles.Act(
            f"{iatifiles.IOM}-API-1",
            [iatifiles.Tx(dt.date(2019, 3, 4), "1000000.00", ref="PAY-2019-1")],
            funders=[iatifiles.MFA],
        )
    )
    return iati_services.iati_import(
        partnership=partnership, file=io.BytesIO(content), filename="iom.xml", by=author()
    ).record


def _iati_transaction(partnership) -> IatiTransaction:
    return _iati_import(partnership).activities.get().transactions.get()


def _many_iati_imports(partnership, n):
    start = IatiImport.objects.filter(partnership=partnership).count()
    IatiImport.objects.bulk_create(
        IatiImport(
            partnership=partnership, filename=f"iom-{i}.xml", sha256=f"{i:064x}", size=1000 + i,
            iati_version="2.03", activities_read=3, activities_kept=1, transactions_kept=2,
            imported_by=author(),
        )
        for i in range(start, start + n)
    )  # fmt: skip


def _many_iati_transactions(partnership, n):
    record, _ = IatiImport.objects.get_or_create(
        partnership=partnership,
        sha256="d" * 64,
        defaults={"filename": "many.xml", "size": 1, "iati_version": "2.03"},
    )
    activity, _ = IatiActivity.objects.get_or_create(
        partnership=partnership, source_import=record, iati_identifier="XM-DAC-47066-MANY",
        defaults={"reporting_org": "XM-DAC-47066", "source_line": 1},
    )  # fmt: skip
    start = activity.transactions.count()
    IatiTransaction.objects.bulk_create(
        IatiTransaction(
            partnership=partnership, activity=activity, transaction_type="1",
            date=dt.date(2019, 1, 1) + dt.timedelta(days=i), value=Decimal(1000 + i),
            currency="USD", value_date=dt.date(2019, 1, 1) + dt.timedelta(days=i),
            provider_org="XM-DAC-3-1", reference=f"PAY-{i}", source_line=i + 2,
        )
        for i in range(start, start + n)
    )  # fmt: skip


# --- Create payloads: what a made object's writable fields do not give ----------------------


def _next_day(partnership, payload):
    return {"date": (dt.date.fromisoformat(payload["date"]) + dt.timedelta(days=400)).isoformat()}


def _link(partnership, payload):
    return {"url": "https://www.iom.int/annual-report-2019.pdf"}


def _another_goal(partnership, payload):
    return {"goal": OverallGoal.objects.get(partnership=partnership, number=5).pk}


def _another_area(partnership, payload):
    return {"priority_area": partnership.priority_areas.get(number=2).pk}


def _another_year(partnership, payload):
    return {"year": 2020}


def _another_slug(partnership, payload):
    return {"slug": f"{partnership.slug}-next"}


def _another_code(partnership, payload):
    return {"code": "next-item"}


def _a_reason(partnership, payload):
    """A correction says why (kept with the change history)."""
    return {"reason": "Corrected from the organisation's report"}


RULES: dict[str, Rule] = {
    "partnership": Rule(
        Capability.EDIT_RECORD,
        lambda p: p,
        _many_partnerships,
        create=_another_slug,
        actions={"create": PORTFOLIO_ADMIN},
    ),
    # Every partnership the user sees, with its figures: read by every member.
    "portfolio": Rule(
        Capability.VIEW,
        lambda p: p,
        _many_partnerships,
        filter_values=lambda two: {
            "organisation": [two.theirs.organisation.acronym],
            "status": [two.theirs.status],
            "year": [two.theirs.start_date.year],
        },
    ),
    # A partnership renewed for its next period, or loaded from a strategy file.
    "partnership-portfolio": Rule(
        PORTFOLIO_ADMIN,
        lambda p: p,
        _many_partnerships,
        actions={"renew": PORTFOLIO_ADMIN, "import_file": PORTFOLIO_ADMIN},
    ),
    "priority-area": Rule(
        Capability.EDIT_RECORD, lambda p: p.priority_areas.get(number=1), _many_priority_areas
    ),
    "goal": Rule(Capability.EDIT_RECORD, _goal, _many_goals),
    "goal-update": Rule(
        Capability.EDIT_RECORD,
        lambda p: factories.GoalUpdateFactory(goal=_goal(p), author=author()),
        _many_goal_updates,
    ),
    "risk": Rule(Capability.EDIT_RECORD, _risk, _many_risks),
    "risk-assessment": Rule(
        Capability.EDIT_RECORD,
        lambda p: factories.RiskAssessmentFactory(risk=_risk(p), author=author()),
        _many_risk_assessments,
    ),
    "document": Rule(
        Capability.EDIT_RECORD, lambda p: p.documents.first(), _many_documents, create=_link
    ),
    "budget-line": Rule(Capability.EDIT_FUNDING, _line, _many_budget_lines),
    "disbursement": Rule(
        Capability.EDIT_FUNDING,
        lambda p: funding_factories.DisbursementFactory(budget_line=_line(p), created_by=author()),
        _many_disbursements,
    ),
    "exchange-rate": Rule(
        Capability.EDIT_FUNDING,
        lambda p: funding_factories.ExchangeRateFactory(partnership=p),
        _many_exchange_rates,
        create=_next_day,
        update=_a_reason,
    ),
    "assessed-contribution": Rule(
        Capability.EDIT_FUNDING,
        lambda p: _funded(p).assessed_contributions.first(),
        _many_assessed_contributions,
        create=_another_year,
    ),
    "voluntary-contribution": Rule(
        Capability.EDIT_FUNDING,
        lambda p: _funded(p).voluntary_contributions.first(),
        _many_voluntary_contributions,
    ),
    "allocation": Rule(
        Capability.EDIT_FUNDING,
        lambda p: funding_factories.AllocationFactory(
            budget_line=_line(p, component=Component.PRIORITY_AREA_2), created_by=author()
        ),
        _many_allocations,
        update=_a_reason,
    ),
    "review": Rule(
        Capability.EDIT_REVIEWS,
        _review,
        _many_reviews,
        # Collecting a review's dossier: it holds the history and the download log.
        actions={"dossier": Capability.VIEW_HISTORY},
    ),
    "report-version": Rule(
        Capability.EDIT_REVIEWS,
        lambda p: review_factories.done_version(_review(p), requested_by=author()),
        _many_report_versions,
    ),
    "goal-assessment": Rule(
        Capability.EDIT_REVIEWS,
        lambda p: GoalAssessment.objects.create(
            review=_review(p), goal=_goal(p), rating="too_early", narrative="-", author=author()
        ),
        _many_goal_assessments,
        create=_another_goal,
    ),
    "priority-area-assessment": Rule(
        Capability.EDIT_REVIEWS,
        lambda p: PriorityAreaAssessment.objects.create(
            review=_review(p),
            priority_area=p.priority_areas.get(number=1),
            rating="too_early",
            narrative="-",
            author=author(),
        ),
        _many_priority_area_assessments,
        create=_another_area,
    ),
    "finding": Rule(
        Capability.EDIT_REVIEWS,
        lambda p: Finding.objects.create(review=_review(p), number=1, text="-"),
        _many_findings,
    ),
    "recommendation": Rule(
        Capability.EDIT_REVIEWS,
        lambda p: Recommendation.objects.create(review=_review(p), number=1, text="-"),
        _many_recommendations,
    ),
    # A dossier holds the change history and the download log: reading, asking for and
    # downloading one is for those who may read the history.
    "dossier": Rule(
        Capability.VIEW_HISTORY,
        _dossier,
        _many_dossiers,
        create=_a_year,
        actions={
            "list": Capability.VIEW_HISTORY,
            "retrieve": Capability.VIEW_HISTORY,
            "download": Capability.VIEW_HISTORY,
        },
    ),
    "consultation": Rule(
        Capability.EDIT_CONSULTATIONS, _consultation, _many_consultations, create=_another_year
    ),
    "agenda-item": Rule(Capability.EDIT_CONSULTATIONS, _extra_item, _many_agenda_items),
    # The standard agenda is part of the strategy: kept by desk officers, like its goals.
    "standard-agenda-item": Rule(
        Capability.EDIT_RECORD,
        lambda p: p.standard_agenda.get(code="iv"),
        _many_standard_agenda_items,
        create=_another_code,
    ),
    "note": Rule(
        Capability.EDIT_CONSULTATIONS,
        lambda p: consultation_factories.NoteFactory(agenda_item=_extra_item(p)),
        _many_notes,
        actions={"clear": Capability.CLEAR_NOTES},
    ),
    "action-point": Rule(
        Capability.EDIT_CONSULTATIONS,
        lambda p: consultation_factories.ActionPointFactory(consultation=_consultation(p)),
        _many_action_points,
    ),
    "staff-position": Rule(
        Capability.EDIT_FUNDING,
        lambda p: funding_factories.StaffPositionFactory(partnership=p),
        _many_staff_positions,
        update=_a_reason,
    ),
    # A partnership's IATI files and reconciliation (read by every member) and the import of
    # the organisation's file (desk officers), by the partnership's slug.
    "partnership-iati": Rule(
        Capability.EDIT_FUNDING,
        lambda p: p,
        _many_partnerships,
        actions={"iati_import": Capability.EDIT_FUNDING},
    ),
    "iati-import": Rule(Capability.EDIT_FUNDING, _iati_import, _many_iati_imports),
    "iati-transaction": Rule(Capability.EDIT_FUNDING, _iati_transaction, _many_iati_transactions),
    # What needs the user's attention: read by every member (what is in it depends on the
    # role); the digest preference is each person's own, set by any member.
    "my-work": Rule(
        Capability.VIEW,
        _overdue_point,
        _many_attention,
        actions={"digest": Capability.VIEW},
        # The overdue point is the work of those who may act on it (an auditor has none).
        lists=lambda point, item: (
            (item["rule"], item["object_id"]) == ("action_point_due", point.pk)
        ),
        listed_to=Capability.EDIT_CONSULTATIONS,
    ),
    # Who was reminded of what: read as the history is (desk officers and auditors).
    "reminder": Rule(
        Capability.VIEW_HISTORY,
        _a_reminder,
        _many_reminders,
        actions={"list": Capability.VIEW_HISTORY},
    ),
    # Who belongs to the partnership: read by every member; people invited, roles changed and
    # people removed by desk officers (and portfolio administrators, tests/people/test_api.py).
    "membership": Rule(Capability.MANAGE_MEMBERS, _a_member, _many_members, create=_a_new_address),
    # Read-only; reading needs the right to read the history (not every member's).
    "history": Rule(
        Capability.VIEW_HISTORY,
        _a_change,
        _many_changes,
        actions={"list": Capability.VIEW_HISTORY},
        filter_values=_history_filter_values,
        lists=None,
    ),
}


# --- The routes the router serves -----------------------------------------------------------

ACTION_METHODS = {
    "list": "get",
    "retrieve": "get",
    "create": "post",
    "update": "put",
    "partial_update": "patch",
    "destroy": "delete",
}
DETAIL_ACTIONS = {"retrieve", "update", "partial_update", "destroy"}


@dataclass(frozen=True, order=True)
class Route:
    basename: str
    action: str
    method: str
    detail: bool
    name: str  # the URL name

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name} ({self.action})"

    @property
    def viewset(self) -> type:
        return VIEWSETS[self.basename]

    @property
    def lookup(self) -> str:
        """The URL's name for the object: ``pk`` (the schema's ``{id}``), or the field the
        viewset looks objects up by (a partnership's ``slug``)."""
        return self.viewset.lookup_url_kwarg or self.viewset.lookup_field

    @property
    def path(self) -> str:
        """The path as the schema names it."""
        if not self.detail:
            return reverse(self.name)
        if self.lookup == "pk":
            return reverse(self.name, kwargs={"pk": 12345}).replace("/12345/", "/{id}/")
        return reverse(self.name, kwargs={self.lookup: "s12345"}).replace(
            "/s12345/", f"/{{{self.lookup}}}/"
        )

    def lookup_value(self, obj: models.Model) -> Any:
        return obj.pk if self.lookup == "pk" else getattr(obj, self.viewset.lookup_field)

    def missing_value(self, obj: models.Model) -> Any:
        """A lookup value that names nothing, as alike to the object's as can be."""
        value = self.lookup_value(obj)
        return 2**40 + value if self.lookup == "pk" else f"{value}-x"

    def url(self, obj: models.Model | None = None, value: Any = None) -> str:
        """The route's URL for an object (or a lookup value); lists take neither."""
        if not self.detail:
            return reverse(self.name)
        return reverse(self.name, kwargs={self.lookup: self.lookup_value(obj) if obj else value})

    def operation(self) -> dict[str, Any]:
        return openapi()["paths"][self.path][self.method]

    def view(self, user=None) -> Any:
        """The viewset as it stands for this route (for its serializer or filters)."""
        view = self.viewset(**getattr(getattr(self.viewset, self.action), "kwargs", {}))
        view.request = SimpleNamespace(user=user, query_params={}, method=self.method.upper())
        view.action, view.kwargs, view.format_kwarg = self.action, {}, None
        return view


VIEWSETS: dict[str, type] = {basename: viewset for _, viewset, basename in router.registry}


def _routes() -> Iterator[Route]:
    for _, viewset, basename in router.registry:
        for action, method in ACTION_METHODS.items():
            if hasattr(viewset, action) and method in viewset.http_method_names:
                kind = "detail" if action in DETAIL_ACTIONS else "list"
                yield Route(
                    basename, action, method, action in DETAIL_ACTIONS, f"{basename}-{kind}"
                )
        for extra in viewset.get_extra_actions():
            for method in extra.mapping:
                name = f"{basename}-{extra.url_name}"
                yield Route(basename, extra.__name__, method, extra.detail, name)


ROUTES: list[Route] = sorted(set(_routes()))
LIST_ROUTES = [r for r in ROUTES if r.method == "get" and not r.detail]
DETAIL_READ_ROUTES = [r for r in ROUTES if r.method == "get" and r.detail]
WRITE_ROUTES = [r for r in ROUTES if r.action in {"create", "update", "partial_update"}]


def model_of(basename: str) -> type[models.Model]:
    return VIEWSETS[basename].access.base().model


# --- The schema and a second partnership ----------------------------------------------------


@cache
def openapi() -> dict[str, Any]:
    """The OpenAPI schema as /api/schema/ serves it, as plain JSON."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 to JSON Schema: ``nullable`` becomes a null alternative."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _iso_date_time(value: object) -> bool:
    """ISO 8601 with its offset (the answers say which time zone)."""
    if not isinstance(value, str):
        return True
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def assert_conforms(body: Any, operation: dict[str, Any], status: int) -> None:
    """The JSON body answers as the operation's schema says for that status."""
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    components = openapi()["components"]
    root = {"components": _json_schema(components), **_json_schema(schema)}
    validator = jsonschema.Draft202012Validator(root, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def twin_of_iom(tmp_path: Path) -> Partnership:
    """A second partnership loaded from the same strategy, under another slug: every rule's
    ``make`` works in it as in the IOM one."""
    data = yaml.safe_load(seed.IOM_STRATEGY.read_text(encoding="utf-8"))
    data["partnership"] = {
        **data["partnership"],
        "slug": "twin-partnership",
        "title": "A twin agreement",
    }
    path = tmp_path / "twin.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return seed.load(path)
