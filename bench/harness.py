"""``make bench``: one benchmark run, side by side on one machine, written to bench/results.md.

Run by ``bench/run.sh``, which starts a throwaway PostgreSQL and Redis and passes them in
``BENCH_DATABASE`` (a URL without the database name) and ``REDIS_URL``. This module does
not import Django: it drives ``manage.py`` (with ``bench.settings``), gunicorn, a Celery
worker and wrk as separate processes, as production runs them.

Every figure is a ratio to a baseline measured in the same run, repeated and reduced to
its median; the spread of the repeats says how noisy the machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from contextlib import suppress
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import chaos

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "report.lua"
WORKER_NICE = 10  # the report worker's niceness: docker-compose.yml's default
SEED = 2018
GOALS = {
    "cached": 0.40,  # a repeated read, of the bare view's requests/s
    "uncached": 0.15,  # the first read after a write
    "p95 / bare": 5.0,  # under 4 connections, against the bare view's
    "report job / bare render": 1.25,
    "import / bare insert": 3.0,
    "p95 under report load / idle": 2.0,
}


# --- Figures --------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float]) -> float:
    """(max − min) / median: how far apart the repeats of one figure were."""
    middle = median(values)
    return (max(values) - min(values)) / middle if middle else 0.0


def parse_wrk(output: str) -> dict[str, Any]:
    """The JSON line that bench/report.lua prints after wrk's summary."""
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            figures = json.loads(line)
            seconds = figures["duration_us"] / 1e6
            return {
                "rps": figures["requests"] / seconds if seconds else 0.0,
                "p95_ms": figures["p95_us"] / 1000,
                "p50_ms": figures["p50_us"] / 1000,
                "requests": figures["requests"],
                "errors": figures["socket_errors"] + figures["status_errors"],
            }
    raise ValueError("wrk printed no figures: is bench/report.lua in use?")


def share_rows(found: dict[str, Any]) -> list[list[str]]:
    """Each page and list, cached and uncached, as a share of the bare view's requests/s in
    the same server, with its p95 against the bare view's and the goals it meets or not."""
    bare = {
        mode: (median([r["rps"] for r in runs]), median([r["p95_ms"] for r in runs]))
        for mode, runs in found["bare"].items()
    }
    rows = []
    for label, modes in found["pages"].items():
        cached, uncached = modes["cached"], modes["uncached"]
        if cached.get("failed") or uncached.get("failed"):
            rows.append([label, "—", "—", "—", "—", "NOT met: errors or no answer (bench.log)"])
            continue
        shares = {m: modes[m]["rps"] / bare[m][0] if bare[m][0] else 0.0 for m in modes}
        p95 = {m: modes[m]["p95_ms"] / bare[m][1] if bare[m][1] else 0.0 for m in modes}
        missed = [
            name
            for name, ok in (
                ("cached", shares["cached"] >= GOALS["cached"]),
                ("uncached", shares["uncached"] >= GOALS["uncached"]),
                ("p95", max(p95.values()) <= GOALS["p95 / bare"]),
            )
            if not ok
        ]
        rows.append(
            [
                label,
                f"{shares['cached']:.0%}",
                f"{shares['uncached']:.0%}",
                f"{cached['p95_ms']:.1f} ({p95['cached']:.1f}×)",
                f"{uncached['p95_ms']:.1f} ({p95['uncached']:.1f}×)",
                "met" if not missed else "NOT met: " + ", ".join(missed),
            ]
        )
    return rows


def sweep_section(title: str, found: dict[str, Any]) -> str:
    """One dataset's sweep: the bare view, each page and list, the workers' memory."""
    rows = share_rows(found)
    met = sum(row[-1] == "met" for row in rows)
    bare = ", ".join(
        f"{mode} {median([r['rps'] for r in runs]):.0f} requests/s, p95 "
        f"{median([r['p95_ms'] for r in runs]):.1f} ms (±{spread([r['rps'] for r in runs]) / 2:.0%}"
        f" over {len(runs)} runs)"
        for mode, runs in found["bare"].items()
    )
    rss = "; ".join(
        f"{mode}: " + ", ".join(f"{kb / 1024:.0f} MiB" for kb in kbs)
        for mode, kbs in found["rss_kb"].items()
    )
    return (
        f"## Every page and API list, cached and uncached ({title})\n\n"
        f"The bare view: {bare}. Goals: cached ≥ {GOALS['cached']:.0%}, uncached ≥ "
        f"{GOALS['uncached']:.0%} of the bare view's requests/s, p95 ≤ "
        f"{GOALS['p95 / bare']:.0f}× the bare view's (the worse of the two); met by {met} of "
        f"{len(rows)}.\n\n"
        + table(
            ["page or API list", "cached", "uncached", "p95 ms cached (× bare)",
             "p95 ms uncached (× bare)", "goals"],
            rows,
        )
        + f"\n\nMemory of the web workers after the load (RSS, each of 2 workers): {rss}."
    )  # fmt: skip


