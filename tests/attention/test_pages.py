"""My work, the dashboard's "Needs attention" panel, who was reminded of what, and the
digest preference, as people use them."""

from __future__ import annotations

import datetime as dt
import functools
import re
from unittest import mock

import pytest
from django.core.mail import EmailMultiAlternatives

from accounts.models import DigestFrequency
from accounts.models import Profile
from attention import selectors
from attention import services
from attention.models import Digest
from attention.models import Reminder
from core import caching
from partnership import services as partnership_services
from partnership.models import Membership
from tests import factories
from tests.attention.test_digests import record_digest
from tests.queries import cost_get
from tests.queries import count_get

SLUG = "denmark-iom-2018-2020"
Role = Membership.Role


def _text(response) -> str:
    """The page's main content as a reader sees it: text, spaces collapsed."""
    html = response.content.decode()
    main = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&#x27;", "'")


def test_my_work_lists_what_needs_the_desk_officer_with_links(demo, login):
    response = login(demo.desk).get("/my-work/")
    assert response.status_code == 200
    text = _text(response)
    assert "as of 15 February 2020" in text
    assert (
        f"{demo.point.description} Action point of the 2019 consultation "
        "Overdue since 1 February 2020"
    ) in text
    assert "Mid-term review of the strategy Mid-term review Overdue since 1 December" in text
    for line in demo.lines.filter(year__in=[2018, 2020]):
        assert line.label in text
    assert text.count("Committed, and nothing paid by 30 June 2018") == 4
    assert text.count("the Finance Act for 2020 had passed by 31 December 2019") == 4
    html = response.content.decode()
    assert f'href="{demo.review.get_absolute_url()}"' in html
    assert f'href="{demo.lines.get(year=2020, component="core").get_absolute_url()}"' in html


@pytest.mark.parametrize(
    ("language", "review", "unpaid", "twice"),
    [
        (
            "en",
            "Mid-term review Overdue since 1 December 2019",
            "Overdue Committed, and nothing paid",
            "Overdue Overdue",
        ),
        (
            "da",
            "Midtvejsgennemgang Forsinket siden 1. december 2019",
            "Forsinket Bevilget, og intet udbetalt",
            "Forsinket Forsinket",
        ),
    ],
)
def test_what_is_overdue_says_so_once(demo, login, language, review, unpaid, twice):
    """The badge marks what is overdue, except where the summary already begins with the
    word: the overdue review reads "Overdue since …" once; a committed line unpaid by its
    day keeps its badge, its summary not saying it."""
    text = _text(login(demo.desk).get("/my-work/", HTTP_ACCEPT_LANGUAGE=language))
    assert review in text
    assert unpaid in text
    assert twice not in text


def test_a_budget_line_still_indicative_is_called_so_in_danish_in_the_heading_and_the_line(
    demo, login
):
    text = _text(login(demo.desk).get(f"/p/{SLUG}/", HTTP_ACCEPT_LANGUAGE="da"))
    assert "Budgetlinjer, der stadig er indikative efter finansloven" in text
    assert "Stadig indikativ: finansloven for 2020" in text
    assert "vejledende" not in text


def test_an_auditor_is_told_nothing_needs_them(demo, login):
    text = _text(login(demo.auditor).get("/my-work/"))
    assert (
        "You are an auditor here. Nothing needs your attention here. "
        "As an auditor you read; others act."
    ) in text
    assert "0 things" not in text
    danish = _text(login(demo.auditor).get("/my-work/", HTTP_ACCEPT_LANGUAGE="da"))
    assert (
        "Du er revisor her. Intet kræver din opmærksomhed her. Som revisor læser du; andre handler."
    ) in danish


@pytest.mark.parametrize(
    ("language", "my_work", "dashboard"),
    [
        (
            "en",
            r"You are a desk officer here\. \d+ things need your attention\.",
            "You are a desk officer in this partnership.",
        ),
        (
            "da",
            r"Du er sagsbehandler her\. \d+ sager kræver din opmærksomhed\.",
            "Du er sagsbehandler i dette partnerskab.",
        ),
    ],
)
def test_the_reader_is_told_their_role_in_a_whole_sentence(
    demo, login, language, my_work, dashboard
):
    client = login(demo.desk)
    assert re.search(my_work, _text(client.get("/my-work/", HTTP_ACCEPT_LANGUAGE=language)))
    assert dashboard in _text(client.get(f"/p/{SLUG}/", HTTP_ACCEPT_LANGUAGE=language))


