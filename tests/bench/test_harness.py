"""The pieces of make bench that can be checked quickly; the run itself is too slow for
make test."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import NoReverseMatch
from django.urls import URLPattern
from django.urls import URLResolver
from django.urls import get_resolver
from django.urls import reverse

from bench import harness
from bench import pages
from bench.views import bare

WRK_OUTPUT = """Running 6s test @ http://127.0.0.1:8106/bench/bare/
  1 threads and 4 connections
  1500 requests in 6.00s, 1.2MB read
Requests/sec:    250.00
{"requests": 1500, "duration_us": 6000000, "p50_us": 12000, "p95_us": 31500, "p99_us": 40000, "socket_errors": 0, "status_errors": 2}
"""  # noqa: E501


def test_wrk_figures_are_read_from_the_scripts_json_line():
    figures = harness.parse_wrk(WRK_OUTPUT)
    assert figures["rps"] == 250
    assert figures["p95_ms"] == 31.5
    assert figures["errors"] == 2  # a non-2xx answer counts: the run is refused


def test_wrk_output_without_the_script_is_refused():
    with pytest.raises(ValueError, match=r"report\.lua"):
        harness.parse_wrk("Requests/sec: 250.00\n")


def test_median_and_spread_of_repeats():
    assert harness.median([3.0, 1.0, 2.0]) == 2.0
    assert harness.spread([90.0, 100.0, 110.0]) == pytest.approx(0.2)


def _run(rps, p95):
    return {"rps": rps, "p95_ms": p95}


SWEEP = {
    "bare": {
        "cached": [_run(400, 10), _run(380, 11), _run(420, 9)],
        "uncached": [_run(400, 10)],
    },
    "pages": {
        "page fast": {"cached": _run(200, 20), "uncached": _run(80, 40)},
        "page slow": {"cached": _run(100, 30), "uncached": _run(40, 60)},
    },
    "rss_kb": {"cached": [102400, 112640], "uncached": [104448, 120832]},
}


def test_each_page_is_a_share_of_the_bare_view_cached_and_uncached_with_its_goals():
    rows = harness.share_rows(SWEEP)
    assert rows[0] == ["page fast", "50%", "20%", "20.0 (2.0×)", "40.0 (4.0×)", "met"]
    # 25 % cached (under 40 %), 10 % uncached (under 15 %), p95 6× the bare view's.
    assert rows[1][1:3] == ["25%", "10%"]
    assert rows[1][-1] == "NOT met: cached, uncached, p95"


def test_a_sweep_is_published_with_the_bare_view_and_the_workers_memory():
    section = harness.sweep_section("portfolio 50", SWEEP)
    assert section.startswith("## Every page and API list, cached and uncached (portfolio 50)")
    assert "cached 400 requests/s, p95 10.0 ms (±5% over 3 runs)" in section
    assert "met by 1 of 2" in section
    assert "cached: 100 MiB, 110 MiB; uncached: 102 MiB, 118 MiB" in section


def test_query_counts_and_rows_that_grow_past_the_first_dataset_are_marked():
    """The user's roles are a row per partnership they hold one in: not the page's rows."""
    rows = harness.query_rows(
        {"page a": [5, 10, 1], "page b": [7, 10, 1], "page c": [4, 4, 1]},
        {"page a": [5, 19, 10], "page b": [9, 19, 10], "page c": [4, 40, 10]},
        {"page a": [5, 10, 1], "page b": [7, 10, 1], "page c": [4, 4, 1]},
    )
    assert rows == [
        ["page a", "5 / 10", "5 / 19", "5 / 10", ""],
        ["page b", "7 / 10", "9 / 19", "7 / 10", "queries grow"],
        ["page c", "4 / 4", "4 / 40", "4 / 4", "rows grow"],
    ]


def test_a_run_keeps_the_record_of_fixes_in_results_md(tmp_path):
    path = tmp_path / "results.md"
    path.write_text(f"# Old run\n\nold figures\n\n{harness.KEPT}\n\n## Fix 1\n\nbefore/after\n")
    harness.write_results(path, ["## Throughput\n\nnew figures"], "# Benchmark run")
    text = path.read_text()
    assert "old figures" not in text
    assert text.startswith("# Benchmark run\n\n## Throughput\n\nnew figures\n")
    assert text.endswith(f"{harness.KEPT}\n\n## Fix 1\n\nbefore/after\n")


def test_a_run_of_some_steps_keeps_the_sections_it_did_not_measure(tmp_path):
    """make chaos alone replaces its own section and leaves the benchmark's as they were."""
    path = tmp_path / "results.md"
    path.write_text(
        "# Old run\n\n- date: 2026-11-01\n\n## Throughput\n\nold throughput\n\n"
        f"## Outages (make chaos)\n\nold outages\n\n{harness.KEPT}\n\n## Fix 1\n"
    )
    harness.write_results(path, ["## Outages (make chaos)\n\nnew outages"], "# Chaos run")
    text = path.read_text()
    assert text.startswith("# Chaos run\n\n## Outages (make chaos)\n\nnew outages\n\n")
    assert "old outages" not in text
    assert (
        "_Kept from an earlier run, not measured by this one:_\n\n- date: 2026-11-01\n\n"
        "## Throughput\n\nold throughput\n\n"
    ) in text
    assert text.endswith(f"{harness.KEPT}\n\n## Fix 1\n")