def chosen(found: dict[str, Any], pages: str | None) -> dict[str, Any]:
    """The entries of ``found`` (page label -> anything) whose label matches ``pages`` (a
    regular expression searched in the label; every entry when None), in their order."""
    if pages is None:
        return found
    pattern = re.compile(pages)
    return {label: value for label, value in found.items() if pattern.search(label)}


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def query_rows(*counts: dict[str, list[int]]) -> list[list[str]]:
    """A row per page: queries / rows read in each dataset, and whether either grows past
    the first dataset's (the rows less the user's roles, a row per partnership)."""
    first = counts[0]
    rows = []
    for name, (queries, read, roles) in first.items():
        others = [c.get(name) for c in counts[1:]]
        growth = []
        if any(o is None or o[0] != queries for o in others):
            growth.append("queries grow")
        if any(o is not None and o[1] - o[2] > read - roles for o in others):
            growth.append("rows grow")
        cells = [f"{c[0]} / {c[1]}" if c else "?" for c in (first.get(name), *others)]
        rows.append([name, *cells, ", ".join(growth)])
    return rows


def ratio_row(label: str, measured: list[float], bare: list[float], goal: float) -> list[str]:
    ratio = median(measured) / median(bare)
    return [
        label,
        f"{median(measured):.2f} s (±{spread(measured) / 2:.0%})",
        f"{median(bare):.2f} s (±{spread(bare) / 2:.0%})",
        f"{ratio:.2f}×",
        f"≤ {goal}×: {'met' if ratio <= goal else 'NOT met'}",
    ]


