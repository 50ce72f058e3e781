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
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import chaos

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "report.lua"
WORKER_NICE = 10  # the report worker's niceness: docker-compose.yml's default
SEED = 2018
GOALS = {
    "dashboard": 0.25,
    "API": 0.20,
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


@dataclass
class Throughput:
    label: str
    runs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return median([r["rps"] for r in self.runs])

    @property
    def p95_ms(self) -> float:
        return median([r["p95_ms"] for r in self.runs])

    @property
    def rps_spread(self) -> float:
        return spread([r["rps"] for r in self.runs])


def throughput_rows(results: list[Throughput]) -> list[list[str]]:
    baseline = results[0]
    rows = []
    for result in results:
        ratio = result.rps / baseline.rps if baseline.rps else 0.0
        goal = ""
        if result is not baseline:
            wanted = GOALS["API"] if result.label.startswith("API") else GOALS["dashboard"]
            if result.label == "dashboard" or result.label.startswith("API"):
                goal = f"≥ {wanted:.0%}: {'met' if ratio >= wanted else 'NOT met'}"
        rows.append(
            [
                result.label,
                f"{result.rps:.0f}",
                f"{ratio:.0%}",
                f"{result.p95_ms:.1f}",
                f"{result.p95_ms / baseline.p95_ms:.1f}×" if baseline.p95_ms else "",
                f"±{result.rps_spread / 2:.0%}",
                goal,
            ]
        )
    return rows


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def query_rows(one: dict[str, int], hundred: dict[str, int]) -> list[list[str]]:
    return [
        [name, str(one[name]), str(hundred.get(name, "?")), "" if one[name] == hundred.get(name)
         else "grows"]
        for name in one
    ]  # fmt: skip


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

    def __init__(self, *, base_url: str, redis_url: str, work: Path, quick: bool):
        self.base_url = base_url.rstrip("/")
        self.redis_url = redis_url
        self.work = work
        self.quick = quick
        self.repeats = 2 if quick else 3
        self.duration = 3 if quick else 6
        self.scale = 10 if quick else 100
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

    def gunicorn(self, database: str, port: int):
        return self.process(
            "gunicorn",
            [
                sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py",
                "--bind", f"127.0.0.1:{port}", "--workers", "2", "config.wsgi",
            ],
            database,
        )  # fmt: skip

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

    def wrk(self, url: str, cookie: str, *, duration: int | None = None) -> dict[str, Any]:
        result = subprocess.run(
            [
                "wrk", "--threads", "1", "--connections", "4",
                "--duration", f"{duration or self.duration}s", "--timeout", "30s",
                "--script", str(LUA), "--header", f"Cookie: sessionid={cookie}", url,
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
        self.say("Preparing the databases: setup_demo, then generate_load_data at each scale.")
        for name in ("bench_s1", f"bench_s{self.scale}"):
            self.psql(f"DROP DATABASE IF EXISTS {name}")
        self.prepare_demo()
        databases = {}
        for scale in (1, self.scale):
            name = f"bench_s{scale}"
            self.psql(f"CREATE DATABASE {name} TEMPLATE bench_demo")
            started = time.monotonic()
            # Into the demo partnership, whose pages the benchmarks measure (a throwaway
            # database: the real partnership is never loaded).
            self.manage(
                name,
                "generate_load_data",
                "--scale",
                str(scale),
                "--seed",
                str(SEED),
                "--into-demo",
            )
            self.manage(name, "shell", "-c", "from django.db import connection; "
                        "connection.cursor().execute('VACUUM ANALYZE')")  # fmt: skip
            self.say(f"  scale {scale}: {time.monotonic() - started:.0f} s")
            databases[scale] = name
        return databases

    def queries(self, databases: dict[int, str]) -> tuple[dict, dict]:
        self.say("Counting the queries of every page and API list at both scales.")
        return (
            self.measure(databases[1], "queries"),
            self.measure(databases[self.scale], "queries"),
        )

    def throughput(self, database: str) -> list[Throughput]:
        self.say(f"Throughput at scale {self.scale}: gunicorn, 2 workers; wrk, 4 connections.")
        urls = self.measure(database, "urls")
        cookie = self.measure(database, "session")
        port = free_port()
        results = {label: Throughput(label) for label in urls}
        with self.gunicorn(database, port):
            self.wait_http(port, cookie)
            for url in urls.values():  # warm both workers up
                self.wrk(f"http://127.0.0.1:{port}{url}", cookie, duration=2)
            for round_ in range(self.repeats):
                # Round robin, so that a slow spell of the machine hits every figure.
                for label, url in urls.items():
                    results[label].runs.append(self.wrk(f"http://127.0.0.1:{port}{url}", cookie))
                self.say(f"  round {round_ + 1}/{self.repeats} done")
        return list(results.values())

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
        f"at scale 1 and {run.scale}, after `setup_demo`; PostgreSQL 15 and Redis on loopback\n"
        f"- each figure is the median of {run.repeats} repeats (± half their spread)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--quick", action="store_true", help="scale 10, fewer repeats")
    parser.add_argument(
        "--only",
        nargs="*",
        default=["queries", "throughput", "report", "import", "load", "chaos"],
    )
    args = parser.parse_args(argv)
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
    )
    header = run_header(run, args.only)
    sections: list[str] = []
    try:
        if set(args.only) - {"chaos"}:
            databases = run.prepare()
            big = databases[run.scale]
        else:
            run.prepare_demo()
        if "queries" in args.only:
            one, hundred = run.queries(databases)
            sections.append(
                f"## Queries per request (scale 1 and {run.scale})\n\n"
                + table(["page or API list", "scale 1", f"scale {run.scale}", ""],
                        query_rows(one, hundred))
            )  # fmt: skip
            print(sections[-1], flush=True)
        if "throughput" in args.only:
            results = run.throughput(big)
            sections.append(
                f"## Throughput at scale {run.scale}\n\n"
                + table(
                    ["", "requests/s", "of baseline", "p95 ms", "p95 / baseline", "noise",
                     "goal"],
                    throughput_rows(results),
                )
            )  # fmt: skip
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
