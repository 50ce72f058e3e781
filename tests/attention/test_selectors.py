"""What needs attention, read from the database: the demo as a desk officer finds it, who
each item is for, and a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attention import selectors
from consultations.models import Consultation
from consultations.models import Note
from core.access import ROLE_CAPABILITIES
from core.access import Role
from partnership.models import Membership
from reviews.models import ReportVersion
from tests import factories
from tests.consultations import factories as consultation_factories
from tests.funding import factories as funding_factories
from tests.queries import data_queries
from tests.reviews import factories as review_factories


def _summaries(items) -> dict[str, str]:
    return {f"{item.kind} · {item.title}": item.summary for item in items}


def test_the_demo_lists_the_overdue_point_the_review_the_unpaid_and_the_indicative_lines(demo):
    work = selectors.my_work(user=demo.desk)
    (group,) = work.groups
    assert group.partnership == demo.partnership
    found = _summaries(group.items)
    point = f"Action point of the 2019 consultation · {demo.point}"
    assert found[point] == "Overdue since 1 February 2020"
    assert found["Mid-term review · Mid-term review of the strategy"] == (
        "Overdue since 1 December 2019; due in the fall of 2019"
    )
    unpaid = {title for title, summary in found.items() if summary.startswith("Committed, and")}
    assert unpaid == {f"Budget line · {line.label}" for line in demo.lines.filter(year=2018)}
    indicative_2020 = {
        title
        for title, summary in found.items()
        if "the Finance Act for 2020 had passed by 31 December 2019" in summary
    }
    assert indicative_2020 == {
        f"Budget line · {line.label}" for line in demo.lines.filter(year=2020)
    }
    # The most urgent first: every overdue item before anything merely due.
    assert [item.overdue for item in group.items] == sorted(
        (item.overdue for item in group.items), reverse=True
    )


def test_each_item_links_to_the_page_where_it_is_dealt_with(demo):
    items = {item.rule: item for item in selectors.my_work(user=demo.desk).items}
    agenda_item = demo.point.agenda_item_id
    assert items["action_point_due"].url == (
        f"/p/{demo.partnership.slug}/consultations/2019/#item-{agenda_item}-actions"
    )
    assert items["review_due"].url == demo.review.get_absolute_url()
    assert items["committed_unpaid"].url.startswith(f"/p/{demo.partnership.slug}/funding/lines/")


def test_mission_staff_get_the_action_points_and_an_auditor_nothing(demo):
    geneva = {item.rule for item in selectors.my_work(user=demo.geneva).items}
    assert geneva == {"action_point_due"}
    (group,) = selectors.my_work(user=demo.auditor).groups
    assert group.items == []


def test_an_item_with_a_responsible_member_is_theirs_alone(demo):
    demo.point.assignee = demo.geneva
    demo.point.save(update_fields=["assignee"])
    assert "action_point_due" not in {i.rule for i in selectors.my_work(user=demo.desk).items}
    (mine,) = selectors.my_work(user=demo.geneva).items
    assert (mine.rule, mine.assignee_name) == ("action_point_due", "Test geneva")


def test_an_item_whose_responsible_member_left_is_everyones_again(demo):
    demo.point.assignee = demo.geneva
    demo.point.save(update_fields=["assignee"])
    Membership.objects.filter(user=demo.geneva).delete()
    assert "action_point_due" in {i.rule for i in selectors.my_work(user=demo.desk).items}


def test_another_partnerships_work_is_not_listed(demo, outsider, other_partnership):
    review_factories.ReviewFactory(
        partnership=other_partnership, title="Their review", due_date=dt.date(2019, 1, 1)
    )
    titles = {item.title for item in selectors.my_work(user=demo.desk).items}
    assert "Their review" not in titles
    (theirs,) = selectors.my_work(user=outsider).items
    assert theirs.title == "Their review"


def test_one_partnership_of_several_is_chosen_by_its_slug(demo, other_partnership):
    Membership.objects.create(user=demo.desk, partnership=other_partnership, role=Role.AUDITOR)
    assert len(selectors.my_work(user=demo.desk).groups) == 2
    (group,) = selectors.my_work(user=demo.desk, slug=other_partnership.slug).groups
    assert group.partnership == other_partnership


def test_the_dashboards_panel_groups_by_rule_and_shows_a_years_lines_together(demo):
    groups = {g.rule: g for g in selectors.partnership_attention(partnership=demo.partnership)}
    assert list(groups) == [
        rule
        for rule in selectors.RULES
        if rule
        in {
            "review_due",
            "action_point_due",
            "indicative_after_finance_act",
            "committed_unpaid",
            "goal_update_stale",
        }
    ]
    batches = groups["indicative_after_finance_act"].batches
    assert [(b.name, len(b.items)) for b in batches] == [
        ("2019 budget lines", 4),
        ("2020 budget lines", 4),
    ]


# --- the rules the demo does not show, read from the database --------------------------------


def test_a_note_ready_for_two_weeks_is_for_the_desk_officers(demo):
    item = demo.point.agenda_item
    note = consultation_factories.NoteFactory(agenda_item=item, author=demo.geneva, body="Done.")
    ready = timezone.make_aware(dt.datetime(2020, 1, 31, 16, 0))
    Note.objects.filter(pk=note.pk).update(status=Note.Status.READY, updated_at=ready)
    rules_for = {
        who: {i.rule for i in selectors.my_work(user=user).items}
        for who, user in (("desk", demo.desk), ("geneva", demo.geneva))
    }
    assert "note_waiting_for_clearing" in rules_for["desk"]
    assert "note_waiting_for_clearing" not in rules_for["geneva"]  # only desk officers clear


def test_a_consultation_next_month_without_participants_is_for_its_organiser(demo):
    meeting = consultation_factories.consultation(
        demo.partnership, year=2020, date=dt.date(2020, 3, 2), organiser=demo.geneva
    )
    (mine,) = [
        i for i in selectors.my_work(user=demo.geneva).items if i.rule == "consultation_unprepared"
    ]
    assert mine.title == str(meeting)
    assert mine.summary == "Held in 16 days (2 March 2020): no participants are listed"
    assert "consultation_unprepared" not in {
        i.rule for i in selectors.my_work(user=demo.desk).items
    }
    Consultation.objects.filter(pk=meeting.pk).update(participants="IOM\nMFA")
    assert "consultation_unprepared" not in {
        i.rule for i in selectors.my_work(user=demo.geneva).items
    }


def test_a_failed_render_is_for_who_asked_and_gone_once_a_newer_version_exists(demo):
    version = review_factories.ReportVersionFactory(
        review=demo.review, requested_by=demo.desk, status=ReportVersion.Status.FAILED
    )
    (failed,) = [
        i for i in selectors.my_work(user=demo.desk).items if i.rule == "report_render_failed"
    ]
    assert failed.title == f"Mid-term review of the strategy, version {version.number}"
    review_factories.done_version(demo.review, requested_by=demo.desk)
    assert "report_render_failed" not in {i.rule for i in selectors.my_work(user=demo.desk).items}


def test_a_goal_not_started_after_the_review_was_issued_needs_an_update(demo):
    review_factories.issued_version(demo.review, requested_by=demo.desk)
    found = [
        i
        for i in selectors.my_work(user=demo.desk).items
        if i.rule == "goal_not_started_after_review"
    ]
    assert len(found) == demo.partnership.goals.count()
    assert found[0].summary.startswith(
        "Still “Not started” after the Mid-term review of the strategy was issued on"
    )


def test_a_line_with_a_payment_is_not_unpaid(demo):
    line = demo.lines.get(year=2018, component="core")
    funding_factories.DisbursementFactory(budget_line=line, created_by=demo.desk)
    unpaid = [i for i in selectors.my_work(user=demo.desk).items if i.rule == "committed_unpaid"]
    assert line.label not in {i.title for i in unpaid}
    assert len(unpaid) == 3


def test_only_a_payment_made_by_the_30_june_deadline_takes_a_line_off_the_list(demo):
    """Nothing paid on the 2018 line by 30 June 2018: a payment dated later (even one dated
    ahead, recorded before such dates were refused) does not answer the rule."""
    line = demo.lines.get(year=2018, component="core")

    def unpaid() -> set[str]:
        items = selectors.my_work(user=demo.desk).items
        return {i.title for i in items if i.rule == "committed_unpaid"}

    for late in (dt.date(2018, 7, 1), dt.date(2030, 1, 1)):
        funding_factories.DisbursementFactory(
            budget_line=line, value_date=late, created_by=demo.desk
        )
    assert line.label in unpaid()
    funding_factories.DisbursementFactory(
        budget_line=line, value_date=dt.date(2018, 6, 30), created_by=demo.desk
    )
    assert line.label not in unpaid()


# --- queries ----------------------------------------------------------------------------------


def _count(**kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        selectors.attention_items(**kwargs)
    return len(data_queries(captured))


def test_what_needs_attention_is_read_in_nine_queries_whatever_the_amount(demo):
    ids = [demo.partnership.pk]
    before = _count(partnership_ids=ids)
    consultation = demo.point.consultation
    for n in range(30):
        point = consultation_factories.ActionPointFactory(
            consultation=consultation, due_date=dt.date(2020, 1, n % 28 + 1)
        )
        point.assignee = demo.geneva
        point.save(update_fields=["assignee"])
        review_factories.ReportVersionFactory(
            review=review_factories.ReviewFactory(
                partnership=demo.partnership, due_date=dt.date(2019, 6, 1)
            ),
            status=ReportVersion.Status.FAILED,
        )
    other = factories.PartnershipFactory()
    assert _count(partnership_ids=[*ids, other.pk]) == before == 9


def test_who_an_item_is_for_is_read_in_sql_as_the_rules_say(demo):
    """What the queries select for a user is what :func:`selectors.for_user` keeps of
    everything, for each of the demo's members (a responsible member who may no longer act
    leaves the item to every member whose role may)."""
    point = consultation_factories.ActionPointFactory(
        consultation=demo.point.consultation, due_date=dt.date(2020, 1, 3)
    )
    point.assignee = demo.auditor  # an auditor may not act on it
    point.save(update_fields=["assignee"])
    ids = [demo.partnership.pk]
    everything = selectors.attention_items(partnership_ids=ids)
    roles = selectors.roles_by_partnership(partnership_ids=ids)
    for user in (demo.desk, demo.geneva, demo.auditor):
        expected = selectors.for_user(everything, user_id=user.pk, roles=roles)
        found = selectors.attention_found(partnership_ids=ids, user_id=user.pk).items
        assert [i.key for i in found] == [i.key for i in expected], user
    assert f"action_point_due:{point.pk}" in {
        i.key for i in selectors.attention_found(partnership_ids=ids, user_id=demo.desk.pk).items
    }


def test_what_needs_attention_names_its_records_in_the_readers_language(demo):
    """The titles the records give themselves (a consultation's) read in the language of
    the reader, whichever language wrote them before."""
    from django.utils import translation

    consultation_factories.consultation(
        demo.partnership, year=2020, date=dt.date(2020, 3, 2), organiser=demo.geneva
    )

    def title() -> str:
        (item,) = [
            i
            for i in selectors.my_work(user=demo.geneva).items
            if i.rule == "consultation_unprepared"
        ]
        return item.title

    with translation.override("da"):
        assert title() == "Årlig konsultation 2020"
    with translation.override("en-gb"):
        assert title() == "Annual consultation 2020"


def test_a_rule_is_asked_only_where_the_readers_role_may_act_on_what_it_finds(demo):
    """An auditor may act on nothing the rules find: My work asks no rule for them; mission
    staff are asked only the rules of what their role may act on."""
    partnerships = list(selectors.my_partnerships(user=demo.auditor))
    with CaptureQueriesContext(connection) as captured:
        work = selectors.my_work(user=demo.auditor, partnerships=partnerships)
    assert (work.count, len(data_queries(captured))) == (0, 0)
    partnerships = list(selectors.my_partnerships(user=demo.geneva))
    with CaptureQueriesContext(connection) as captured:
        work = selectors.my_work(user=demo.geneva, partnerships=partnerships)
    assert {i.rule for i in work.items} == {"action_point_due"}
    # Action points due, consultations to prepare, notes to clear (mission staff clear them)
    assert len(data_queries(captured)) == len(
        [
            r
            for r, s in selectors.SOURCES.items()
            if s.capability in ROLE_CAPABILITIES[Role.MISSION_STAFF]
        ]
    )


def test_the_first_ten_of_a_rule_in_each_of_several_partnerships_with_their_totals(
    demo, other_partnership
):
    """Twelve action points due in one partnership and one in another: the first ten of
    the twelve (the most urgent) and the one, with how many there are in each."""
    Membership.objects.create(user=demo.desk, partnership=other_partnership, role=Role.DESK_OFFICER)
    consultation = demo.point.consultation
    for n in range(11):
        consultation_factories.ActionPointFactory(
            consultation=consultation, due_date=dt.date(2020, 1, 20 - n)
        )
    theirs = consultation_factories.ActionPointFactory(
        consultation=consultation_factories.consultation(other_partnership, year=2021),
        due_date=dt.date(2020, 1, 2),
    )
    partnerships = list(selectors.my_partnerships(user=demo.desk))
    everything = selectors.my_work(user=demo.desk, partnerships=partnerships, cap=None)
    capped = selectors.my_work(user=demo.desk, partnerships=partnerships)

    def points(work, partnership):
        (group,) = [g for g in work.groups if g.partnership == partnership]
        return [i for i in group.items if i.rule == "action_point_due"], group

    ours, group = points(capped, demo.partnership)
    all_ours, _ = points(everything, demo.partnership)
    assert len(all_ours) == 12
    assert [i.key for i in ours] == [i.key for i in all_ours[:10]]
    assert [(m.rule, m.total, m.hidden) for m in group.more] == [("action_point_due", 12, 2)]
    theirs_shown, group = points(capped, other_partnership)
    assert [i.object_id for i in theirs_shown] == [theirs.pk]
    assert group.more == []
