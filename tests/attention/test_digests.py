"""The e-mail digests, sent through a real SMTP server on loopback (aiosmtpd) and read
from it: one per person and period however often the task runs, plain text with the same
in HTML, what is new told apart from what is still open, failed sends retried without
holding up anyone else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from accounts.models import DigestFrequency
from accounts.models import Profile
from attention import services
from attention import tasks
from attention.models import Digest
from attention.models import Reminder
from tests.consultations import factories as consultation_factories

DESK, GENEVA, AUDITOR = "desk@example.org", "geneva@example.org", "auditor@example.org"
SITE = "https://monitor.example.org"


def _at_midnight(person) -> None:
    """A daily digest at 00:00: due whatever time of day the test runs."""
    Profile.objects.update_or_create(user=person, defaults={"digest_time": dt.time(0, 0)})


def record_digest(person) -> Digest:
    """The person's digest for today, recorded as the beat task does (not sent)."""
    _at_midnight(person)
    services.digests_prepare()
    return Digest.objects.get(user=person)


@pytest.fixture
def people(demo, settings):
    settings.SITE_URL = SITE
    for person, address in ((demo.desk, DESK), (demo.geneva, GENEVA), (demo.auditor, AUDITOR)):
        person.email = address
        person.save(update_fields=["email"])
        _at_midnight(person)
    return demo


@pytest.fixture
def beat(worker, django_capture_on_commit_callbacks):
    """One run of the periodic task, then of the sends it handed to the workers."""

    def run() -> tuple[dict, list[str]]:
        with django_capture_on_commit_callbacks(execute=True):
            summary = tasks.send_digests.apply().get()
        return summary, worker.run()

    return run


