"""Pinned query counts: they do not grow with consultations, items, notes and action
points."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import selectors
from consultations import services
from consultations.models import ActionPoint
from consultations.models import Note
from consultations.models import NoteRevision
from partnership.models import OverallGoal
from partnership.models import Risk
from tests.consultations import factories
from tests.queries import cost_get
from tests.queries import count_get
from tests.queries import data_queries

SLUG = "denmark-iom-2018-2020"
BASE = f"/p/{SLUG}/consultations"


@pytest.fixture
def meetings(iom, geneva):
    return [
        factories.held(iom, year=2018, date=dt.date(2018, 11, 20), created_by=geneva),
        factories.held(iom, year=2019, date=dt.date(2019, 11, 19), created_by=geneva),
    ]


def _fill(meetings, iom, geneva, desk, per_item: int) -> None:
    """``per_item`` notes (linked to goals and risks, every other one cleared with its kept
    text) and action points under every agenda item of every meeting, and an action point
    under no item. Written in bulk: the counts are about reading."""
    goals = list(OverallGoal.objects.filter(partnership=iom)[:2])
    risks = list(Risk.objects.filter(partnership=iom)[:2])
    now = timezone.now()
    for consultation in meetings:
        services.agenda_item_add(consultation=consultation, by=geneva, title="Extra")
        items = list(consultation.agenda_items.all())
        notes = Note.objects.bulk_create(
            Note(
                agenda_item=item,
                author=geneva,
                last_edited_by=geneva,
                body=f"Note {n} on {item.title}.",
                status="cleared" if n % 2 == 0 else "draft",
                cleared_by=desk if n % 2 == 0 else None,
                cleared_at=now if n % 2 == 0 else None,
            )
            for item in items
            for n in range(per_item)
        )
        NoteRevision.objects.bulk_create(
            NoteRevision(note=note, number=1, body=note.body, cleared_by=desk, cleared_at=now)
            for note in notes
            if note.status == "cleared"
        )
        points = ActionPoint.objects.bulk_create(
            [
                *(
                    ActionPoint(
                        consultation=consultation,
                        agenda_item=item,
                        description=f"Point {n}.",
                        owner="IOM",
                        due_date=dt.date(2019, 6, 30),
                    )
                    for item in items
                    for n in range(per_item)
                ),
                ActionPoint(consultation=consultation, description="Unfiled.", owner="IOM"),
            ]
        )
        for model, rows in ((Note, notes), (ActionPoint, points)):
            field = model._meta.model_name
            model.goals.through.objects.bulk_create(
                model.goals.through(**{field: row, "overallgoal": goal})
                for row in rows
                for goal in goals
            )
            model.risks.through.objects.bulk_create(
                model.risks.through(**{field: row, "risk": risk}) for row in rows for risk in risks
            )


PINNED = {
    # Each page: the data version of its key (core.caching.cached_page).
    # + the year the new consultation is offered (one row), the members who may organise
    # it; the consultations paged, the open action points paged (each its count and page)
    f"{BASE}/": 12,
    # + the agenda; the first notes of each item, their goals, risks and latest cleared
    # revisions; the first action points of each item, their goals and risks; the first
    # matters arising, their goals and risks (each item's form for a new action point is
    # loaded when opened). Each runs even when it finds nothing.
    f"{BASE}/2019/": 15,
    f"/p/{SLUG}/goals/1/": 13,  # + the review that fulfils the goal, if any
    f"/p/{SLUG}/risks/1/": 9,
    "/api/v1/consultations/": 5,
    "/api/v1/agenda-items/": 5,
    "/api/v1/notes/": 7,
    "/api/v1/action-points/": 7,
}


@pytest.mark.parametrize(("url", "pinned"), PINNED.items())
def test_query_count_is_pinned_and_equal_with_1_and_8_notes_and_points_per_item(
    desk, geneva, login, iom, meetings, url, pinned
):
    client = login(desk)
    _fill(meetings, iom, geneva, desk, 1)
    with_one = count_get(client, url)
    _fill(meetings, iom, geneva, desk, 7)
    with_eight = count_get(client, url)
    assert (with_one, with_eight) == (pinned, pinned)
    assert NoteRevision.objects.count() > 100


def _count(function, **kwargs) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = function(**kwargs)
    return len(data_queries(captured)), result


def test_the_report_selector_makes_three_queries_however_many_points(desk, geneva, iom, meetings):
    _fill(meetings, iom, geneva, desk, 1)
    few, points = _count(selectors.action_points_for_report, partnership=iom)
    _fill(meetings, iom, geneva, desk, 5)
    many, more_points = _count(selectors.action_points_for_report, partnership=iom)
    assert (few, many) == (3, 3)
    assert len(more_points) > len(points) > 10
    # Reading what the report shows makes no further query.
    with CaptureQueriesContext(connection) as captured:
        for point in more_points:
            _ = (
                point.consultation.year,
                point.consultation.partnership.slug,
                point.agenda_item and point.agenda_item.title,
                [g.number for g in point.goals.all()],
                [r.number for r in point.risks.all()],
                point.overdue,
            )
    assert data_queries(captured) == []


def _open_points(consultation, n: int, goals, risks) -> None:
    points = ActionPoint.objects.bulk_create(
        ActionPoint(consultation=consultation, description=f"Point {i}.", owner="IOM")
        for i in range(n)
    )
    for point in points:
        point.goals.set(goals)
        point.risks.set(risks)


def _revisions(note, n: int, desk) -> None:
    now = timezone.now()
    start = note.revisions.count()
    NoteRevision.objects.bulk_create(
        NoteRevision(note=note, number=start + i + 1, body="x", cleared_by=desk, cleared_at=now)
        for i in range(n)
    )


def test_the_consultation_page_makes_the_same_queries_empty_small_and_large_and_reads_the_same_rows(
    desk, geneva, login, iom, meetings, monkeypatch
):
    """Two of each list shown here. An empty consultation (no item, note or point, and
    nothing arising yet) makes the same queries as a small one (two of everything, each list just
    full) and a large one (twenty of everything); the small and the large read the same
    rows."""
    from consultations import selectors as consultation_selectors

    for name in ("NOTES_SHOWN", "POINTS_SHOWN", "ARISING_SHOWN", "REVISIONS_SHOWN"):
        monkeypatch.setattr(consultation_selectors, name, 2)
    client = login(desk)
    empty = factories.consultation(iom, year=2020)
    empty.agenda_items.all().delete()
    queries_empty, _ = cost_get(client, f"{BASE}/2020/")
    goals = list(OverallGoal.objects.filter(partnership=iom)[:2])
    risks = list(Risk.objects.filter(partnership=iom)[:2])
    _fill(meetings, iom, geneva, desk, 2)
    _open_points(meetings[0], 2, goals, risks)
    _open_points(meetings[1], 1, goals, risks)  # two under no item
    for note in Note.objects.filter(agenda_item__consultation=meetings[1]):
        _revisions(note, 2, desk)
    small = cost_get(client, f"{BASE}/2019/")
    # The same agenda (the agenda is the page's frame), ten times as much under each item.
    monkeypatch.setattr(services, "agenda_item_add", lambda **kwargs: None)
    _fill(meetings, iom, geneva, desk, 18)
    _open_points(meetings[0], 18, goals, risks)
    for note in Note.objects.filter(agenda_item__consultation=meetings[1]):
        _revisions(note, 18, desk)
    large = cost_get(client, f"{BASE}/2019/")
    assert small == large, (small, large)
    assert queries_empty == small[0] == PINNED[f"{BASE}/2019/"]


def test_the_page_shows_the_first_of_each_list_and_links_to_the_whole_list(
    desk, geneva, login, iom, meetings, monkeypatch
):
    from consultations import selectors as consultation_selectors

    for name in ("NOTES_SHOWN", "POINTS_SHOWN", "ARISING_SHOWN"):
        monkeypatch.setattr(consultation_selectors, name, 2)
    goals = list(OverallGoal.objects.filter(partnership=iom)[:2])
    risks = list(Risk.objects.filter(partnership=iom)[:2])
    _fill(meetings, iom, geneva, desk, 3)
    _open_points(meetings[0], 5, goals, risks)
    client = login(desk)
    response = client.get(f"{BASE}/2019/")
    html = response.content.decode()
    page = response.context["page"]
    extra = next(item for item in page.items if item.title == "Extra")
    assert [n.body for n in extra.notes_shown] == ["Note 1 on Extra.", "Note 2 on Extra."]
    assert (extra.note_total, len(extra.points), extra.point_total) == (3, 2, 3)
    assert f"{BASE}/2019/notes/?item={extra.pk}" in html
    assert f"{BASE}/2019/action-points/?item={extra.pk}" in html
    assert len(page.matters_arising) == 2
    assert page.matters_arising_total > 2
    assert f"{BASE}/2019/matters-arising/" in html
    # The whole lists, a page at a time.
    notes = client.get(f"{BASE}/2019/notes/", {"item": extra.pk})
    assert [n.body for n in notes.context["records"]] == [f"Note {n} on Extra." for n in range(3)]
    points = client.get(f"{BASE}/2019/action-points/", {"item": extra.pk})
    assert len(points.context["records"]) == 3
    unfiled = client.get(f"{BASE}/2019/action-points/", {"item": "none"})
    assert [p.description for p in unfiled.context["records"]] == ["Unfiled."]
    arising = client.get(f"{BASE}/2019/matters-arising/")
    assert arising.context["records"].paginator.count == page.matters_arising_total


@pytest.mark.parametrize("kind", ["notes", "action-points", "matters-arising"])
def test_the_whole_lists_are_paged_and_read_the_same_rows_with_ten_times_as_many(
    desk, geneva, login, iom, meetings, monkeypatch, kind
):
    """Pages of two: the list reads the same rows and makes the same queries with a few
    and with ten times as many."""
    from consultations import views

    monkeypatch.setattr(views, "RECORDS_PER_PAGE", 2)
    goals = list(OverallGoal.objects.filter(partnership=iom)[:2])
    risks = list(Risk.objects.filter(partnership=iom)[:2])
    client = login(desk)
    _fill(meetings, iom, geneva, desk, 1)
    _open_points(meetings[0], 3, goals, risks)
    few = cost_get(client, f"{BASE}/2019/{kind}/")
    _fill(meetings, iom, geneva, desk, 9)
    _open_points(meetings[0], 30, goals, risks)
    many = cost_get(client, f"{BASE}/2019/{kind}/")
    assert few == many, (few, many)


@pytest.mark.parametrize(
    "url",
    [
        f"/p/{SLUG}/goals/1/",
        f"/p/{SLUG}/risks/1/",
        f"{BASE}/goals/1/linked/",
        f"{BASE}/goals/1/linked/?points=2&notes=2",
        f"{BASE}/risks/1/linked/",
    ],
)
def test_a_goals_and_risks_linked_notes_and_points_cost_the_same_with_ten_times_as_many(
    desk, geneva, login, iom, meetings, monkeypatch, url
):
    """The goal's and risk's pages show the newest two linked action points and notes (of
    each), the whole lists two a page: none, two of each under every item, then twenty,
    cost the pages the same queries; the two and the twenty the same rows."""
    from consultations import selectors as consultation_selectors
    from consultations import views as consultation_views

    monkeypatch.setattr(consultation_selectors, "LINKED_SHOWN", 2)
    monkeypatch.setattr(consultation_views, "LINKED_PER_PAGE", 2)
    client = login(desk)
    empty = cost_get(client, url)
    _fill(meetings, iom, geneva, desk, 2)
    small = cost_get(client, url)
    _fill(meetings, iom, geneva, desk, 18)
    large = cost_get(client, url)
    assert small == large, (small, large)
    pinned = PINNED.get(url, LINKED_PAGE_QUERIES)
    assert (empty[0], small[0]) == (pinned, pinned)


# The session and user; the goal or risk, with the reader's role in its partnership; each
# list's count and page; the data version of the page's key (core.caching.cached_page).
LINKED_PAGE_QUERIES = 8


def test_a_goals_page_shows_the_newest_linked_points_and_notes_and_links_to_them_all(
    desk, geneva, login, iom, meetings, monkeypatch
):
    from consultations import selectors as consultation_selectors
    from consultations import views as consultation_views

    monkeypatch.setattr(consultation_selectors, "LINKED_SHOWN", 2)
    monkeypatch.setattr(consultation_views, "LINKED_PER_PAGE", 2)
    goal = OverallGoal.objects.filter(partnership=iom).order_by("pk").first()
    old = factories.ActionPointFactory(consultation=meetings[0], description="Agreed in 2018.")
    new = [
        factories.ActionPointFactory(consultation=meetings[1], description=f"Agreed in 2019 ({n}).")
        for n in range(2)
    ]
    for point in (old, *new):
        point.goals.add(goal)
    client = login(desk)
    page = client.get(goal.get_absolute_url()).content.decode()
    assert "Agreed in 2019 (0)." in page
    assert "Agreed in 2019 (1)." in page
    assert "Agreed in 2018." not in page
    assert "The newest 2 of 3 action points." in page
    link = f"{BASE}/goals/{goal.number}/linked/"
    assert f'href="{link}"' in page
    first = client.get(link).content.decode()
    second = client.get(link, {"points": 2}).content.decode()
    assert "3 in all." in first
    assert "Agreed in 2019 (0)." in first
    assert "Agreed in 2018." not in first
    assert "Agreed in 2018." in second
    assert 'rel="next" href="?points=2"' in first


def test_a_risks_page_without_more_links_shows_them_all_and_no_link(
    desk, geneva, login, iom, meetings
):
    risk = Risk.objects.get(partnership=iom, number=1)
    point = factories.ActionPointFactory(consultation=meetings[1], description="Watch it.")
    point.risks.add(risk)
    page = login(desk).get(risk.get_absolute_url()).content.decode()
    assert "Watch it." in page
    assert f"{BASE}/risks/1/linked/" not in page
    assert "The newest" not in page


def test_the_linked_page_of_a_goal_of_another_partnership_is_not_found(desk, login, iom, meetings):
    from tests import factories as partnership_factories

    other = partnership_factories.PartnershipFactory()
    response = login(desk).get(f"/p/{other.slug}/consultations/goals/1/linked/")
    assert response.status_code == 404


@pytest.mark.parametrize("url", [f"{BASE}/", f"{BASE}/?consultations=2&page=2"])
def test_the_consultation_list_costs_the_same_with_ten_times_as_many_consultations(
    desk, geneva, login, iom, meetings, monkeypatch, url
):
    """Two consultations and two open points a page: an agreement of forty years with four
    consultations, then forty, costs the list the same queries and rows; the year it
    suggests is read in one row whatever there are."""
    from consultations import views as consultation_views
    from partnership.models import Partnership

    monkeypatch.setattr(consultation_views, "CONSULTATIONS_PER_PAGE", 2)
    monkeypatch.setattr(consultation_views, "OPEN_POINTS_PER_PAGE", 2)
    Partnership.objects.filter(pk=iom.pk).update(end_date=dt.date(2060, 12, 31))
    iom.refresh_from_db()
    client = login(desk)

    def add(years):
        for year in years:
            consultation = factories.consultation(iom, year=year, created_by=geneva)
            _open_points(consultation, 2, [], [])

    add([2020, 2021])
    small = cost_get(client, url)
    add(range(2022, 2058))
    large = cost_get(client, url)
    assert small == large, (small, large)
    assert small[0] == PINNED[f"{BASE}/"]


def test_the_consultation_list_pages_the_consultations_and_keeps_the_open_points_page(
    desk, geneva, login, iom, meetings, monkeypatch
):
    from consultations import views as consultation_views

    monkeypatch.setattr(consultation_views, "CONSULTATIONS_PER_PAGE", 1)
    client = login(geneva)
    first = client.get(f"{BASE}/").content.decode()
    second = client.get(f"{BASE}/", {"consultations": 2}).content.decode()
    assert "Consultation 2019" in first
    assert "Consultation 2018" not in first
    assert "Consultation 2018" in second
    assert 'rel="next" href="?consultations=2"' in first
    # The next year without a consultation is offered, from every year of the agreement,
    # not the page's.
    assert 'name="year" value="2020"' in second


@pytest.mark.parametrize(
    ("url", "pinned"),
    [
        (f"{BASE}/2020/matters-arising/", 8),  # with the data version of the page's key
        (f"{BASE}/2020/action-points/", 8),
        (f"{BASE}/", PINNED[f"{BASE}/"]),
    ],
)
def test_the_paged_action_point_lists_make_the_same_queries_empty_and_full(
    desk, geneva, login, iom, meetings, monkeypatch, url, pinned
):
    """The matters arising, a consultation's action points and the open action points, two
    a page: none (their goals and risks are still asked for, an empty page's as a full
    one's), two, then twenty: the same queries; the two and the twenty read the same
    rows."""
    from consultations import views as consultation_views

    monkeypatch.setattr(consultation_views, "RECORDS_PER_PAGE", 2)
    monkeypatch.setattr(consultation_views, "OPEN_POINTS_PER_PAGE", 2)
    goals = list(OverallGoal.objects.filter(partnership=iom)[:2])
    risks = list(Risk.objects.filter(partnership=iom)[:2])
    c2020 = factories.consultation(iom, year=2020, created_by=geneva)
    client = login(desk)
    empty = cost_get(client, url)
    for consultation in (meetings[1], c2020):
        _open_points(consultation, 2, goals, risks)
    small = cost_get(client, url)
    for consultation in (meetings[1], c2020):
        _open_points(consultation, 18, goals, risks)
    large = cost_get(client, url)
    assert small == large, (small, large)
    assert (empty[0], small[0]) == (pinned, pinned)


@pytest.mark.parametrize("url", [f"{BASE}/", f"{BASE}/2019/", f"{BASE}/2019/action-points/"])
def test_a_repeated_read_comes_from_the_page_cache(desk, geneva, login, iom, meetings, url):
    client = login(desk)
    count_get(client, url)
    # The session, the user and the data version: the page comes whole from the cache.
    assert count_get(client, url) == 3
