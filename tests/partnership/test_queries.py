"""Pinned query counts: they do not grow with the number of updates and assessments."""

import pytest

from partnership.models import Document, OverallGoal
from tests import factories
from tests.queries import cost_get, count_get

SLUG = "denmark-iom-2018-2020"


def _fill(iom, author, per_goal):
    documents = [factories.DocumentFactory(partnership=iom) for _ in range(2)]
    for goal in OverallGoal.objects.filter(partnership=iom):
        for _ in range(per_goal):
            update = factories.GoalUpdateFactory(goal=goal, author=author)
            update.evidence.set(documents)
    for risk in iom.risks.all():
        for _ in range(per_goal):
            factories.RiskAssessmentFactory(risk=risk, author=author)


PINNED = {
    # + the funding summary, + the reviews and when they are due, + the data version
    # (core.caching), + what needs attention (one query per kind of object its rules read)
    f"/p/{SLUG}/": 18,
    f"/p/{SLUG}/goals/": 6,  # + the retired goals
    # + action points and notes linked to the goal, + the review that fulfils it
    # + the timeline paged: its count, then the page
    f"/p/{SLUG}/goals/4/": 14,
    f"/p/{SLUG}/risks/": 8,  # + the retired risks
    f"/p/{SLUG}/risks/1/": 10,  # + action points and notes linked to the risk
    f"/p/{SLUG}/documents/": 6,  # paged: their count, then the page
    # + the members for the person filter; the changes' count, keys, rows and names
    # (tests/partnership/test_history.py pins it with every kind of change).
    f"/p/{SLUG}/history/": 9,
    "/api/v1/partnerships/": 6,
    "/api/v1/goals/": 6,
    "/api/v1/goal-updates/": 7,
    "/api/v1/risks/": 6,
    "/api/v1/risk-assessments/": 6,
    "/api/v1/documents/": 6,
    "/api/v1/priority-areas/": 6,
}


@pytest.mark.parametrize(("url", "pinned"), PINNED.items())
def test_query_count_is_pinned_and_equal_with_1_and_50_updates_per_goal(
    desk, login, iom, url, pinned
):
    client = login(desk)
    _fill(iom, desk, 1)
    with_one = count_get(client, url)
    _fill(iom, desk, 49)
    with_fifty = count_get(client, url)
    assert (with_one, with_fifty) == (pinned, pinned)
    assert Document.objects.count() > 2


@pytest.mark.parametrize(
    ("url", "more"),
    [
        (f"/p/{SLUG}/goals/4/", "updates"),
        (f"/p/{SLUG}/goals/4/?page=2", "updates"),
        (f"/p/{SLUG}/documents/", "documents"),
    ],
)
def test_a_paged_page_reads_the_same_rows_with_ten_times_as_much(
    desk, login, iom, monkeypatch, url, more
):
    """Pages of two: a goal's timeline, the documents. Six, then sixty: the page reads the
    same rows and makes the same queries."""
    from partnership import views

    monkeypatch.setattr(views, "UPDATES_PER_PAGE", 2)
    monkeypatch.setattr(views, "DOCUMENTS_PER_PAGE", 2)
    goal = OverallGoal.objects.get(partnership=iom, number=4)

    def add(n):
        for _ in range(n):
            if more == "updates":
                factories.GoalUpdateFactory(goal=goal, author=desk)
            else:
                factories.DocumentFactory(partnership=iom)

    client = login(desk)
    add(6)
    few = cost_get(client, url)
    add(54)
    many = cost_get(client, url)
    assert few == many, (few, many)
