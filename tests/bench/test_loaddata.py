"""generate_load_data: counts multiply as promised, the same seed gives the same rows, the
demo users hold their roles in the partnerships it adds, and the demo partnership is left
as it is unless asked."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError
from django.core.management import call_command
from django.db import transaction

from bench import loaddata
from bench.management.commands import generate_load_data
from consultations.models import ActionPoint
from consultations.models import Consultation
from consultations.models import Note
from funding.models import Allocation
from funding.models import BudgetLine
from funding.models import Disbursement
from funding.models import StaffPosition
from funding.models import VoluntaryContribution
from partnership.models import Document
from partnership.models import GoalUpdate
from partnership.models import Membership
from partnership.models import Partnership
from partnership.models import RiskAssessment
from portfolio.seed import IOM_SLUG
from reviews.models import ReportVersion
from reviews.models import Review


@pytest.fixture
def demo(db, settings):
    settings.DEMO_PASSWORD = "load-data-test"
    call_command("setup_demo", verbosity=0, stdout=None)
    return Partnership.objects.get(slug=IOM_SLUG)


def counts(partnership: Partnership) -> dict[str, int]:
    """Rows of each kind that belong to the partnership."""
    p = partnership
    return {
        "goal updates": GoalUpdate.objects.filter(goal__partnership=p).count(),
        "risk assessments": RiskAssessment.objects.filter(risk__partnership=p).count(),
        "budget lines": BudgetLine.objects.filter(partnership=p).count(),
        "payments": Disbursement.objects.filter(budget_line__partnership=p, kind="payment").count(),
        "allocations": Allocation.objects.filter(budget_line__partnership=p).count(),
        "staff": StaffPosition.objects.filter(partnership=p).count(),
        "consultations": Consultation.objects.filter(partnership=p).count(),
        "notes": Note.objects.filter(agenda_item__consultation__partnership=p).count(),
        "action points": ActionPoint.objects.filter(consultation__partnership=p).count(),
        "voluntary contributions": VoluntaryContribution.objects.filter(partnership=p).count(),
        "documents": Document.objects.filter(partnership=p).count(),
        "reviews": Review.objects.filter(partnership=p).count(),
        "report versions": ReportVersion.objects.filter(review__partnership=p).count(),
    }


def snapshot() -> list[tuple]:
    """What a reader sees of the generated rows, without keys or creation times, each kind
    sorted on every column it shows (rows may tie on any shorter key, and PostgreSQL then
    returns them in no fixed order)."""
    kinds = [
        GoalUpdate.objects.values_list(
            "goal__partnership__slug", "goal__number", "as_of", "status", "narrative"
        ),
        Disbursement.objects.values_list(
            "budget_line__partnership__slug", "reference", "value_date", "amount"
        ),
        VoluntaryContribution.objects.values_list(
            "partnership__slug", "project_code", "country", "year", "amount"
        ),
        Partnership.objects.values_list("slug", "start_date", "end_date"),
    ]
    return [row for rows in kinds for row in sorted(rows, key=repr)]


def generated(scale: int, seed: int, measure, *, into_demo: bool = True):
    """Generate, measure, and roll back: the demo is as setup_demo left it again."""
    point = transaction.savepoint()
    try:
        loaddata.generate(scale=scale, seed=seed, into_demo=into_demo)
        return measure()
    finally:
        transaction.savepoint_rollback(point)


def test_scale_one_adds_every_kind_of_row_to_the_demo(demo):
    one = generated(1, 1, lambda: counts(demo))
    assert all(one.values()), one
    assert one["goal updates"] == 9 * loaddata.UPDATES_PER_GOAL
    assert Partnership.objects.count() == 1


def test_scale_three_multiplies_every_kind_on_the_demo(demo):
    one = generated(1, 1, lambda: counts(demo))
    loaddata.generate(scale=3, seed=1, into_demo=True)
    assert counts(demo) == {kind: 3 * count for kind, count in one.items()}
    demo.refresh_from_db()
    assert demo.years == list(range(2018, 2027))  # three more years per unit


def test_scale_three_adds_two_partnerships_where_the_demo_users_hold_their_roles(demo):
    one = generated(1, 1, lambda: counts(demo))
    report = loaddata.generate(scale=3, seed=1, into_demo=True)
    added = Partnership.objects.exclude(slug=IOM_SLUG)
    assert {p.pk for p in report.partnerships} == set(added.values_list("pk", flat=True))
    assert added.count() == 2
    roles = set(Membership.objects.filter(partnership=demo).values_list("user__username", "role"))
    assert roles == {
        ("desk", "desk_officer"),
        ("geneva", "mission_staff"),
        ("auditor", "auditor"),
    }
    for partnership in added:
        assert set(partnership.memberships.values_list("user__username", "role")) == roles
        assert counts(partnership) == one


def test_the_same_seed_gives_the_same_rows(demo):
    first = generated(2, 5, snapshot)
    again = generated(2, 5, snapshot)
    other = generated(2, 6, snapshot)
    assert first == again
    assert first != other


def test_by_default_the_load_goes_into_a_partnership_of_its_own(demo):
    before = counts(demo)
    period = (demo.start_date, demo.end_date)
    history = demo.history.count()
    report = loaddata.generate(scale=2, seed=1)
    demo.refresh_from_db()
    assert (counts(demo), (demo.start_date, demo.end_date)) == (before, period)
    assert demo.history.count() == history
    loaded = report.loaded
    assert loaded.slug == f"{IOM_SLUG}-load"
    assert loaded.years == list(range(2018, 2024))  # three more years for the second unit
    assert loaded.goals.count() == 9
    assert loaded.risks.count() == 4
    assert set(loaded.memberships.values_list("user__username", "role")) == {
        ("desk", "desk_officer"),
        ("geneva", "mission_staff"),
        ("auditor", "auditor"),
    }
    one = generated(1, 1, lambda: counts(demo))
    assert counts(loaded) == {kind: 2 * count for kind, count in one.items()}


def test_the_load_partnership_is_made_once(demo):
    loaddata.generate(scale=1, seed=1)
    with pytest.raises(LookupError, match="exists already"):
        loaddata.generate(scale=1, seed=1)


def test_the_command_refuses_without_the_demo(db):
    with pytest.raises(CommandError, match="setup_demo"):
        call_command(generate_load_data.Command(), "--scale", "2")


def test_the_command_refuses_a_scale_below_one(db):
    with pytest.raises(CommandError, match="whole number"):
        call_command(generate_load_data.Command(), "--scale", "0")


def test_the_command_leaves_the_demo_as_it_is_unless_asked(demo):
    call_command(generate_load_data.Command(), "--scale", "1", stdout=None)
    demo.refresh_from_db()
    assert demo.end_date.year == 2020
    call_command(generate_load_data.Command(), "--scale", "2", "--into-demo", stdout=None)
    demo.refresh_from_db()
    assert demo.end_date.year == 2023


# --- --portfolio: a ministry's partnerships ------------------------------------------------


def test_a_portfolio_is_partnerships_of_three_to_five_years_with_different_organisations(demo):
    before = counts(demo)
    report = loaddata.generate_portfolio(count=4, seed=3)
    added = Partnership.objects.exclude(slug=IOM_SLUG)
    assert {p.pk for p in report.partnerships} == set(added.values_list("pk", flat=True))
    assert added.count() == 4
    assert all(3 <= len(p.years) <= 5 for p in added)
    assert len({p.organisation_id for p in added}) == 4
    assert counts(demo) == before  # the demo partnership is left as it is


def test_a_portfolio_has_each_years_activity_and_a_review_with_versions(demo):
    report = loaddata.generate_portfolio(count=3, seed=3)
    for partnership in report.partnerships:
        years = len(partnership.years)
        found = counts(partnership)
        assert found["consultations"] == years  # the annual consultation
        assert found["notes"] == loaddata.YEAR.notes * years
        assert found["action points"] == loaddata.YEAR.action_points * years
        assert found["goal updates"] == 9 * loaddata.YEAR.updates_per_goal * years
        assert found["risk assessments"] == 4 * loaddata.YEAR.assessments_per_risk * years
        assert found["payments"] == loaddata.YEAR.payments * years
        assert found["budget lines"] == 4 * years
        assert found["reviews"] == 1
        assert found["report versions"] == loaddata.VERSIONS_PER_REVIEW
        assert found["voluntary contributions"] == loaddata.YEAR.annex_rows * years
        # Allocations only on the years the DAC list on file covers (2018–2020).
        covered = len(set(partnership.years) & {2018, 2019, 2020})
        assert (found["allocations"] > 0) == bool(covered)


def test_the_demo_users_and_a_portfolio_administrator_hold_roles_in_all(demo):
    from core.access import is_portfolio_admin

    report = loaddata.generate_portfolio(count=2, seed=3)
    roles = set(Membership.objects.filter(partnership=demo).values_list("user__username", "role"))
    assert ("portfolio", "desk_officer") in roles
    for partnership in report.partnerships:
        assert set(partnership.memberships.values_list("user__username", "role")) == roles
    admin = Membership._meta.get_field("user").related_model.objects.get(username="portfolio")
    assert is_portfolio_admin(admin)


def test_the_same_seed_gives_the_same_portfolio(demo):
    def made(seed):
        point = transaction.savepoint()
        try:
            loaddata.generate_portfolio(count=2, seed=seed)
            return snapshot()
        finally:
            transaction.savepoint_rollback(point)

    assert made(5) == made(5)
    assert made(5) != made(6)


def test_the_command_makes_a_portfolio_beside_a_scale(demo):
    call_command(
        generate_load_data.Command(), "--scale", "2", "--portfolio", "2", stdout=io.StringIO()
    )
    # The demo, the load data's own and one further partnership, and the two of the portfolio.
    assert Partnership.objects.count() == 1 + 2 + 2


def test_the_command_asks_for_a_scale_or_a_portfolio(db):
    with pytest.raises(CommandError, match="--portfolio"):
        call_command(generate_load_data.Command())
    with pytest.raises(CommandError, match="whole number"):
        call_command(generate_load_data.Command(), "--portfolio", "0")


def test_a_portfolio_into_the_demo_gives_it_a_years_activity_for_each_of_its_years(demo):
    before = counts(demo)
    loaddata.generate_portfolio(count=1, seed=3, into_demo=True)
    after = counts(demo)
    years = len(demo.years)
    assert after["goal updates"] == before["goal updates"] + 9 * 2 * years
    assert after["payments"] == before["payments"] + loaddata.YEAR.payments * years
    # Its own review, documents and annex, and no more.
    for kind in ("reviews", "documents", "voluntary contributions"):
        assert after[kind] == before[kind]