def test_the_dashboard_opens_with_what_needs_attention(demo, login):
    text = _text(login(demo.geneva).get(f"/p/{SLUG}/"))
    panel = text[text.index("Needs attention") : text.index("The agreement")]
    assert "Needs attention (23)" in panel
    assert "Overdue since 1 February 2020" in panel
    assert "Mid-term review of the strategy Mid-term review Overdue since 1 December" in panel
    assert "2018 budget lines Overdue Committed, and nothing paid by 30 June 2018" in panel
    assert "2020 budget lines Overdue Still indicative: the Finance Act for 2020" in panel
    for line in demo.lines.filter(year=2020):
        assert line.get_component_display() in panel
    assert "Responsible: nobody named" in panel


def test_the_dashboard_names_whoever_is_responsible(demo, login):
    demo.review.assignee = demo.desk
    demo.review.save(update_fields=["assignee"])
    text = _text(login(demo.desk).get(f"/p/{SLUG}/"))
    assert "Overdue since 1 December 2019; due in the fall of 2019 Responsible: Test desk" in text


# --- who was reminded of what --------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("desk", 200), ("auditor", 200), ("geneva", 403)])
def test_who_was_reminded_is_for_desk_officers_and_auditors(demo, login, who, status):
    assert login(getattr(demo, who)).get(f"/p/{SLUG}/reminders/").status_code == status


def test_a_non_member_does_not_find_the_reminders(demo, login, outsider):
    assert login(outsider).get(f"/p/{SLUG}/reminders/").status_code == 404


def test_the_reminders_page_says_who_was_told_what_and_when(demo, login):
    demo.geneva.email = "geneva@example.org"
    demo.geneva.save(update_fields=["email"])
    digest = record_digest(demo.geneva)
    Digest.objects.filter(pk=digest.pk).update(
        status=Digest.Status.SENT, sent_at=dt.datetime(2020, 2, 15, 6, 0, tzinfo=dt.UTC)
    )
    text = _text(login(demo.desk).get(f"/p/{SLUG}/reminders/"))
    assert (
        f"{digest.period} Test geneva {demo.point.description} (Action point of the 2019 "
        "consultation) New: Overdue since 1 February 2020 15 Feb 2020 07:00"
    ) in text


def test_a_failed_digest_says_so_on_the_reminders_page(demo, login):
    demo.geneva.email = "geneva@example.org"
    demo.geneva.save(update_fields=["email"])
    digest = record_digest(demo.geneva)
    Digest.objects.filter(pk=digest.pk).update(
        status=Digest.Status.FAILED, attempts=6, error="SMTPRecipientsRefused: 550"
    )
    text = _text(login(demo.auditor).get(f"/p/{SLUG}/reminders/"))
    assert "Failed after 6 attempts: SMTPRecipientsRefused: 550" in text


def test_the_reminders_page_shows_a_digest_being_sent(demo, login):
    """The send claims the digest with an update that sends no signal: the cached page
    is told (core.caching.changed), or it would show the digest still pending."""
    demo.geneva.email = "geneva@example.org"
    demo.geneva.save(update_fields=["email"])
    digest = record_digest(demo.geneva)
    client = login(demo.desk)
    assert "Waiting to be sent" in _text(client.get(f"/p/{SLUG}/reminders/"))
    during = []

    def send(**kwargs):
        during.append(_text(client.get(f"/p/{SLUG}/reminders/")))
        return 1

    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=send):
        assert services.digest_send(digest_id=digest.pk) == "sent"
    assert "Being sent (1 attempt)" in during[0]
    assert "Waiting to be sent" not in during[0]


# --- the digest preference ---------------------------------------------------------------------