CHAOS = {
    "redis": {
        "outage_s": 60.2, "pages_before": "100% of 40", "pages_during": "100% of 230",
        "pages_after": "100% of 120", "p95_ms_before": 80.0, "p95_ms_during": 95.0,
        "asked": 10, "asked_during": 6, "ask_statuses": [202], "answered_202": 10,
        "ask_p95_ms_during": 1200.0, "versions": 10, "done": 10, "failed": 0, "lost": 0,
        "all_done_after_redis_back_s": 75.0,
        "files": {"done": 10, "files named": 10, "missing": 0, "other files": 0},
    },
    "postgres": {
        "restart_s": 1.4, "pages_before": "100% of 50", "pages_during": "0% of 3",
        "errors_during": [500], "pages_after": "100% of 200", "errors_after": 0,
        "error_statuses_after": [], "first_answer_after_s": 0.1, "all_good_from_s": 0.0,
    },
    "worker": {
        "status_when_killed": "rendering", "done_after_kill_s": 400.0, "status": "done",
        "attempts": 2, "sends": 2,
        "files": {"done": 1, "files named": 1, "missing": 0, "other files": 0},
    },
}  # fmt: skip


def test_the_outages_are_published_as_measured():
    section = harness.chaos_section(CHAOS)
    assert section.startswith("## Outages (`make chaos`")
    assert "Redis stopped 60 s while a report is asked for every 10 s" in section
    assert "10 versions made: 10 done, 0 failed, 0 lost" in section
    assert "the last done 75 s after Redis was back" in section
    assert "PostgreSQL restarted (pg_ctl restart -m fast, 1.4 s)" in section
    assert "the version done 400 s after the kill (attempts 2, sends 2)" in section


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    found = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.add(f"{namespace}{pattern.name}")
    return found


def test_every_page_of_the_application_is_counted_or_said_not_to_be_a_page():
    api = _names(get_resolver("config.api_urls"))
    names = {n for n in _names(get_resolver("bench.urls")) - api if not n.startswith("admin:")}
    assert names - set(pages.PAGES) - pages.NOT_PAGES == set()
    assert set(pages.PAGES) - names == set()
    # The API's lists are read from its router: a new one is counted as it comes.
    assert {f"{basename}-list" for basename in pages.api_lists()} <= api


def test_the_bare_view_exists_only_in_benchmark_runs(settings, desk):
    with pytest.raises(NoReverseMatch):
        reverse("bench-bare")
    settings.ROOT_URLCONF = "bench.urls"
    client = Client()
    client.force_login(desk)
    response = client.get(reverse("bench-bare"))
    assert (response.status_code, response.content) == (200, b"ok")
    assert bare.__module__ == "bench.views"


def test_the_benchmark_app_is_installed_in_the_benchmark_settings_only(settings):
    from django.core.management import get_commands

    from bench import settings as bench_settings

    assert "bench" not in settings.INSTALLED_APPS
    assert "generate_load_data" not in get_commands()
    assert [*settings.INSTALLED_APPS, "bench"] == bench_settings.INSTALLED_APPS


def test_the_bare_render_is_given_the_html_the_render_task_lays_out(iom):
    """The report ratio compares the job with WeasyPrint alone on the same HTML."""
    from django.utils.html import escape

    from bench import measure
    from reviews import seed as review_seed

    review = review_seed.load_demo(iom)
    html = measure._report_html(review.pk)
    assert "<html" in html
    assert review.title in html
    assert 'src="data:image/svg+xml' in html  # the charts, embedded as the task embeds them
    assert all(escape(goal.text[:40]) in html for goal in iom.goals.all())