def _plain(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _html(message) -> str:
    return message.get_body(("html",)).get_content().replace("\r\n", "\n")


def _statuses() -> dict[str, str]:
    return dict(Digest.objects.values_list("user__username", "status"))


def test_running_the_reminder_task_twice_sends_each_person_one_digest(people, smtp, beat):
    first = beat()
    second = beat()
    assert first == ({"recorded": 3, "sent_to_workers": 2}, ["sent", "sent"])
    assert second == ({"recorded": 0, "sent_to_workers": 0}, [])
    received = sorted(rcpt for _, rcpts, _ in smtp.messages for rcpt in rcpts)
    assert received == [DESK, GENEVA]  # the auditor has nothing to act on: no mail
    assert _statuses() == {"desk": "sent", "geneva": "sent", "auditor": "empty"}


def test_a_digest_is_plain_text_with_the_same_in_html(people, smtp, beat):
    beat()
    (message,) = smtp.to(DESK)
    digest = Digest.objects.get(user=people.desk)
    assert message["Subject"] == "[Partnership Monitor] 23 things need your attention (23 new)"
    assert message["To"] == DESK
    assert message["Message-ID"] == digest.message_id
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = _plain(message), _html(message)
    point = people.point
    anchor = f"#item-{point.agenda_item_id}-actions"
    assert "23 things need your attention: 23 new since your last digest, 0 still open." in plain
    assert (
        f"- NEW: Action point of the 2019 consultation: {point.description}\n"
        f"  Overdue since 1 February 2020\n"
        f"  {SITE}/p/{people.partnership.slug}/consultations/2019/{anchor}"
    ) in plain
    assert "Overdue since 1 December 2019; due in the fall of 2019" in plain
    assert plain.count("Committed, and nothing paid by 30 June 2018") == 4
    assert plain.count("the Finance Act for 2020 had passed by 31 December 2019") == 4
    assert f"You get this digest daily. To change when, or to stop it: {SITE}/account/digest/" in (
        plain
    )
    review_link = f'<a href="{SITE}{people.review.get_absolute_url()}" style="color: #0b4f8a;">'
    assert f"{review_link}Mid-term review of the strategy</a>" in html
    assert html.count("Committed, and nothing paid by 30 June 2018") == 4
    (geneva,) = smtp.to(GENEVA)
    assert geneva["Subject"] == "[Partnership Monitor] 1 thing needs your attention (1 new)"


def test_who_was_told_what_and_when_is_recorded(people, smtp, beat):
    beat()
    digest = Digest.objects.get(user=people.geneva)
    assert (digest.status, digest.attempts, digest.to) == ("sent", 1, GENEVA)
    assert digest.period == timezone.localdate().isoformat()
    assert digest.sent_at is not None
    (reminder,) = digest.reminders.all()
    assert (reminder.partnership, reminder.rule, reminder.key, reminder.is_new) == (
        people.partnership,
        "action_point_due",
        f"action_point_due:{people.point.pk}",
        True,
    )
    assert reminder.summary == "Overdue since 1 February 2020"


def test_the_next_digest_tells_what_is_new_from_what_is_still_open(people, smtp, beat, worker):
    beat()
    later = consultation_factories.ActionPointFactory(
        consultation=people.point.consultation,
        description="IOM to report on the PSEA action plan.",
        due_date=dt.date(2020, 2, 20),
    )
    tomorrow = timezone.now() + dt.timedelta(days=1)
    services.digests_prepare(now=tomorrow)
    worker.sent.clear()  # the test's transaction never commits: send the new ones by hand
    for digest in Digest.objects.filter(status=Digest.Status.PENDING):
        assert services.digest_send(digest_id=digest.pk) == "sent"
    first, second = smtp.to(GENEVA)
    assert second["Subject"] == "[Partnership Monitor] 2 things need your attention (1 new)"
    plain = _plain(second)
    assert "2 things need your attention: 1 new since your last digest, 1 still open." in plain
    assert f"- NEW: Action point of the 2019 consultation: {later.description}" in plain
    assert f"- Action point of the 2019 consultation: {people.point.description}" in plain
    assert "New:" in _html(first)


def test_a_failed_send_is_retried(people, smtp, beat):
    smtp.refuse[DESK] = 1  # the server refuses the first try
    _, results = beat()
    assert sorted(results) == ["sent", "sent"]
    assert len(smtp.to(DESK)) == 1
    digest = Digest.objects.get(user=people.desk)
    assert (digest.status, digest.attempts, digest.error) == ("sent", 2, "")


def test_a_send_that_keeps_failing_is_given_up_without_holding_up_the_others(
    people, smtp, beat, settings
):
    settings.DIGEST_MAX_RETRIES = 2
    smtp.refuse[DESK] = -1
    _, results = beat()
    assert sorted(results) == ["failed", "sent"]
    assert len(smtp.to(GENEVA)) == 1
    assert smtp.to(DESK) == []
    digest = Digest.objects.get(user=people.desk)
    assert (digest.status, digest.attempts) == ("failed", 3)
    assert digest.error.startswith("SMTPRecipientsRefused")
    assert beat() == ({"recorded": 0, "sent_to_workers": 0}, [])  # given up is given up


def test_a_digest_being_sent_or_sent_is_not_sent_again(people, smtp):
    digest = record_digest(people.geneva)
    assert services.digest_send(digest_id=digest.pk) == "sent"
    assert services.digest_send(digest_id=digest.pk) == "skipped"
    assert len(smtp.messages) == 1


def test_a_send_claimed_by_a_worker_that_died_is_taken_over(people, smtp):
    digest = record_digest(people.geneva)
    long_ago = timezone.now() - services.CLAIM_TIMEOUT - dt.timedelta(seconds=1)
    Digest.objects.filter(pk=digest.pk).update(status=Digest.Status.SENDING, claimed_at=long_ago)
    assert services.digest_send(digest_id=digest.pk) == "sent"
    Digest.objects.filter(pk=digest.pk).update(
        status=Digest.Status.SENDING, claimed_at=timezone.now()
    )
    assert services.digest_send(digest_id=digest.pk) == "skipped"  # another worker has it
    assert len(smtp.messages) == 1


def test_a_digest_whose_task_was_lost_is_sent_by_the_next_run(people, smtp, beat, settings):
    services.digests_prepare()  # recorded; the tasks sent after it never reached a worker
    assert beat() == ({"recorded": 0, "sent_to_workers": 0}, [])  # too recent to be lost
    Digest.objects.update(
        created_at=timezone.now() - dt.timedelta(seconds=2 * settings.DIGEST_RETRY_DELAY + 1)
    )
    assert beat() == ({"recorded": 0, "sent_to_workers": 2}, ["sent", "sent"])
    assert len(smtp.to(GENEVA)) == len(smtp.to(DESK)) == 1


def test_people_without_an_address_or_a_role_or_who_chose_never_get_no_digest(people, smtp, beat):
    people.auditor.memberships.all().delete()
    Profile.objects.filter(user=people.geneva).update(digest_frequency=DigestFrequency.NEVER)
    people.desk.email = ""
    people.desk.save(update_fields=["email"])
    assert beat() == ({"recorded": 0, "sent_to_workers": 0}, [])
    assert smtp.messages == []


# --- when a digest is due ------------------------------------------------------------------


def _local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.mark.parametrize(
    ("frequency", "time", "weekday", "now", "period"),
    [
        ("daily", dt.time(7, 0), 0, _local(2020, 2, 14, 6, 59), None),
        ("daily", dt.time(7, 0), 0, _local(2020, 2, 14, 7, 0), "2020-02-14"),
        ("weekly", dt.time(8, 30), 4, _local(2020, 2, 13, 23, 0), None),  # Thursday
        ("weekly", dt.time(8, 30), 4, _local(2020, 2, 14, 8, 29), None),  # Friday, early
        ("weekly", dt.time(8, 30), 4, _local(2020, 2, 14, 8, 30), "2020-W07"),
        ("weekly", dt.time(8, 30), 4, _local(2020, 2, 16, 3, 0), "2020-W07"),  # Sunday
        ("never", dt.time(7, 0), 0, _local(2020, 2, 14, 12, 0), None),
    ],
)
def test_a_digest_is_due_from_the_chosen_time_of_the_day_or_week(
    frequency, time, weekday, now, period
):
    profile = Profile(digest_frequency=frequency, digest_time=time, digest_weekday=weekday)
    assert services.due_period(profile, now) == period


def test_the_time_is_the_sites_not_utc(settings):
    settings.TIME_ZONE = "Europe/Copenhagen"
    six_utc = dt.datetime(2020, 2, 14, 6, 30, tzinfo=dt.UTC)  # 07:30 in Copenhagen
    profile = Profile(digest_frequency="daily", digest_time=dt.time(7, 0))
    assert services.due_period(profile, six_utc) == "2020-02-14"


def test_reminders_are_records_that_never_change(people):
    digest = record_digest(people.geneva)
    reminder = digest.reminders.get()
    reminder.summary = "Rewritten"
    with pytest.raises(Exception, match="append-only"):
        reminder.save()
    assert Reminder.objects.get(pk=reminder.pk).summary == "Overdue since 1 February 2020"


@pytest.mark.django_db
def test_the_demo_writes_each_demo_users_digest_to_a_file(settings, tmp_path, today):
    settings.DEMO_PASSWORD = "demo-pass-for-test"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    call_command("setup_demo")
    for username in ("desk", "geneva", "auditor"):
        _at_midnight(get_user_model().objects.get(username=username))
    services.digests_prepare()
    for digest in Digest.objects.filter(status=Digest.Status.PENDING):
        services.digest_send(digest_id=digest.pk)
    written = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert "To: desk@example.org" in written
    assert "Overdue since 1 December 2019; due in the fall of 2019" in written
    assert "To: auditor@example.org" not in written  # nothing to act on, nothing sent


def test_each_digest_is_written_in_its_recipients_language_lines_included(people, smtp, beat):
    """The worker writes every digest itself: the desk officer who reads Danish gets the
    whole of it in Danish, the reminder lines and their dates too, while mission staff who
    read English get theirs in English from the same run."""
    Profile.objects.filter(user=people.desk).update(language="da")
    Profile.objects.filter(user=people.geneva).update(language="en-gb")
    beat()
    (danish,) = smtp.to(DESK)
    point = people.point
    plain = _plain(danish)
    assert danish["Subject"].strip() == (
        "[Partnership Monitor] 23 sager kræver din opmærksomhed (23 nye)"
    )
    assert (
        f"- NY: Opfølgningspunkt fra konsultationen i 2019: {point.description}\n"
        f"  Forsinket siden 1. februar 2020\n"
    ) in plain
    assert plain.count("Bevilget, og intet udbetalt pr. 30. juni 2018") == 4
    assert "Committed" not in plain
    assert "Overdue" not in plain
    assert "Bevilget, og intet udbetalt pr. 30. juni 2018" in _html(danish)
    (english,) = smtp.to(GENEVA)
    assert (
        f"- NEW: Action point of the 2019 consultation: {point.description}\n"
        f"  Overdue since 1 February 2020\n"
    ) in _plain(english)
    # What each was told is kept as they read it.
    assert Reminder.objects.get(digest__user=people.desk, rule="action_point_due").summary == (
        "Forsinket siden 1. februar 2020"
    )


def test_a_records_own_title_is_kept_in_its_recipients_language(people, smtp, beat):
    """A consultation's title is written in the language of the digest's reader (Danish
    here, where the site's language is English), and kept so on the reminder recorded."""
    consultation_factories.consultation(
        people.partnership, year=2020, date=dt.date(2020, 3, 2), organiser=people.geneva
    )
    Profile.objects.filter(user=people.geneva).update(language="da")
    beat()
    plain = _plain(smtp.to(GENEVA)[0])
    assert "Årlig konsultation 2020" in plain
    assert "Annual consultation" not in plain
    reminder = Reminder.objects.get(rule="consultation_unprepared")
    assert (reminder.digest.user, reminder.title) == (people.geneva, "Årlig konsultation 2020")