def test_the_digest_preference_is_daily_at_seven_until_changed(demo, login):
    page = login(demo.desk).get("/account/digest/")
    form = page.context["form"]
    assert form.initial == {"frequency": "daily", "time": dt.time(7, 0), "weekday": 0}
    assert "E-mail digest: daily at 07:00." in _text(login(demo.desk).get("/my-work/"))


def test_a_person_chooses_a_weekly_digest_on_friday_mornings(demo, login):
    client = login(demo.desk)
    response = client.post(
        "/account/digest/", {"frequency": "weekly", "time": "08:30", "weekday": "4"}, follow=True
    )
    assert "Your e-mail digest is saved." in _text(response)
    profile = Profile.objects.get(user=demo.desk)
    assert (profile.digest_frequency, profile.digest_time, profile.digest_weekday) == (
        DigestFrequency.WEEKLY,
        dt.time(8, 30),
        4,
    )
    assert profile.history.latest().history_user == demo.desk
    assert "E-mail digest: weekly, on Fridays at 08:30." in _text(client.get("/my-work/"))
    # In Danish the time reads as every other time on the pages (23.41).
    danish = _text(client.get("/my-work/", HTTP_ACCEPT_LANGUAGE="da"))
    assert "E-mail-oversigt: ugentligt, fredag kl. 08.30." in danish


