"""Writes of the attention app: the e-mail digests and who was told what, when.

A digest goes through two steps, each safe to run twice:

1. :func:`digests_prepare` (the beat task): for each person whose chosen time has come
   in the current day or week, record one :class:`~attention.models.Digest` for that
   period, with the items it tells them of (:class:`~attention.models.Reminder`, each
   marked new or still open). The database's unique (person, period) stands behind it:
   a second run, or a second beat, finds the digest recorded and prepares nothing.
2. :func:`digest_send` (one task per digest, sent after the first step commits): claims
   the digest, sends it through Django's mail framework and records the outcome. A digest
   already sent or being sent by another worker is left alone; a failed send is recorded
   and raised for the task to retry, and is given up after ``DIGEST_MAX_RETRIES``
   retries. One person's failure never touches another's digest.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import IntegrityError
from django.db import transaction
from django.db.models import F
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils import translation

from accounts.models import DigestFrequency
from accounts.models import Profile
from core import caching

from . import rules
from . import selectors
from .models import Digest
from .models import Reminder

logger = logging.getLogger(__name__)

SEND_TASK = "attention.tasks.send_digest"
# A claim older than this is a worker that died mid-send: another may take the digest.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
# Errors of a send that another attempt may not meet (the server, the network).
SEND_ERRORS = (smtplib.SMTPException, OSError)


class DigestSendError(Exception):
    """The send failed; ``final`` when no further attempt is to be made."""

    def __init__(self, message: str, *, final: bool):
        super().__init__(message)
        self.final = final


def max_attempts() -> int:
    return settings.DIGEST_MAX_RETRIES + 1


# --- When a digest is due -----------------------------------------------------------------


def due_period(profile: Profile, now: dt.datetime) -> str | None:
    """The period (a day or an ISO week) whose digest the person should have by ``now``,
    or ``None`` while their chosen time has not come (or they chose never)."""
    local = timezone.localtime(now)
    at = profile.digest_time
    if profile.digest_frequency == DigestFrequency.DAILY:
        return local.date().isoformat() if local.time() >= at else None
    if profile.digest_frequency == DigestFrequency.WEEKLY:
        weekday = local.weekday()
        if weekday < profile.digest_weekday or (
            weekday == profile.digest_weekday and local.time() < at
        ):
            return None
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return None


# --- Step 1: what each person is told --------------------------------------------------------


def _send(digest_id: int) -> None:
    """Hand the digest to a worker; runs after the transaction that recorded it commits."""
    try:
        current_app.send_task(SEND_TASK, args=[digest_id])
    except Exception:
        # The digest stays pending: the next beat run sends it again.
        logger.exception("Could not send digest %s to a worker", digest_id)


def _dispatch(digest_id: int) -> None:
    transaction.on_commit(lambda: _send(digest_id))


@dataclass(frozen=True)
class Prepared:
    recorded: int  # digests recorded in this run (with something to tell, or not)
    to_send: list[int]  # ids handed to the workers, new or stuck


def digests_prepare(*, now: dt.datetime | None = None, today: dt.date | None = None) -> Prepared:
    """Record this period's digest of each person whose time has come and who has none yet,
    and hand the ones with something to tell (and any left unsent) to the workers.

    What needs attention is read once for all their partnerships (a fixed number of
    queries); then one insert per person."""
    now = now or timezone.now()
    today = today or rules.today()
    people = (
        get_user_model()
        .objects.filter(is_active=True, memberships__isnull=False)
        .exclude(email="")
        .select_related("profile")
        .distinct()
        .order_by("pk")
    )
    due: dict[Any, str] = {}
    for person in people:
        profile = getattr(person, "profile", None) or Profile(user=person)
        period = due_period(profile, now)
        if period is not None:
            due[person] = period
    recorded_before = set(
        Digest.objects.filter(user__in=list(due), period__in=set(due.values())).values_list(
            "user_id", "period"
        )
    )
    due = {p: period for p, period in due.items() if (p.pk, period) not in recorded_before}
    new: list[int] = []
    if due:
        roles = selectors.roles_by_partnership(user_ids=[p.pk for p in due])
        by_language: dict[str, dict[Any, str]] = {}
        for person, period in due.items():
            by_language.setdefault(_language(person), {})[person] = period
        told: set | None = None
        for language, theirs_due in sorted(by_language.items()):
            # The lines are the rules' words and dates: read once in each language the
            # recipients read, and recorded as each recipient is told them.
            with translation.override(language):
                items = selectors.attention_items(partnership_ids=list(roles), today=today)
                if told is None:  # the keys are the same in every language
                    told = set(
                        Reminder.objects.filter(
                            digest__user__in=list(due),
                            digest__status=Digest.Status.SENT,
                            key__in={item.key for item in items},
                        ).values_list("digest__user_id", "key")
                    )
                for person, period in theirs_due.items():
                    theirs = selectors.for_user(items, user_id=person.pk, roles=roles)
                    digest = _record(person, period, theirs, told)
                    if digest is not None:
                        new.append(digest.pk)
    to_send = [
        *Digest.objects.filter(pk__in=new, status=Digest.Status.PENDING).values_list(
            "pk", flat=True
        ),
        *_stuck(now),
    ]
    for digest_id in to_send:
        _dispatch(digest_id)
    return Prepared(recorded=len(new), to_send=to_send)


def _language(person: Any) -> str:
    """The language the person reads their digest in: their profile's, else the site's."""
    profile = getattr(person, "profile", None)
    return (profile.language if profile is not None else "") or settings.LANGUAGE_CODE


def _record(person: Any, period: str, items: list[selectors.Item], told: set) -> Digest | None:
    """The person's digest for the period, with its reminders; ``None`` if another run
    recorded it first."""
    profile = getattr(person, "profile", None) or Profile(user=person)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                user=person,
                period=period,
                frequency=profile.digest_frequency,
                to=person.email,
                status=Digest.Status.PENDING if items else Digest.Status.EMPTY,
            )
            Reminder.objects.bulk_create(
                Reminder(
                    digest=digest,
                    partnership=item.partnership,
                    key=item.key,
                    rule=item.rule,
                    kind=item.kind[:60],
                    title=item.title[:300],
                    summary=item.summary[:300],
                    url=item.url[:300],
                    due=item.due,
                    overdue=item.overdue,
                    is_new=(person.pk, item.key) not in told,
                )
                for item in items
            )
            caching.changed()  # bulk_create sends no signal
    except IntegrityError:
        return None  # recorded by another run of the task in the meantime
    return digest


def _stuck(now: dt.datetime) -> list[int]:
    """Digests waiting to be sent whose last try (or recording) is more than twice the retry
    delay ago: their task was lost (a broker restart). A task already on its way finds the
    digest claimed."""
    stale = now - dt.timedelta(seconds=2 * settings.DIGEST_RETRY_DELAY)
    return list(
        Digest.objects.filter(status=Digest.Status.PENDING)
        .filter(Q(claimed_at__lt=stale) | Q(claimed_at__isnull=True, created_at__lt=stale))
        .values_list("pk", flat=True)
    )


# --- Step 2: the e-mail -------------------------------------------------------------------------


def _claim(digest_id: int, now: dt.datetime) -> bool:
    """Take the digest for this send (one worker at a time): pending, or claimed by a worker
    that has not finished within ``CLAIM_TIMEOUT``."""
    claimable = Q(status=Digest.Status.PENDING) | Q(
        status=Digest.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    claimed = bool(
        Digest.objects.filter(claimable, pk=digest_id).update(
            status=Digest.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )
    if claimed:
        caching.changed()  # the list of who was reminded shows the digest being sent
    return claimed


def digest_message(digest: Digest, reminders: list[Reminder]) -> EmailMultiAlternatives:
    """The digest as an e-mail: plain text, with the same in HTML as an alternative."""
    by_partnership: dict[Any, list[Reminder]] = {}
    for reminder in reminders:
        by_partnership.setdefault(reminder.partnership, []).append(reminder)
    new = sum(reminder.is_new for reminder in reminders)
    context = {
        "digest": digest,
        "person": digest.user,
        "groups": list(by_partnership.items()),
        "count": len(reminders),
        "new": new,
        "still_open": len(reminders) - new,
        "site_url": settings.SITE_URL,
        "frequency": DigestFrequency(digest.frequency).label.lower(),
    }
    subject = render_to_string("attention/email/digest_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=render_to_string("attention/email/digest.txt", context),
        to=[digest.to],
        headers={
            "Message-ID": digest.message_id,
            # RFC 3834: a machine's message, to which no machine should answer.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    message.attach_alternative(
        render_to_string("attention/email/digest.html", context), "text/html"
    )
    return message


def digest_send(*, digest_id: int) -> str:
    """Send one digest, if it is still to be sent: "sent", or "skipped" when it is sent,
    empty or being sent by another worker. Raises :class:`DigestSendError` when the send
    fails (``final`` after the last attempt, which marks the digest failed)."""
    now = timezone.now()
    if not _claim(digest_id, now):
        return "skipped"
    digest = Digest.objects.select_related("user__profile").get(pk=digest_id)
    if not digest.message_id:
        digest.message_id = make_msgid("digest", domain=_mail_domain())
        Digest.objects.filter(pk=digest_id).update(message_id=digest.message_id)
    reminders = list(
        digest.reminders.select_related("partnership").order_by(
            "partnership__title", "-overdue", F("due").asc(nulls_last=True), "pk"
        )
    )
    try:
        with translation.override(_language(digest.user)):
            message = digest_message(digest, reminders)
        message.send(fail_silently=False)
    except SEND_ERRORS as exc:
        final = digest.attempts >= max_attempts()
        error = f"{type(exc).__name__}: {exc}"[:2000]
        Digest.objects.filter(pk=digest_id).update(
            status=Digest.Status.FAILED if final else Digest.Status.PENDING, error=error
        )
        logger.warning(
            "Digest %s to %s not sent (attempt %s of %s): %s",
            digest_id,
            digest.to,
            digest.attempts,
            max_attempts(),
            error,
        )
        caching.changed()
        raise DigestSendError(error, final=final) from exc
    Digest.objects.filter(pk=digest_id).update(
        status=Digest.Status.SENT, sent_at=timezone.now(), error=""
    )
    caching.changed()  # the list of who was reminded shows the digest's state
    return "sent"


def _mail_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"
