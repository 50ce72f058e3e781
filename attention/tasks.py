"""Celery tasks of the attention app. Thin: each body is a service; they take ids only."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_digests() -> dict[str, int]:
    """Periodic (Celery beat): record the digests whose time has come and send them, each
    in a task of its own (after the recording commits)."""
    prepared = services.digests_prepare()
    return {"recorded": prepared.recorded, "sent_to_workers": len(prepared.to_send)}


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.DIGEST_MAX_RETRIES,
    soft_time_limit=60,
    time_limit=90,
)
def send_digest(self, digest_id: int) -> str:
    """Send one person's digest (see ``services.digest_send``); a failed send is retried
    ``DIGEST_MAX_RETRIES`` times, ``DIGEST_RETRY_DELAY`` seconds apart."""
    try:
        return services.digest_send(digest_id=digest_id)
    except services.DigestSendError as exc:
        if exc.final:
            return "failed"
        raise self.retry(exc=exc, countdown=settings.DIGEST_RETRY_DELAY) from exc