def test_a_time_that_is_no_time_is_refused_at_the_field(demo, login):
    response = login(demo.desk).post(
        "/account/digest/", {"frequency": "daily", "time": "25:00", "weekday": "0"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"time": ["Enter a valid time."]}
    assert not Profile.objects.exists()


# --- query counts -----------------------------------------------------------------------------


def _more_work(demo, n: int) -> None:
    from tests.consultations import factories as consultation_factories

    for i in range(n):
        point = consultation_factories.ActionPointFactory(
            consultation=demo.point.consultation, due_date=dt.date(2020, 1, i % 28 + 1)
        )
        point.assignee = demo.desk
        point.save(update_fields=["assignee"])


def test_my_work_reads_a_fixed_number_of_queries(demo, login):
    client = login(demo.desk)
    first = count_get(client, "/my-work/")
    _more_work(demo, 40)
    # Session, user, the partnerships' count and page (those the user is a member of: a
    # subquery; with the user's role), nine for the rules, the digest preference, the
    # data version of the page's key (core.caching.cached_page).
    assert (first, count_get(client, "/my-work/")) == (15, 15)
    # Read again with nothing written: the page comes from the cache.
    assert count_get(client, "/my-work/") == 3


@pytest.mark.parametrize(
    "url", ["/my-work/", f"/my-work/?partnership={SLUG}&rule=action_point_due"]
)
def test_my_work_reads_the_same_rows_with_ten_times_as_much_work(demo, login, url):
    """The first ten of each rule in each partnership, and the rest of one rule paged:
    thirty action points due, then three hundred, cost the page the same queries and
    rows."""
    client = login(demo.desk)
    _more_work(demo, 30)
    few = cost_get(client, url)
    _more_work(demo, 270)
    many = cost_get(client, url)
    assert few == many, (few, many)


def test_my_work_shows_the_first_ten_of_a_rule_and_links_to_all_of_them_paged(demo, login):
    _more_work(demo, 30)  # with the demo's own overdue point: 31
    client = login(demo.desk)
    text = _text(client.get("/my-work/"))
    assert "Action points due: all 31 (21 more than shown here)" in text
    page = client.get("/my-work/", {"partnership": SLUG, "rule": "action_point_due"})
    assert page.context["work"].groups[0].total == 31
    assert len(page.context["work"].items) == 25
    assert "Page 1 of 2" in _text(page)
    last = client.get("/my-work/", {"partnership": SLUG, "rule": "action_point_due", "page": 2})
    assert len(last.context["work"].items) == 6
    assert {i.rule for i in last.context["work"].items} == {"action_point_due"}


def test_the_reminders_page_reads_a_fixed_number_of_queries(demo, login):
    demo.geneva.email = "geneva@example.org"
    demo.geneva.save(update_fields=["email"])
    record_digest(demo.geneva)
    client = login(demo.desk)
    first = count_get(client, f"/p/{SLUG}/reminders/")
    digest = Digest.objects.get()
    Reminder.objects.bulk_create(
        Reminder(
            digest=digest,
            partnership=demo.partnership,
            key=f"goal_update_stale:{n}",
            rule="goal_update_stale",
            kind="Overall goal",
            title=f"Goal {n}",
            summary="Last updated long ago",
            url="/",
        )
        for n in range(60)
    )
    caching.changed()  # as digests_prepare does after its bulk_create
    # Session, user, partnership (with the reader's role in it), count, page, the data
    # version of the page's key (core.caching.cached_page).
    assert (first, count_get(client, f"/p/{SLUG}/reminders/")) == (6, 6)


def test_the_dashboard_lists_the_goals_by_number_each_with_its_own_reason(demo, login):
    from tests import factories

    goal = demo.partnership.goals.get(number=4)
    factories.GoalUpdateFactory(goal=goal, as_of=dt.date(2019, 3, 31), status="on_track")
    text = _text(login(demo.desk).get(f"/p/{SLUG}/"))
    panel = text[text.index("Goals whose update is old (9)") : text.index("The agreement")]
    # (Tags read as spaces here: the page says "Goal 1: No update…".)
    assert "Overall goals Goal 1 : No update since the agreement started (1 January 2018);" in (
        panel
    )
    assert "Goal 4 : Last updated 31 March 2019" in panel


def test_the_dashboard_lists_goal_10_after_goal_9(demo, login):
    partnership_services.goal_create(partnership=demo.partnership, by=demo.desk, text="Tenth")
    text = _text(login(demo.desk).get(f"/p/{SLUG}/"))
    panel = text[text.index("Goals whose update is old (10)") : text.index("The agreement")]
    assert [int(n) for n in re.findall(r"Goal (\d+)\b", panel)] == list(range(1, 11))


def test_the_dashboard_panel_names_its_batches_in_the_readers_language(demo, login):
    """A year's budget lines and the overall goals, and each goal's short title, in Danish
    for a reader whose browser asks for Danish."""
    client = login(demo.desk)
    text = _text(client.get(f"/p/{SLUG}/", HTTP_ACCEPT_LANGUAGE="da"))
    assert "Budgetlinjer for 2018" in text
    assert "Overordnede mål Ingen opdatering siden aftalens start (1. januar 2018) Mål 1 ;" in text
    assert "2018 budget lines" not in text
    assert "Overall goals" not in text


@pytest.mark.parametrize("url", ["/my-work/", f"/my-work/?partnership={SLUG}&rule=review_due"])
def test_a_portfolio_administrator_without_a_role_is_told_there_is_no_work(
    demo, login, portfolio_admin, url
):
    """A portfolio administrator reads every partnership but acts in none they hold no role
    in: My work says so instead of failing on the missing role."""
    response = login(portfolio_admin).get(url)
    assert response.status_code == 200
    assert "You hold no role in any partnership yet." in _text(response)


def test_the_dashboard_sends_only_a_member_to_my_work(demo, login, portfolio_admin, monkeypatch):
    """A portfolio administrator without a role here has no work of it under My work: the
    panel does not send them there."""
    # Two of each rule, so that some are left out and the panel says where they are.
    two = functools.partial(selectors.partnership_attention, cap=2)
    monkeypatch.setattr(selectors, "partnership_attention", two)
    member = login(demo.geneva).get(f"/p/{SLUG}/").content.decode()
    assert "more: those that are yours are under" in member
    assert f"/my-work/?partnership={SLUG}" in member
    da = {"accept-language": "da"}
    page = login(portfolio_admin).get(f"/p/{SLUG}/", headers=da).content.decode()
    panel = page[page.index('id="attention-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert "mere, som partnerskabets medlemmer følger op på." in panel
    assert "dem, der er dine" not in panel
    assert "/my-work/" not in panel


def test_a_portfolio_administrator_sees_the_work_of_the_partnerships_they_hold_a_role_in(
    demo, login, other_partnership
):
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    Membership.objects.create(user=root, partnership=other_partnership, role=Role.DESK_OFFICER)
    text = _text(login(root).get("/my-work/"))
    assert "You are a desk officer here." in text
    assert other_partnership.title in text
    assert demo.partnership.title not in text
