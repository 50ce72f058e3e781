"""Pinned query counts: they do not grow with the number of updates and assessments."""

import re

import pytest

from partnership.models import Document
from partnership.models import Membership
from partnership.models import OverallGoal
from tests import factories
from tests.queries import cost_get
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
    # Each page: + the data version of its own key (core.caching.cached_page).
    # + the funding summary (its first years, and the totals), + the first reviews due
    # with their count, + the data version (core.caching), + what needs attention (one
    # query per rule, the first ten of each)
    f"/p/{SLUG}/": 21,
    f"/p/{SLUG}/goals/": 6,  # + the retired goals
    # + action points and notes linked to the goal, + the review that fulfils it
    # + the timeline paged: its count, then the page; + the evidence list: the documents'
    # count, then the newest of them
    f"/p/{SLUG}/goals/4/": 15,
    f"/p/{SLUG}/risks/": 8,  # + the retired risks
    f"/p/{SLUG}/risks/1/": 10,  # + action points and notes linked to the risk
    f"/p/{SLUG}/documents/": 6,  # paged: their count, then the page
    # + the members for the person filter; the changes' count, keys, rows and names
    # (tests/partnership/test_history.py pins it with every kind of change).
    f"/p/{SLUG}/history/": 9,
    "/api/v1/partnerships/": 5,
    "/api/v1/goals/": 5,
    "/api/v1/goal-updates/": 6,
    "/api/v1/risks/": 5,
    "/api/v1/risk-assessments/": 5,
    "/api/v1/documents/": 5,
    "/api/v1/priority-areas/": 5,
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
        (f"/p/{SLUG}/goals/4/", "documents"),  # the evidence list: the newest two
        (f"/p/{SLUG}/goals/4/?documents=report", "documents"),
        (f"/p/{SLUG}/risks/", "assessments"),
        (f"/p/{SLUG}/risks/1/", "assessments"),
        (f"/p/{SLUG}/risks/1/?page=2", "assessments"),
    ],
)
def test_a_paged_page_reads_the_same_rows_with_ten_times_as_much(
    desk, login, iom, monkeypatch, url, more
):
    """Pages of two: a goal's timeline, the documents, a risk's assessments (the risk list
    shows the latest five of each). Six, then sixty: the page reads the same rows and makes
    the same queries."""
    from partnership import selectors
    from partnership import views

    monkeypatch.setattr(views, "UPDATES_PER_PAGE", 2)
    monkeypatch.setattr(selectors, "EVIDENCE_SHOWN", 2)
    monkeypatch.setattr(views, "DOCUMENTS_PER_PAGE", 2)
    monkeypatch.setattr(views, "ASSESSMENTS_PER_PAGE", 2)
    goal = OverallGoal.objects.get(partnership=iom, number=4)

    def add(n):
        for _ in range(n):
            if more == "updates":
                factories.GoalUpdateFactory(goal=goal, author=desk)
            elif more == "assessments":
                for risk in iom.risks.all():
                    factories.RiskAssessmentFactory(risk=risk, author=desk)
            else:
                factories.DocumentFactory(partnership=iom)

    client = login(desk)
    add(6)
    few = cost_get(client, url)
    add(54)
    many = cost_get(client, url)
    assert few == many, (few, many)


@pytest.mark.parametrize(
    "url",
    ["/", f"/p/{SLUG}/", f"/p/{SLUG}/risks/1/edit/", f"/p/{SLUG}/members/", "/api/v1/risks/"],
)
def test_a_page_reads_no_row_for_each_other_partnership_the_user_holds_a_role_in(
    desk, login, iom, monkeypatch, url
):
    """A desk officer in one partnership, then in thirty-one: a page of one partnership
    reads their role in it alone, and the home page a page of their partnerships."""
    from partnership import views

    monkeypatch.setattr(views, "PARTNERSHIPS_PER_PAGE", 2)

    def join(n):
        for _ in range(n):
            partnership = factories.PartnershipFactory()
            Membership.objects.create(user=desk, partnership=partnership, role="desk_officer")

    client = login(desk)
    join(2)
    few = cost_get(client, url)
    join(28)
    many = cost_get(client, url)
    assert few == many, (few, many)


def test_the_home_page_lists_a_page_of_partnerships_with_the_users_role_and_links_on(
    desk, login, iom, monkeypatch
):
    """Newest first (the three 2021 agreements, then IOM's of 2018), two a page."""
    from partnership import views

    monkeypatch.setattr(views, "PARTNERSHIPS_PER_PAGE", 2)
    for n in range(3):
        partnership = factories.PartnershipFactory(title=f"Agreement number {n}")
        Membership.objects.create(user=desk, partnership=partnership, role="auditor")
    client = login(desk)
    first = client.get("/").content.decode()
    second = client.get("/", {"page": 2}).content.decode()
    assert "Agreement number 0" in first
    assert "Agreement number 1" in first
    assert "Agreement number 2" in second
    assert iom.title in second
    assert iom.title not in first
    assert "Agreement number 0" not in second
    assert first.count(">Auditor<") == 2
    assert second.count(">Auditor<") == 1
    assert second.count(">Desk officer<") == 1
    assert "Page 1 of 2" in first
    assert 'rel="next" href="?page=2"' in first


def test_the_risk_list_shows_the_latest_assessments_and_links_to_the_whole_history(
    desk, login, iom
):
    risk = iom.risks.get(number=1)
    for day in range(1, 8):
        factories.RiskAssessmentFactory(
            risk=risk, author=desk, as_of=f"2019-01-{day:02}", response=f"Response of day {day}"
        )
    page = login(desk).get(f"/p/{SLUG}/risks/").content.decode()
    assert "Response of day 7" in page
    assert "Response of day 3" in page
    assert "Response of day 2" not in page
    assert "The whole history of risk 1: 7 assessments" in page


def test_the_dashboard_reads_the_same_rows_with_ten_times_as_much(desk, login, iom):
    """Its cards show the first six years of the budget (the totals of them all), the
    first six reviews due (with how many), the first ten of each rule of what needs
    attention: twelve more years, reviews and overdue reviews, then seventy-two, cost the
    dashboard the same queries and rows."""
    from funding.models import BudgetLine
    from tests.reviews import factories as review_factories

    added = []

    def add(n):
        for _ in range(n):
            year = 2030 + len(added)
            BudgetLine.objects.create(partnership=iom, year=year, component="core", amount=1)
            review_factories.ReviewFactory(partnership=iom, due_date=f"{year}-06-01")
            review_factories.ReviewFactory(partnership=iom, due_date="2019-01-01")
            added.append(year)

    client = login(desk)
    add(12)
    few = cost_get(client, f"/p/{SLUG}/")
    add(60)
    many = cost_get(client, f"/p/{SLUG}/")
    assert few == many, (few, many)
    page = client.get(f"/p/{SLUG}/").content.decode()
    assert "The total includes 69 more years, on the funding page." in page  # 3 + 72 - 6
    assert "All 144 reviews" in page, re.findall(r"All \d+ reviews?", page)


@pytest.mark.parametrize("url", [url for url in PINNED if url.startswith("/p/")])
def test_a_repeated_read_comes_from_the_page_cache(desk, login, iom, url):
    client = login(desk)
    count_get(client, url)
    # The session, the user and the data version: the page comes whole from the cache.
    assert count_get(client, url) == 3
