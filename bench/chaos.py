"""``make chaos``: the outages production must live through, caused for real and measured.

Run by the harness (``bench/harness.py --only chaos``, and within ``make bench``) against
the throwaway PostgreSQL 15 of ``bench/run.sh``, a Redis of its own (append-only file on,
as ``docker-compose.yml`` runs it, so that queued tasks outlive a restart), gunicorn with
two workers, a Celery worker and Celery beat, each a process of its own with the
production defaults (``REPORT_RENDER_STALE_AFTER``, ``REPORT_RESEND_INTERVAL``…). While
two readers keep asking for pages (a session's dashboard and funding page, a token's API
list), it

- stops Redis for 60 s while a script asks for a review's report every 10 s, before,
  during and after the outage: how many pages were answered during it, how long the asks
  took, and whether every render asked for ends ``done`` with one file (none lost);
- restarts PostgreSQL (``pg_ctl restart -m fast``) under the readers: the errors while it
  is down, and that the app answers again afterwards without being restarted;
- kills the Celery worker (SIGKILL to its process group) in the middle of a render and
  starts a new one, as Docker restarts a dead container: how long until the version is
  ``done``, with one file.

The state of renders is read with ``psql``; like the harness, this module never imports
Django.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .harness import Run

REDIS_DOWN_S = 60
ASK_EVERY_S = 10
BEFORE_S = 10
AFTER_S = 30
PG_AFTER_S = 20
DONE_TIMEOUT_S = 15 * 60


@dataclass
class Answer:
    started: float
    took: float
    status: int  # 0: no answer (refused, reset, timed out)
    what: str
    body: bytes = b""

    def json(self) -> dict[str, Any]:
        try:
            return json.loads(self.body)
        except ValueError:
            return {}


@dataclass
class Readers:
    """Threads that keep asking for pages until stopped, each answer kept."""

    base: str
    session: str
    token: str
    pages: dict[str, str]
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def ask(self, label: str, path: str, *, method: str = "GET") -> Answer:
        headers = (
            {"Authorization": f"Bearer {self.token}"}
            if path.startswith("/api/")
            else {"Cookie": f"sessionid={self.session}"}
        )
        request = urllib.request.Request(self.base + path, method=method, headers=headers)
        started = time.monotonic()
        body = b""
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        answer = Answer(started, time.monotonic() - started, status, label, body)
        self.answers.append(answer)
        return answer

    def _loop(self) -> None:
        while not self.stop.is_set():
            for label, path in self.pages.items():
                self.ask(label, path)
            time.sleep(0.05)

    @contextmanager
    def running(self, count: int = 2) -> Iterator[Readers]:
        threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(count)]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=60)

    def between(self, start: float, end: float) -> list[Answer]:
        return [a for a in self.answers if start <= a.started < end and a.what in self.pages]


def _share(answers: list[Answer]) -> str:
    if not answers:
        return "no requests"
    good = sum(1 for a in answers if 200 <= a.status < 400)
    return f"{good / len(answers):.0%} of {len(answers)}"


def _p95(answers: list[Answer]) -> float:
    took = sorted(a.took for a in answers)
    return took[min(len(took) - 1, int(0.95 * len(took)))] * 1000 if took else 0.0


class Chaos:
    def __init__(self, run: Run, database: str) -> None:
        self.run = run
        self.database = database
        self.redis_dir = run.work / "chaos-redis"
        self.redis_dir.mkdir(exist_ok=True)
        self.redis_port = _free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.redis: subprocess.Popen | None = None

    # --- the services ------------------------------------------------------------------

    def redis_start(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port),
                "--dir", str(self.redis_dir), "--appendonly", "yes", "--save", "",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while (
            subprocess.run(
                ["redis-cli", "-p", str(self.redis_port), "ping"], capture_output=True, check=False
            ).stdout.strip()
            != b"PONG"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("Redis did not start")
            time.sleep(0.05)

    def redis_stop(self) -> None:
        """As ``docker compose stop redis``: SHUTDOWN, the append-only file kept."""
        if self.redis is None:
            return
        subprocess.run(
            ["redis-cli", "-p", str(self.redis_port), "shutdown"], capture_output=True, check=False
        )
        try:
            self.redis.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.redis.pid, signal.SIGKILL)
            self.redis.wait()
        self.redis = None

    def env(self) -> dict[str, str]:
        return {"REDIS_URL": self.redis_url}

    @contextmanager
    def app(self) -> Iterator[tuple[Readers, dict[str, Any]]]:
        """gunicorn, the worker and beat on this Redis, and readers of its pages."""
        setup = self.run.measure(self.database, "chaos")
        port = _free_port()
        env = self.env()
        with (
            self.run.process(
                "chaos-gunicorn",
                [
                    sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py",
                    "--bind", f"127.0.0.1:{port}", "--workers", "2", "config.wsgi",
                ],
                self.database,
                **env,
            ),
            self.worker(),
            self.run.process(
                "chaos-beat",
                [
                    sys.executable, "-m", "celery", "--app=config", "beat",
                    "--loglevel=WARNING", f"--schedule={self.run.work / 'celerybeat-schedule'}",
                ],
                self.database,
                **env,
            ),
        ):  # fmt: skip
            self.run.wait_http(port, setup["session"])
            readers = Readers(
                f"http://127.0.0.1:{port}", setup["session"], setup["token"], setup["pages"]
            )
            yield readers, setup

    def worker(self, name: str = "chaos-worker"):
        return self.run.process(
            name,
            [
                sys.executable, "-m", "celery", "--app=config", "worker",
                "--queues=pdf,celery", "--prefetch-multiplier=1", "--concurrency=2",
                "--loglevel=WARNING",
            ],
            self.database,
            **self.env(),
        )  # fmt: skip

    # --- reading the renders ------------------------------------------------------------

    def sql(self, query: str) -> list[list[str]]:
        result = subprocess.run(
            [
                "psql", f"{self.run.base_url}/{self.database}", "-X", "-q", "-t", "-A",
                "-F", "\t", "-c", query,
            ],
            capture_output=True,
            text=True,
            check=True,
        )  # fmt: skip
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def versions(self, ids: list[int]) -> dict[int, dict[str, str]]:
        if not ids:
            return {}
        rows = self.sql(
            "SELECT id, status, file, attempts, sends FROM reviews_reportversion "
            f"WHERE id IN ({','.join(map(str, ids))})"
        )
        keys = ("status", "file", "attempts", "sends")
        return {int(row[0]): dict(zip(keys, row[1:], strict=True)) for row in rows}

    def wait_finished(self, ids: list[int], timeout: float = DONE_TIMEOUT_S) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = self.versions(ids)
            if len(states) == len(ids) and all(
                s["status"] in ("done", "failed") for s in states.values()
            ):
                return time.monotonic()
            time.sleep(0.5)
        return float("nan")

    def files_of(self, states: dict[int, dict[str, str]]) -> dict[str, int]:
        """How the stored files stand: one per version done, none missing, none extra."""
        media = self.run.work / "media"
        done = [s for s in states.values() if s["status"] == "done"]
        named = {s["file"] for s in done}
        folders = {(media / name).parent for name in named}
        on_disk = {
            str(path.relative_to(media)) for folder in folders for path in folder.glob("*.pdf")
        }
        return {
            "done": len(done),
            "files named": len(named),
            "missing": sum(1 for name in named if not (media / name).is_file()),
            "other files": len(on_disk - named - self.files_before),
        }

    # --- the outages ----------------------------------------------------------------------

    def redis_outage(self) -> dict[str, Any]:
        self.run.say(f"Chaos: Redis stopped for {REDIS_DOWN_S} s while reports are asked for.")
        self.redis_start()
        try:
            with self.app() as (readers, setup), readers.running():
                self.files_before = self._files_now()
                render = f"/api/v1/reviews/{setup['review']}/render/"
                asks: list[Answer] = []
                done_asking = threading.Event()

                def ask() -> None:  # a script asking for the report every ASK_EVERY_S
                    while not done_asking.is_set():
                        asks.append(readers.ask("render", render, method="POST"))
                        done_asking.wait(ASK_EVERY_S)

                first_id = int(
                    self.sql("SELECT coalesce(max(id), 0) FROM reviews_reportversion")[0][0]
                )
                asker = threading.Thread(target=ask, daemon=True)
                start = time.monotonic()
                asker.start()
                time.sleep(BEFORE_S)
                down_at = time.monotonic()
                self.redis_stop()
                time.sleep(REDIS_DOWN_S)
                self.redis_start()
                up_at = time.monotonic()
                time.sleep(AFTER_S)
                done_asking.set()
                asker.join(timeout=60)
                end = time.monotonic()
                # Every version the asks made, answered in time or not.
                ids = [int(r[0]) for r in self.sql(
                    f"SELECT id FROM reviews_reportversion WHERE id > {first_id} ORDER BY id"
                )]  # fmt: skip
                finished = self.wait_finished(ids)
                states = self.versions(ids)
        finally:
            self.redis_stop()
        during = [a for a in asks if down_at <= a.started < up_at]
        return {
            "outage_s": up_at - down_at,
            "pages_before": _share(readers.between(start, down_at)),
            "pages_during": _share(readers.between(down_at, up_at)),
            "pages_after": _share(readers.between(up_at, end)),
            "p95_ms_before": _p95(readers.between(start, down_at)),
            "p95_ms_during": _p95(readers.between(down_at, up_at)),
            "asked": len(asks),
            "asked_during": len(during),
            "ask_statuses": sorted({a.status for a in asks}),
            "ask_p95_ms_during": _p95(during),
            "versions": len(ids),
            "done": sum(1 for s in states.values() if s["status"] == "done"),
            "failed": sum(1 for s in states.values() if s["status"] == "failed"),
            "answered_202": sum(1 for a in asks if a.status == 202),
            "lost": sum(1 for s in states.values() if s["status"] not in ("done", "failed")),
            "all_done_after_redis_back_s": finished - up_at,
            "files": self.files_of(states),
        }

    def postgres_restart(self) -> dict[str, Any]:
        self.run.say("Chaos: PostgreSQL restarted while pages are served.")
        self.redis_start()
        try:
            with self.app() as (readers, _), readers.running():
                time.sleep(BEFORE_S)
                down_at = time.monotonic()
                _as_pg_owner(
                    [
                        f"{PG_BIN}/pg_ctl",
                        "-D",
                        str(self.run.work / "pg"),
                        "-m",
                        "fast",
                        "-w",
                        "restart",
                        "-l",
                        str(self.run.work / "pg" / "server.log"),
                    ]
                )
                up_at = time.monotonic()
                time.sleep(PG_AFTER_S)
                end = time.monotonic()
        finally:
            self.redis_stop()
        after = readers.between(up_at, end)
        failed_after = [a for a in after if not 200 <= a.status < 400]
        first_good = next((a for a in after if 200 <= a.status < 400), None)
        last_bad = max((a.started for a in failed_after), default=up_at)
        return {
            "restart_s": up_at - down_at,
            "pages_before": _share(readers.between(down_at - BEFORE_S, down_at)),
            "pages_during": _share(readers.between(down_at, up_at)),
            "errors_during": sorted({a.status for a in readers.between(down_at, up_at)}),
            "pages_after": _share(after),
            "errors_after": len(failed_after),
            "error_statuses_after": sorted({a.status for a in failed_after}),
            "first_answer_after_s": (first_good.started - up_at) if first_good else None,
            "all_good_from_s": last_bad - up_at if failed_after else 0.0,
        }

    def worker_killed(self) -> dict[str, Any]:
        self.run.say("Chaos: the worker killed in the middle of a render, then started again.")
        self.redis_start()
        try:
            with self.app() as (readers, setup):
                self.files_before = self._files_now()
                answer = readers.ask(
                    "render", f"/api/v1/reviews/{setup['review']}/render/", method="POST"
                )
                version = answer.json()["id"]
                deadline = time.monotonic() + 300
                while self.versions([version])[version]["status"] == "queued":
                    if time.monotonic() > deadline:
                        raise RuntimeError("No worker took the render.")
                    time.sleep(0.02)
                killed_at = time.monotonic()
                self._kill_workers()
                with self.worker("chaos-worker-restarted"):
                    finished = self.wait_finished([version])
                state = self.versions([version])
        finally:
            self.redis_stop()
        return {
            "status_when_killed": "rendering",
            "done_after_kill_s": finished - killed_at,
            "status": state[version]["status"],
            "attempts": int(state[version]["attempts"]),
            "sends": int(state[version]["sends"]),
            "files": self.files_of(state),
        }

    # --- helpers ----------------------------------------------------------------------------

    files_before: set[str]

    def _files_now(self) -> set[str]:
        media = self.run.work / "media"
        return {str(p.relative_to(media)) for p in media.glob("reports/**/*.pdf")}

    def _kill_workers(self) -> None:
        """SIGKILL to every Celery worker process of this run (not beat, not gunicorn)."""
        result = subprocess.run(
            ["pgrep", "-f", "celery --app=config worker"],
            capture_output=True,
            text=True,
            check=False,
        )
        mine = {
            int(pid)
            for pid in result.stdout.split()
            if _environ_has(int(pid), f"REDIS_URL={self.redis_url}")
        }
        for pid in mine:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


def _as_pg_owner(args: list[str]) -> None:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(args, check=True, capture_output=True)


def _environ_has(pid: int, entry: str) -> bool:
    try:
        return entry.encode() in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_all(run: Run, database: str) -> dict[str, Any]:
    chaos = Chaos(run, database)
    found = {
        "redis": chaos.redis_outage(),
        "postgres": chaos.postgres_restart(),
        "worker": chaos.worker_killed(),
    }
    run.log.write(json.dumps(found, indent=1) + "\n")
    return found