def test_the_load_generators_session_is_signed_in_as_production_signs_in(settings, desk, iom):
    """With the second factor production asks of desk officers, the benchmark's session
    reaches the pages (not the sign-in's second step)."""
    from bench import measure

    settings.MFA_REQUIRED = True
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = measure.session_cookie(username="desk")
    assert client.get(f"/p/{iom.slug}/").status_code == 200
    assert client.get("/api/v1/partnerships/").status_code == 200


def test_the_uncached_runs_keep_nothing_in_the_pages_cache(monkeypatch):
    """BENCH_UNCACHED=1 (make bench's uncached server): every read builds its answer."""
    import importlib

    import bench.settings

    monkeypatch.setenv("BENCH_UNCACHED", "1")
    uncached = importlib.reload(bench.settings).CACHES
    monkeypatch.delenv("BENCH_UNCACHED")
    cached = importlib.reload(bench.settings).CACHES
    assert uncached["default"]["BACKEND"] == "django.core.cache.backends.dummy.DummyCache"
    assert cached["default"]["BACKEND"] != uncached["default"]["BACKEND"]
    assert uncached["throttle"] == cached["throttle"]


def test_a_page_that_failed_under_load_is_said_so_and_the_others_are_kept():
    failed = {
        **SWEEP,
        "pages": {
            **SWEEP["pages"],
            "page broken": {"cached": {"rps": 0.0, "p95_ms": 0.0, "failed": True},
                            "uncached": _run(80, 40)},
        },
    }  # fmt: skip
    rows = harness.share_rows(failed)
    assert rows[0][-1] == "met"
    assert rows[2][0] == "page broken"
    assert rows[2][-1].startswith("NOT met: errors or no answer")


def _fake_run(tmp_path, monkeypatch, pages):
    """A run whose manage.py, gunicorn and wrk are stand-ins: what it asks for is recorded."""
    run = harness.Run(
        base_url="postgres://x", redis_url="redis://x", work=tmp_path, quick=True, pages=pages
    )
    targets = {
        "partnership:goal-list": {"url": "/p/iom/goals/", "htmx": False},
        "partnership:risk-edit": {"url": "/p/iom/risks/1/edit/", "htmx": False},
        "funding:overview": {"url": "/p/iom/funding/", "htmx": False},
        "api:goal-list": {"url": "/api/v1/goals/", "htmx": False},
    }
    counts = {label: [5, 10, 1] for label in targets}
    answers = {"every-url": targets, "session": "cookie", "queries": counts}
    monkeypatch.setattr(run, "measure", lambda database, what, *args: answers[what])
    asked: list[str] = []

    def wrk(url, cookie, *, duration, htmx=False):
        asked.append(url.split("/", 3)[3])
        return {"rps": 100.0, "p95_ms": 10.0}

    @contextmanager
    def gunicorn(database, port, **env):
        yield SimpleNamespace(pid=0)

    monkeypatch.setattr(run, "wrk", wrk)
    monkeypatch.setattr(run, "gunicorn", gunicorn)
    monkeypatch.setattr(run, "wait_http", lambda *args, **kwargs: None)
    monkeypatch.setattr(run, "workers_rss_kb", lambda pid: [])
    return run, asked


def test_pages_limits_the_sweep_and_the_queries_to_the_labels_it_matches(tmp_path, monkeypatch):
    run, asked = _fake_run(tmp_path, monkeypatch, "^partnership:(goal|risk)")
    try:
        counts = run.queries({1: "s1", 10: "s10"})
        found = run.sweep("s10")
    finally:
        run.close()
    matched = ["partnership:goal-list", "partnership:risk-edit"]
    assert [list(c) for c in counts] == [matched, matched, matched]
    assert list(found["pages"]) == matched
    # Each matching page in both modes, and the bare view around them; nothing else.
    assert {url for url in asked if url != "bench/bare/"} == {"p/iom/goals/", "p/iom/risks/1/edit/"}
    assert asked.count("p/iom/goals/") == 2


def test_without_pages_every_page_and_list_is_swept(tmp_path, monkeypatch):
    run, _ = _fake_run(tmp_path, monkeypatch, None)
    try:
        found = run.sweep("s10")
    finally:
        run.close()
    assert len(found["pages"]) == 4


def test_pages_that_is_not_a_regular_expression_is_refused_before_the_run(capsys):
    with pytest.raises(SystemExit):
        harness.main(["--work", "/nonexistent", "--pages", "goal(", "--only", "queries"])
    assert "not a regular expression" in capsys.readouterr().err
