"""A real Celery worker process against Redis renders a report end to end, and a worker
killed in the middle of a render leaves no lost job: after a restart the version ends
done, with exactly one file.

Needs REDIS_URL and a database server (DATABASE_URL); .ci/run starts both, and in CI a
skipped test fails the run.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from partnership.models import OverallGoal
from portfolio import seed as portfolio_seed
from reviews import seed
from reviews import services
from reviews import tasks
from reviews.models import ReportVersion
from tests import factories

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_env(tmp_path, monkeypatch):
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (DATABASE_URL): .ci/run provides both")
    queue = f"reviews-e2e-{uuid.uuid4().hex[:8]}"

    def send(version_id: int) -> None:  # the worker under test listens on its own queue
        tasks.render_report_version.apply_async(args=[version_id], queue=queue)

    monkeypatch.setattr(services, "_send_render", send)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "worker-test-key-not-a-secret",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "REPORT_QUEUE": queue,  # the beat task's re-sends come here too
        "REPORT_RENDER_SOFT_TIME_LIMIT": "60",
        "REPORT_RENDER_TIME_LIMIT": "90",
    }
    return {"env": env, "queue": queue, "tmp": tmp_path}


class Worker:
    def __init__(self, worker_env: dict, name: str, *, beat: bool = False, **extra_env: str):
        self.log_path = worker_env["tmp"] / f"{name}.log"
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            worker_env["queue"],
            "-n",
            f"{name}-{worker_env['queue']}@%h",
        ]
        if beat:
            args += ["--beat", f"--schedule={worker_env['tmp'] / f'{name}-beat'}"]
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
            args,
            cwd=ROOT,
            env={**worker_env["env"], **extra_env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole, children too
        )
        self._wait_for("ready.", timeout=90)

    def output(self) -> str:
        return self.log_path.read_text()

    def _wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            assert self.process.poll() is None, self.output()
            time.sleep(0.2)
        raise AssertionError(f"worker not {text!r} in {timeout} s:\n{self.output()}")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture
def workers():
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.kill()


def _wait_for_status(version_id: int, statuses: set[str], timeout: float, poll: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = ReportVersion.objects.get(pk=version_id)
        if version.status in statuses:
            return version
        time.sleep(poll)
    raise AssertionError(f"version {version_id} still {version.status} after {timeout} s")


def _review_with_data(author):
    partnership = portfolio_seed.load()
    review = seed.load_demo(partnership)
    for goal in OverallGoal.objects.filter(partnership=partnership):
        services.goal_assessment_save(
            review=review, goal=goal, by=author, rating="too_early", narrative="Early."
        )
        for _ in range(3):
            factories.GoalUpdateFactory(goal=goal, author=author)
    return review


def _files(review) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reports" / f"review-{review.pk}"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_worker_renders_the_report_end_to_end(worker_env, workers):
    desk = factories.UserFactory(username="desk")
    review = _review_with_data(desk)
    workers.append(Worker(worker_env, "renderer"))

    version = services.report_version_request(review=review, by=desk)  # commits

    done = _wait_for_status(version.pk, {"done", "failed"}, timeout=120)
    assert done.status == "done", done.error + workers[0].output()
    (stored,) = _files(review)
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == done.sha256
    assert stored.read_bytes().startswith(b"%PDF-1.7")
    assert done.pages > 5
    assert done.attempts == 1


def test_a_worker_killed_mid_render_leaves_the_version_done_after_a_restart(worker_env, workers):
    desk = factories.UserFactory(username="desk")
    review = _review_with_data(desk)
    first = Worker(worker_env, "doomed")
    workers.append(first)

    version = services.report_version_request(review=review, by=desk)
    _wait_for_status(version.pk, {"rendering"}, timeout=60, poll=0.02)
    first.kill()  # SIGKILL to the whole worker, mid-render

    killed = ReportVersion.objects.get(pk=version.pk)
    assert killed.status == "rendering", "the render finished before the worker was killed"
    assert _files(review) == []

    # A new worker with beat: the periodic task finds the stuck render and sends it again.
    workers.append(
        Worker(
            worker_env,
            "restarted",
            beat=True,
            REPORT_RENDER_STALE_AFTER="3",
            REPORT_RESEND_INTERVAL="1",
        )
    )
    # Generous: on a loaded machine the new worker and its first beat tick take a while.
    done = _wait_for_status(version.pk, {"done", "failed"}, timeout=300)
    assert done.status == "done", done.error + workers[-1].output()
    assert (done.attempts, done.sends) == (2, 2)
    (stored,) = _files(review)
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == done.sha256
    assert ReportVersion.objects.filter(review=review).count() == 1
