"""Celery tasks of the reviews app. Thin: each body is a service; they take ids only."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings

from . import services

MAX_RETRIES = 5

# A build of a file (a report version's PDF, a dossier): late acknowledgement, so a lost
# worker's build is run again, and transient errors retried (see _build_retrying).
BUILD_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": MAX_RETRIES,
    "soft_time_limit": settings.REPORT_RENDER_SOFT_TIME_LIMIT,
    "time_limit": settings.REPORT_RENDER_TIME_LIMIT,
}


def _build_retrying(task: Any, build: Callable[[], str], fail: Callable[..., Any]) -> str:
    """``build()``. Transient errors are retried with exponential backoff (10 s, 20 s,
    40 s … capped at 5 minutes); after the last retry ``fail`` states the error and the
    task ends "failed"."""
    try:
        return build()
    except services.TRANSIENT_ERRORS as exc:
        if task.request.retries >= task.max_retries:
            fail(error=f"Gave up after {task.max_retries} retries: {type(exc).__name__}: {exc}")
            return "failed"
        raise task.retry(exc=exc, countdown=min(10 * 2**task.request.retries, 300)) from exc


@shared_task(**BUILD_TASK_OPTIONS)
def render_report_version(self, version_id: int) -> str:
    """Render one report version (see ``services.report_version_render``).

    Transient errors are retried with exponential backoff (10 s, 20 s, 40 s … capped at
    5 minutes); after the last retry the version fails with the error stated.
    """
    return _build_retrying(
        self,
        partial(
            services.report_version_render, version_id=version_id, task_id=self.request.id or ""
        ),
        partial(services.report_version_fail, version_id=version_id),
    )


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def resend_stuck_report_versions() -> dict[str, int]:
    """Periodic (Celery beat): re-send renders stuck past the timeout, fail exhausted ones."""
    return services.report_versions_resend_stuck()


@shared_task(**BUILD_TASK_OPTIONS)
def build_dossier(self, dossier_id: int) -> str:
    """Build one dossier (see ``services.dossier_build``), retrying transient errors like
    the report's render."""
    return _build_retrying(
        self,
        partial(services.dossier_build, dossier_id=dossier_id),
        partial(services.dossier_fail, dossier_id=dossier_id),
    )


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def resend_stuck_dossiers() -> dict[str, int]:
    """Periodic (Celery beat): re-send dossier builds stuck past the timeout or never
    sent, fail exhausted ones."""
    return services.dossiers_resend_stuck()
