"""Every change is recorded: who, what, when, from which value to which, and why."""

import pytest

from partnership import history
from partnership.models import Membership, OverallGoal
from tests import factories

SLUG = "denmark-iom-2018-2020"


def _entries(iom, **kwargs):
    return history.partnership_history(partnership_ids=[iom.pk], **kwargs)


def test_editing_a_goal_records_old_and_new_value_and_the_reason(desk, login, iom):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    response = login(desk).post(
        f"/p/{SLUG}/goals/4/edit/",
        {
            "text": goal.text,
            "indicator": goal.indicator,
            "unit": "member states",
            "baseline_value": "5",
            "baseline_year": "2017",
            "baseline_note": goal.baseline_note,
            "target_description": goal.target_description,
            "reason": "Unit as the strategy words it",
        },
    )
    assert response.status_code == 302
    entry = _entries(iom, limit=1)[0]
    assert (entry.kind, entry.action, entry.who) == ("Overall goal", "changed", desk)
    assert entry.reason == "Unit as the strategy words it"
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("unit", "donors", "member states")]


def test_an_edit_that_changes_nothing_writes_no_history(desk, login, iom):
    risk = iom.risks.get(number=1)
    before = risk.history.count()
    login(desk).post(
        f"/p/{SLUG}/risks/1/edit/", {"title": risk.title, "description": risk.description}
    )
    assert risk.history.count() == before


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (
            lambda iom, user: factories.GoalUpdateFactory(goal=iom.goals.first(), author=user),
            "Goal update",
        ),
        (
            lambda iom, user: factories.RiskAssessmentFactory(risk=iom.risks.first(), author=user),
            "Risk assessment",
        ),
        (lambda iom, user: factories.DocumentFactory(partnership=iom), "Document"),
        (
            lambda iom, user: Membership.objects.create(
                user=factories.UserFactory(), partnership=iom, role=Membership.Role.AUDITOR
            ),
            "Membership",
        ),
    ],
)
def test_each_kind_of_record_is_in_the_history(desk, iom, make, kind):
    make(iom, desk)
    assert _entries(iom, limit=1)[0].kind == kind
    assert _entries(iom, limit=1)[0].action == "created"


def test_seeded_records_are_in_the_history_with_their_values(iom):
    created = [e for e in _entries(iom, limit=500) if e.kind == "Risk" and e.action == "created"]
    assert len(created) == 4
    titles = {
        change.new for entry in created for change in entry.changes if change.field == "title"
    }
    assert "Misuse of funds and misconduct" in titles


def test_history_page_for_auditors_filters_by_kind_and_pages(auditor, desk, login, iom):
    for _ in range(30):
        factories.GoalUpdateFactory(goal=iom.goals.first(), author=desk)
    client = login(auditor)
    page = client.get(f"/p/{SLUG}/history/", {"kind": "goalupdate"})
    assert page.status_code == 200
    assert [e.kind for e in page.context["entries"]] == ["Goal update"] * 30
    first = client.get(f"/p/{SLUG}/history/")
    assert len(first.context["entries"]) == 50
    older = client.get(f"/p/{SLUG}/history/", {"before": first.context["next_before"]})
    seen = {(e.kind, e.object_id, e.when) for e in first.context["entries"]}
    assert older.context["entries"]
    assert not seen & {(e.kind, e.object_id, e.when) for e in older.context["entries"]}
    total = len(history.partnership_history(partnership_ids=[iom.pk], limit=1000))
    assert len(first.context["entries"]) + len(older.context["entries"]) == min(total, 100)


def test_history_records_who_made_a_change_through_the_page(auditor, desk, login, iom):
    login(desk).post(
        f"/p/{SLUG}/goals/1/",
        {"as_of": "2019-03-01", "status": "on_track", "narrative": "Review launched."},
    )
    entries = login(auditor).get(f"/p/{SLUG}/history/", {"user": desk.pk}).context["entries"]
    assert [(e.kind, e.who) for e in entries] == [("Goal update", desk)]


def test_a_malformed_page_marker_shows_the_newest_changes(auditor, login, iom):
    for before in ("2020-13-45T00:00:00", "yesterday", "2020-01-01T00:00:00\x00"):
        response = login(auditor).get(f"/p/{SLUG}/history/", {"before": before})
        assert response.status_code == 200


def test_a_field_the_history_leaves_out_is_not_shown(auditor, desk, login, iom):
    from reviews.models import Review
    from tests.reviews.factories import done_version

    review = Review.objects.create(partnership=iom, kind=Review.Kind.MID_TERM, title="Mid-term")
    done_version(review, requested_by=desk)  # ReportVersion's history excludes task_id
    response = login(auditor).get(f"/p/{SLUG}/history/", {"kind": "reportversion"})
    assert response.status_code == 200
    (changed, _created) = response.context["entries"]
    assert "Done" in [change.new for change in changed.changes]
    assert "task id" not in [change.field for change in changed.changes]