# --- Processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Run:
    """The environment of one benchmark run: databases, files, processes."""

    def __init__(
        self, *, base_url: str, redis_url: str, work: Path, quick: bool, pages: str | None = None
    ):
        self.pages = pages  # --pages: the labels of the pages and lists timed and counted
        self.base_url = base_url.rstrip("/")
        self.redis_url = redis_url
        self.work = work
        self.quick = quick
        self.repeats = 2 if quick else 3
        self.duration = 3 if quick else 6
        self.scale = 10 if quick else 100
        self.portfolio = 5 if quick else 50
        self.sweep_duration = 1 if quick else 2  # seconds of wrk per page and mode
        self.log = open(work / "bench.log", "a")  # noqa: SIM115 - closed in close()
        self.started = time.monotonic()

    def close(self) -> None:
        self.log.close()

    def say(self, text: str) -> None:
        stamp = f"[{time.monotonic() - self.started:6.0f} s]"
        print(f"{stamp} {text}", flush=True)
        self.log.write(f"{stamp} {text}\n")
        self.log.flush()

    def env(self, database: str, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": f"{self.base_url}/{database}",
            "REDIS_URL": self.redis_url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-not-a-secret",
            "DEMO_PASSWORD": "bench-only-password",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "VAR_DIR": str(self.work / "var"),
            "MEDIA_ROOT": str(self.work / "media"),
            "STATIC_ROOT": str(self.work / "static"),
            "DATABASE_CONN_MAX_AGE": "60",  # as docker-compose.yml
            "LOG_LEVEL": "WARNING",
            # wrk sends thousands of requests a second as one user: limits it never
            # reaches, so the throughput includes counting them and no 429.
            "API_RATE_PER_TOKEN": "1000000/minute",
            "API_RATE_PER_USER": "1000000/minute",
        }
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        env.update(extra)
        return env

    def manage(self, database: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(database),
            capture_output=True,
            text=True,
            check=False,
        )
        self.log.write(result.stderr)
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def measure(self, database: str, what: str, *args: str) -> Any:
        return json.loads(self.manage(database, "bench_measure", what, *args).splitlines()[-1])

    def psql(self, sql: str) -> None:
        subprocess.run(
            ["psql", f"{self.base_url}/postgres", "-q", "-c", sql],
            check=True,
            capture_output=True,
        )

    @contextmanager
    def process(self, name: str, args: list[str], database: str, **env: str):
        log = open(self.work / f"{name}.log", "w")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env(database, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            with suppress(ProcessLookupError):  # already gone (killed by make chaos)
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            log.close()

    def gunicorn(self, database: str, port: int, **env: str):
        return self.process(
            "gunicorn",
            [
                sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py",
                "--bind", f"127.0.0.1:{port}", "--workers", "2", "config.wsgi",
            ],
            database,
            **env,
        )  # fmt: skip

    @staticmethod
    def workers_rss_kb(master: int) -> list[int]:
        """The resident memory of each of the gunicorn master's workers (kB)."""
        found = subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
        )
        sizes = []
        for pid in found.stdout.split():
            with suppress(OSError):
                lines = Path(f"/proc/{pid}/status").read_text().splitlines()
                sizes += [int(line.split()[1]) for line in lines if line.startswith("VmRSS:")]
        return sorted(sizes)

    def worker(self, database: str, *, pdf_nice: int | None = WORKER_NICE):
        """The Celery worker as docker-compose.yml runs it (niced below the web)."""
        args = [
            sys.executable, "-m", "celery", "--app=config", "worker", "--queues=pdf,celery",
            "--prefetch-multiplier=1", "--concurrency=2", "--loglevel=WARNING",
        ]  # fmt: skip
        if pdf_nice is not None:
            args = ["nice", "-n", str(pdf_nice), *args]
        return self.process("worker", args, database)

    def wait_http(self, port: int, cookie: str, timeout: float = 60) -> None:
        """Until the app answers a page (the workers have loaded Django)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/bench/bare/", headers={"Cookie": f"sessionid={cookie}"}
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"The app did not answer on port {port}.")

    def wrk(
        self, url: str, cookie: str, *, duration: int | None = None, htmx: bool = False
    ) -> dict[str, Any]:
        result = subprocess.run(
            [
                "wrk", "--threads", "1", "--connections", "4",
                "--duration", f"{duration or self.duration}s", "--timeout", "30s",
                "--script", str(LUA), "--header", f"Cookie: sessionid={cookie}",
                *(["--header", "HX-Request: true"] if htmx else []), url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )  # fmt: skip
        figures = parse_wrk(result.stdout)
        if figures["errors"] or not figures["requests"]:
            raise RuntimeError(f"wrk got errors or no answers from {url}:\n{result.stdout}")
        return figures

    # --- the steps ----------------------------------------------------------------------

    def prepare_demo(self) -> None:
        self.psql("DROP DATABASE IF EXISTS bench_demo")
        self.psql("CREATE DATABASE bench_demo")
        self.manage("bench_demo", "setup_demo")

    def prepare(self) -> dict[int, str]:
        self.say(
            "Preparing the databases: setup_demo, then generate_load_data at each scale and "
            "a portfolio."
        )
        for name in ("bench_s1", f"bench_s{self.scale}", self.portfolio_database):
            self.psql(f"DROP DATABASE IF EXISTS {name}")
        self.prepare_demo()
        databases = {}
        for scale in (1, self.scale):
            name = f"bench_s{scale}"
            # Into the demo partnership, whose pages the benchmarks measure (a throwaway
            # database: the real partnership is never loaded).
            self._generate(name, "--scale", str(scale), "--into-demo")
            self.say(f"  scale {scale}: done")
            databases[scale] = name
        # A ministry's portfolio: the demo partnership (whose pages are measured, with a
        # year's activity for each of its three years) among partnerships of three to five
        # years, the desk officer a member of every one.
        self._generate(self.portfolio_database, "--portfolio", str(self.portfolio), "--into-demo")
        self.say(f"  portfolio {self.portfolio}: done")
        return databases

    @property
    def portfolio_database(self) -> str:
        return f"bench_p{self.portfolio}"

    def _generate(self, name: str, *args: str) -> None:
        self.psql(f"CREATE DATABASE {name} TEMPLATE bench_demo")
        started = time.monotonic()
        self.manage(name, "generate_load_data", *args, "--seed", str(SEED))
        self.manage(name, "shell", "-c", "from django.db import connection; "
                    "connection.cursor().execute('VACUUM ANALYZE')")  # fmt: skip
        self.say(f"  generate_load_data {' '.join(args)}: {time.monotonic() - started:.0f} s")

    def queries(self, databases: dict[int, str]) -> list[dict]:
        self.say("Counting the queries and rows of every page and API list in each dataset.")
        return [
            chosen(self.measure(databases[1], "queries"), self.pages),
            chosen(self.measure(databases[self.scale], "queries"), self.pages),
            chosen(self.measure(self.portfolio_database, "queries"), self.pages),
        ]

    def sweep(self, database: str) -> dict[str, Any]:
        """Every page and API list under wrk (4 connections, ``sweep_duration`` s each),
        first with the pages' cache as production has it (cached: a repeated read), then
        with a cache that keeps nothing (uncached: every read a first read after a write);
        the bare view every ten pages, in the same server; the workers' memory after."""
        targets = chosen(self.measure(database, "every-url"), self.pages)
        cookie = self.measure(database, "session")
        found: dict[str, Any] = {"bare": {}, "pages": {}, "rss_kb": {}}
        for mode, env in (("cached", {}), ("uncached", {"BENCH_UNCACHED": "1"})):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            bare = found["bare"][mode] = []
            with self.gunicorn(database, port, **env) as server:
                self.wait_http(port, cookie)
                self.wrk(f"{base}/bench/bare/", cookie, duration=1)
                for index, (label, target) in enumerate(targets.items()):
                    if index % 10 == 0:
                        bare.append(
                            self.wrk(f"{base}/bench/bare/", cookie, duration=self.sweep_duration)
                        )
                    try:
                        figures = self.wrk(
                            f"{base}{target['url']}",
                            cookie,
                            duration=self.sweep_duration,
                            htmx=target["htmx"],
                        )
                    except RuntimeError as error:  # said in the table, and the run goes on
                        self.log.write(f"{error}\n")
                        figures = {"rps": 0.0, "p95_ms": 0.0, "failed": True}
                    found["pages"].setdefault(label, {})[mode] = figures
                    # wrk stops; the workers finish the requests in flight: the next run
                    # starts once they answer again.
                    self.wait_http(port, cookie, timeout=300)
                bare.append(self.wrk(f"{base}/bench/bare/", cookie, duration=self.sweep_duration))
                found["rss_kb"][mode] = self.workers_rss_kb(server.pid)
            self.say(f"  {mode}: {len(targets)} pages and lists")
        return found

    def report(self, databases: dict[int, str]) -> dict[int, dict]:
        self.say("The review report: the whole job against a bare WeasyPrint render.")
        found = {}
        for scale, database in databases.items():
            with self.worker(database):
                repeats = self.repeats if scale == 1 else 1  # minutes each at scale 100
                found[scale] = self.measure(database, "report", "--repeats", str(repeats))
            self.say(f"  scale {scale}: job {found[scale]['job_s']}, bare {found[scale]['bare_s']}")
        return found

    def imports(self, database: str) -> dict:
        rows = 20_000 if self.quick else 100_000
        self.say(f"Importing {rows:,} voluntary contributions against a bare bulk insert.")
        return self.measure(database, "import", "--rows", str(rows), "--repeats", "2")

    def under_load(self, database: str) -> dict:
        """Idle runs first, then the same number while two renders of the demo's review
        run (at scale 100 each takes minutes: longer than the runs)."""
        self.say("Dashboard p95 while two reports render, against idle.")
        urls = self.measure(database, "urls")
        cookie = self.measure(database, "session")
        port = free_port()
        url = f"http://127.0.0.1:{port}{urls['dashboard']}"
        with self.gunicorn(database, port), self.worker(database):
            self.wait_http(port, cookie)
            self.wrk(url, cookie, duration=2)
            idle = [self.wrk(url, cookie, duration=3)["p95_ms"] for _ in range(self.repeats)]
            started = time.monotonic()
            ids = self.measure(database, "enqueue", "--count", "2")
            loaded = [self.wrk(url, cookie, duration=3)["p95_ms"] for _ in range(self.repeats)]
            window = time.monotonic() - started
            self.measure(database, "wait", "--ids", *map(str, ids))
            render = time.monotonic() - started
        if render < window:
            self.say("  warning: the renders ended before the loaded runs did")
        return {"idle_ms": idle, "loaded_ms": loaded, "render_s": [render], "window_s": window}


