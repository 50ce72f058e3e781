"""Pinned query counts: they do not grow with the number of updates and assessments."""

import pytest

from partnership.models import Document, OverallGoal
from tests import factories
from tests.queries import count_get

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
    f"/p/{SLUG}/goals/4/": 13,
    f"/p/{SLUG}/risks/": 8,  # + the retired risks
    f"/p/{SLUG}/risks/1/": 10,  # + action points and notes linked to the risk
    f"/p/{SLUG}/documents/": 5,
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
