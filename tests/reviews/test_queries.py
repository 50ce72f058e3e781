"""Pinned query counts of the review pages, API lists and the report selector: they do not
grow with the number of assessments, updates, versions or downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import Consultation
from funding.models import BudgetLine
from partnership.models import OverallGoal
from reviews import report
from reviews import selectors
from reviews import services
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.funding import factories as funding_factories
from tests.queries import cost_get
from tests.queries import count_get
from tests.queries import data_queries
from tests.reviews.factories import ReviewFactory
from tests.reviews.factories import built_dossier
from tests.reviews.factories import done_version

SLUG = "denmark-iom-2018-2020"


def _fill(review, author, n):
    documents = [factories.DocumentFactory(partnership=review.partnership) for _ in range(2)]
    for goal in OverallGoal.objects.filter(partnership=review.partnership):
        services.goal_assessment_save(
            review=review, goal=goal, by=author, rating="too_early", narrative="x"
        )
        for _ in range(n):
            update = factories.GoalUpdateFactory(goal=goal, author=author)
            update.evidence.set(documents)
    for area in review.partnership.priority_areas.all():
        services.priority_area_assessment_save(
            review=review, priority_area=area, by=author, rating="achieved", narrative="y"
        )
    for risk in review.partnership.risks.all():
        for _ in range(n):
            factories.RiskAssessmentFactory(risk=risk, author=author)
    line = BudgetLine.objects.filter(partnership=review.partnership).first() or (
        funding_factories.BudgetLineFactory(partnership=review.partnership, year=2018)
    )
    meeting = Consultation.objects.filter(partnership=review.partnership).first() or (
        consultation_factories.consultation(review.partnership, year=2019)
    )
    goal = review.partnership.goals.first()
    for _ in range(n):
        funding_factories.DisbursementFactory(budget_line=line)
        funding_factories.AllocationFactory(budget_line=line)
        point = consultation_factories.ActionPointFactory(consultation=meeting)
        point.goals.add(goal)
        point.risks.add(review.partnership.risks.first())
    start = review.versions.count()
    for i in range(n):
        finding = services.finding_create(review=review, text="f")
        services.recommendation_create(review=review, text="r", finding=finding)
        version = done_version(review, requested_by=author, number=start + i + 1)
        services.report_version_log_download(version=version, by=author, channel="page")
        dossier = built_dossier(review.partnership, review=review, requested_by=author)
        services.dossier_log_download(dossier=dossier, by=author, channel="page")
        built_dossier(review.partnership, requested_by=author)


PINNED = {
    # Each page: + the data version of its key (core.caching.cached_page).
    # + the goals the new review may fulfil, + the desk officers who may be responsible;
    # the reviews paged: their count, then the page; + the sources list: the documents'
    # count, then the newest of them
    "/p/{slug}/reviews/": 10,
    # + the consistency checks (the first years that do not add up, in three queries; the
    # payments; the first overdue action points) and the dossiers
    "/p/{slug}/reviews/{review}/": 20,
    "/p/{slug}/reviews/{review}/versions/": 5,
    "/p/{slug}/reviews/downloads/": 7,  # + the dossiers' downloads
    # the five reviews next due, read with their partnership; the dossiers' count and page
    "/p/{slug}/reviews/dossiers/": 7,
    "/p/{slug}/reviews/dossiers/table/": 6,  # the dossiers table the page polls: count, page
    "/p/{slug}/reviews/{review}/dossiers/": 6,  # the review's, which its page polls
    "/api/v1/reviews/": 6,
    "/api/v1/report-versions/": 5,
    "/api/v1/goal-assessments/": 5,
    "/api/v1/priority-area-assessments/": 5,
    "/api/v1/findings/": 5,
    "/api/v1/recommendations/": 5,
}


@pytest.mark.parametrize(("url", "pinned"), PINNED.items())
def test_query_count_is_pinned_and_equal_with_1_and_20_rows(desk, login, review, url, pinned):
    client = login(desk)
    url = url.format(slug=SLUG, review=review.pk)
    _fill(review, desk, 1)
    with_one = count_get(client, url)
    _fill(review, desk, 19)
    with_many = count_get(client, url)
    assert (with_one, with_many) == (pinned, pinned)


def _selector_queries(review) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = selectors.review_report_data(review_id=review.pk, as_of=dt.date(2019, 10, 1))
        report.figures_csv(report.report_figures(data))
    return len(data_queries(captured))


def test_the_report_selector_makes_a_fixed_number_of_queries(desk, review):
    _fill(review, desk, 1)
    with_one = _selector_queries(review)
    _fill(review, desk, 19)
    assert (with_one, _selector_queries(review)) == (19, 19)


def test_the_review_list_api_makes_the_same_queries_for_1_and_20_reviews(desk, api_login, iom):
    client = api_login(desk)
    documents = [factories.DocumentFactory(partnership=iom) for _ in range(2)]

    def add_reviews(count):
        for _ in range(count):
            review = ReviewFactory(partnership=iom)
            services.review_sources_set(review=review, documents=documents)

    add_reviews(1)
    with_one = count_get(client, "/api/v1/reviews/")
    add_reviews(19)
    with_many = count_get(client, "/api/v1/reviews/")
    assert (with_one, with_many) == (PINNED["/api/v1/reviews/"],) * 2


@pytest.mark.parametrize("url", ["/p/{slug}/", "/p/{slug}/reviews/dossiers/"])
def test_the_pages_that_list_the_reviews_make_the_same_queries_for_1_and_10_reviews(
    desk, login, iom, url
):
    """Each review's link names its partnership: read with the reviews, not one a review
    (the benchmark found the dossiers page at 107 queries with 100 reviews)."""
    client = login(desk)
    ReviewFactory(partnership=iom)
    with_one = count_get(client, url.format(slug=iom.slug))
    for _ in range(9):
        ReviewFactory(partnership=iom)
    assert count_get(client, url.format(slug=iom.slug)) == with_one


@pytest.mark.parametrize("url", ["/p/{slug}/reviews/", "/p/{slug}/reviews/?page=2"])
def test_the_review_list_reads_the_same_rows_with_ten_times_as_many_reviews(
    desk, login, iom, monkeypatch, url
):
    """Pages of two: four reviews, then forty; the list reads a page of them."""
    from reviews import views

    monkeypatch.setattr(views, "REVIEWS_PER_PAGE", 2)
    client = login(desk)
    for _ in range(4):
        ReviewFactory(partnership=iom)
    few = cost_get(client, url.format(slug=iom.slug))
    for _ in range(36):
        ReviewFactory(partnership=iom)
    many = cost_get(client, url.format(slug=iom.slug))
    assert few == many, (few, many)


@pytest.mark.parametrize(
    "url", ["/p/{slug}/reviews/dossiers/", "/p/{slug}/reviews/dossiers/?page=2"]
)
def test_the_dossier_list_reads_the_same_rows_with_ten_times_as_much(
    desk, login, review, monkeypatch, url
):
    """Dossiers two a page and the five reviews next due: six of each, then forty."""
    from reviews import views

    monkeypatch.setattr(views, "DOSSIERS_PER_PAGE", 2)
    client = login(desk)
    _fill(review, desk, 2)
    for _ in range(5):
        ReviewFactory(partnership=review.partnership)
    few = cost_get(client, url.format(slug=SLUG))
    _fill(review, desk, 18)
    for _ in range(36):
        ReviewFactory(partnership=review.partnership)
    many = cost_get(client, url.format(slug=SLUG))
    assert few == many, (few, many)
    assert "the list of reviews" in client.get(url.format(slug=SLUG)).content.decode()


@pytest.mark.parametrize("url", ["/p/{slug}/reviews/", "/p/{slug}/reviews/{review}/edit/"])
def test_the_sources_lists_read_the_same_rows_with_ten_times_as_many_documents(
    desk, login, iom, monkeypatch, url
):
    """The new review's and the review edit page's sources offer the newest two here (and
    the review's sources): six documents, then sixty; the page reads the same rows."""
    from partnership import selectors as partnership_selectors

    monkeypatch.setattr(partnership_selectors, "EVIDENCE_SHOWN", 2)
    review = ReviewFactory(partnership=iom)
    client = login(desk)
    documents = [factories.DocumentFactory(partnership=iom) for _ in range(6)]
    services.review_sources_set(review=review, documents=documents[:1])
    url = url.format(slug=iom.slug, review=review.pk)
    few = cost_get(client, url)
    for _ in range(54):
        factories.DocumentFactory(partnership=iom)
    many = cost_get(client, url)
    assert few == many, (few, many)


def test_the_review_page_reads_the_same_rows_with_ten_times_as_many_things_to_check(
    desk, login, review
):
    """The consistency checks list the first five years whose budget lines do not add up
    (years of the agreement without lines among them) and the first five action points
    overdue at the end of the period, with how many there are and where the rest are:
    the page makes the same queries and reads the same rows with six of each, then sixty."""
    from partnership.models import Partnership

    partnership = review.partnership
    meeting = Consultation.objects.filter(partnership=partnership).first() or (
        consultation_factories.consultation(partnership, year=2019)
    )
    url = f"/p/{SLUG}/reviews/{review.pk}/"
    client = login(desk)

    def add(n, *, lines_from, agreement_to):
        # the agreement runs to ``agreement_to``: its years after 2020 have no lines; the
        # lines of ``n`` years after it add up to one krone each
        Partnership.objects.filter(pk=partnership.pk).update(end_date=dt.date(agreement_to, 12, 31))
        for year in range(lines_from, lines_from + n):
            funding_factories.BudgetLineFactory(partnership=partnership, year=year, amount="1.00")
        for _ in range(n):
            consultation_factories.ActionPointFactory(
                consultation=meeting, due_date=dt.date(2018, 2, 1)
            )

    def checks(response):
        return {result.check.name: result for result in response.context["checks"]}

    add(6, lines_from=2100, agreement_to=2026)
    before = checks(client.get(url))
    few = cost_get(client, url)
    add(54, lines_from=2106, agreement_to=2080)
    response = client.get(url)
    many = cost_get(client, url)
    assert few == many, (few, many)

    after = checks(response)
    years, points = (
        after["budget_year_does_not_add_up"],
        after["action_point_overdue_at_period_end"],
    )
    # six years without lines (2021–2026) and six with a line, then sixty of each
    assert (before["budget_year_does_not_add_up"].total, years.total) == (
        before["budget_year_does_not_add_up"].total,
        before["budget_year_does_not_add_up"].total + 54 + 54,
    )
    assert [item.subject for item in years.found] == ["2021", "2022", "2023", "2024", "2025"]
    assert points.total == before["action_point_overdue_at_period_end"].total + 54
    assert (len(years.found), len(points.found)) == (5, 5)
    content = response.content.decode()
    assert f'/p/{SLUG}/funding/#budget-heading">' in content
    assert f'/p/{SLUG}/consultations/#open-points-heading">' in content
    assert f"And {years.more} more" in content


@pytest.mark.parametrize("url", ["/p/{slug}/reviews/", "/p/{slug}/reviews/{review}/"])
def test_a_repeated_read_comes_from_the_page_cache(desk, login, review, url):
    client = login(desk)
    target = url.format(slug=review.partnership.slug, review=review.pk)
    count_get(client, target)
    # The session, the user and the data version: the page comes whole from the cache.
    assert count_get(client, target) == 3
