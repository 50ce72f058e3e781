"""The Celery application.

Tasks carry primary keys only (JSON), are acknowledged after they finish, and are given
back to the broker if the worker dies mid-task; the job's state lives on a model row.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("partnership_monitor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_soft_time_limit=5 * 60,
    task_time_limit=6 * 60,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
)
app.autodiscover_tasks()