def chaos_section(found: dict[str, Any]) -> str:
    """The outages of ``bench/chaos.py``, as measured."""
    redis, pg, worker = found["redis"], found["postgres"], found["worker"]
    files = redis["files"]
    rows = [
        [
            f"Redis stopped {redis['outage_s']:.0f} s while a report is asked for every "
            f"{chaos.ASK_EVERY_S} s",
            f"pages answered: {redis['pages_during']} during the outage ({redis['pages_before']}"
            f" before, {redis['pages_after']} after); p95 {redis['p95_ms_during']:.0f} ms "
            f"during, {redis['p95_ms_before']:.0f} ms before",
            f"{redis['asked']} asked ({redis['asked_during']} during the outage; answered "
            f"{', '.join(map(str, redis['ask_statuses']))}, {redis['answered_202']} with 202; "
            f"p95 {redis['ask_p95_ms_during']:.0f} ms during it), {redis['versions']} versions "
            f"made: {redis['done']} done, "
            f"{redis['failed']} failed, {redis['lost']} lost; {files['files named']} files for "
            f"{files['done']} done, {files['missing']} missing, {files['other files']} extra; "
            f"the last done {redis['all_done_after_redis_back_s']:.0f} s after Redis was back",
        ],
        [
            f"PostgreSQL restarted (pg_ctl restart -m fast, {pg['restart_s']:.1f} s)",
            f"pages answered: {pg['pages_during']} during the restart (errors "
            f"{', '.join(map(str, pg['errors_during'])) or 'none'}; 0 = no answer), "
            f"{pg['pages_after']} in the {chaos.PG_AFTER_S} s after it",
            f"first page {pg['first_answer_after_s']:.1f} s after it was back; "
            f"{pg['errors_after']} error(s) after it "
            f"({', '.join(map(str, pg['error_statuses_after'])) or 'none'}), the last "
            f"{pg['all_good_from_s']:.1f} s after; the app was not restarted",
        ],
        [
            "The worker killed (SIGKILL) mid-render, a new one started at once",
            f"the version {worker['status']} {worker['done_after_kill_s']:.0f} s after the "
            f"kill (attempts {worker['attempts']}, sends {worker['sends']})",
            f"{worker['files']['files named']} file, {worker['files']['missing']} missing, "
            f"{worker['files']['other files']} extra",
        ],
    ]
    return (
        "## Outages (`make chaos`: PostgreSQL, Redis, gunicorn, a Celery worker and beat real, "
        "production defaults)\n\n" + table(["outage", "the site", "the renders"], rows)
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    load = ", load average before the run {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}){memory}{load}; Python {platform.python_version()}"


# What follows this line in results.md is kept from run to run: the record of the fixes.
KEPT = "<!-- Kept by make bench: the record of the fixes, before and after. -->"


def write_results(path: Path, sections: list[str], header: str) -> None:
    """The run's header and sections, then the sections of the file that this run did not
    measure (``--only``, ``make chaos``) as they were, under the header of the run that
    measured them, then the record of the fixes."""
    kept = ""
    earlier: list[str] = []
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if KEPT in old:
            kept = "\n" + old[old.index(KEPT) :]
            old = old[: old.index(KEPT)]
        old_header, *old_sections = old.split("\n## ")
        measured = {section.split("\n", 1)[0] for section in sections}
        earlier = [
            "## " + part.strip()
            for part in old_sections
            if "## " + part.split("\n", 1)[0] not in measured
        ]
        if earlier:
            about = "\n".join(
                line for line in old_header.strip().splitlines() if not line.startswith("# ")
            ).strip()
            note = "_Kept from an earlier run, not measured by this one:_"
            earlier[0] = "\n\n".join([note, *([about] if about else []), earlier[0]])
    path.write_text("\n\n".join([header, *sections, *earlier]) + "\n" + kept, encoding="utf-8")


def run_header(run: Run, only: list[str]) -> str:
    if only == ["chaos"]:
        return (
            f"# Outages run (`make chaos`)\n\n- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
            f"- machine: {machine()}\n- data: the demo (`setup_demo`); PostgreSQL 15 and "
            "Redis on loopback\n- each figure is of one run"
        )
    return (
        f"# Benchmark run\n\n- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
        f"- machine: {machine()}\n- data: `generate_load_data --seed {SEED} --into-demo` "
        f"at scale 1 and {run.scale}, and `--portfolio {run.portfolio} --into-demo`, each after "
        "`setup_demo`; PostgreSQL 15 and Redis on loopback\n"
        f"- each figure is the median of {run.repeats} repeats (± half their spread)"
    )


def pages_pattern(text: str) -> str:
    """``--pages``: a regular expression, refused at once if it is not one."""
    try:
        re.compile(text)
    except re.error as error:
        raise argparse.ArgumentTypeError(f"not a regular expression: {error}") from error
    return text


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--quick", action="store_true", help="scale 10, fewer repeats")
    parser.add_argument(
        "--only",
        nargs="*",
        default=["queries", "throughput", "report", "import", "load", "chaos"],
    )
    parser.add_argument(
        "--pages",
        metavar="REGEX",
        type=pages_pattern,
        help="time and count only the pages and lists whose label matches (searched)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = arguments().parse_args(argv)
    # A stopped run still stops its gunicorn and worker (their own sessions: see process()).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if {"throughput", "load"} & set(args.only) and not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    run = Run(
        base_url=os.environ["BENCH_DATABASE"],
        redis_url=os.environ["REDIS_URL"],
        work=args.work,
        quick=args.quick,
        pages=args.pages,
    )
    # A run of some pages publishes its tables under titles of their own: the tables of
    # every page stay in results.md, as measured by the last full run.
    some = f" — pages matching `{args.pages}`" if args.pages else ""
    header = run_header(run, args.only)
    sections: list[str] = []
    try:
        if set(args.only) - {"chaos"}:
            databases = run.prepare()
            big = databases[run.scale]
        else:
            run.prepare_demo()
        if "queries" in args.only:
            counts = run.queries(databases)
            sections.append(
                f"## Queries and rows read per request (scale 1, scale {run.scale}, "
                f"portfolio {run.portfolio}){some}\n\n"
                "Each cell: queries / rows read. A page of one partnership reads the user's "
                "role in it alone; a page across partnerships reads a page of them (in the "
                f"portfolio the desk officer holds a role in {run.portfolio + 1}).\n\n"
                + table(["page or API list", "scale 1", f"scale {run.scale}",
                         f"portfolio {run.portfolio}", ""], query_rows(*counts))
            )  # fmt: skip
            print(sections[-1], flush=True)
        if "throughput" in args.only:
            for title, database in (
                (f"scale {run.scale}", big),
                (f"portfolio {run.portfolio}", run.portfolio_database),
            ):
                run.say(f"Every page and list at {title}: gunicorn, 2 workers; wrk, 4 connections.")
                sections.append(sweep_section(title + some, run.sweep(database)))
                print(sections[-1], flush=True)
        if "report" in args.only:
            found = run.report(databases)
            sections.append(
                "## Review report: the whole job against a bare WeasyPrint render\n\n"
                + table(
                    ["", "job (enqueue → worker → stored file)", "bare render", "ratio", "goal"],
                    [
                        ratio_row(f"scale {scale}", f["job_s"], f["bare_s"],
                                  GOALS["report job / bare render"])
                        for scale, f in found.items()
                    ],
                )
            )  # fmt: skip
            print(sections[-1], flush=True)
        if "import" in args.only:
            found = run.imports(databases[1])
            sections.append(
                f"## Import of {found['rows']:,} voluntary contributions\n\n"
                + table(
                    ["", "import (file → rows, with history)", "bare bulk insert", "ratio",
                     "goal"],
                    [ratio_row(f"{found['rows']:,} rows", found["import_s"], found["bare_s"],
                               GOALS["import / bare insert"])],
                )
            )  # fmt: skip
            print(sections[-1], flush=True)
        if "load" in args.only:
            found = run.under_load(big)
            ratio = median(found["loaded_ms"]) / median(found["idle_ms"])
            goal = GOALS["p95 under report load / idle"]
            sections.append(
                f"## Dashboard p95 while two reports render (scale {run.scale})\n\n"
                + table(
                    ["idle p95", "p95 during two renders", "ratio", "goal", "renders took"],
                    [[
                        f"{median(found['idle_ms']):.1f} ms (±{spread(found['idle_ms']) / 2:.0%})",
                        f"{median(found['loaded_ms']):.1f} ms "
                        f"(±{spread(found['loaded_ms']) / 2:.0%})",
                        f"{ratio:.2f}×",
                        f"≤ {goal}×: {'met' if ratio <= goal else 'NOT met'}",
                        f"{median(found['render_s']):.0f} s",
                    ]],
                )
            )  # fmt: skip
            print(sections[-1], flush=True)
        if "chaos" in args.only:
            run.psql("DROP DATABASE IF EXISTS bench_chaos")
            run.psql("CREATE DATABASE bench_chaos TEMPLATE bench_demo")
            sections.append(chaos_section(chaos.run_all(run, "bench_chaos")))
            print(sections[-1], flush=True)
    finally:
        write_results(args.out, sections, header)
        run.say(f"Written to {args.out}")
        run.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
