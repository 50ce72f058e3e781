"""The deployment files, checked as far as can be done without a container engine: the
compose file through the real compose binary (offline), the Dockerfile by reading it."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import compose
import pytest

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = Path(compose.__file__).with_name("docker-compose")
APP_SERVICES = {"web", "worker", "beat", "migrate"}


def run_compose(*args: str, env_file: Path = ROOT / ".env.example") -> subprocess.CompletedProcess:
    # A clean environment: only the env file fills in the compose file.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}  # noqa: S108
    return subprocess.run(  # noqa: S603 - the compose binary with fixed arguments
        [str(COMPOSE), "--project-directory", str(ROOT), "--env-file", str(env_file), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def config() -> dict:
    result = run_compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_compose_file_is_valid_with_the_example_env_file():
    result = run_compose("config", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "required", ["SECRET_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"]
)
def test_compose_refuses_to_start_without_a_required_setting(tmp_path, required):
    lines = (ROOT / ".env.example").read_text().splitlines()
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(line for line in lines if not line.startswith(f"{required}=")))
    result = run_compose("config", "--quiet", env_file=env_file)
    assert result.returncode != 0
    assert f"required variable {required} is missing a value" in result.stderr


def test_the_services_and_their_restart_policies(config):
    services = config["services"]
    assert set(services) == {"web", "worker", "beat", "migrate", "postgres", "redis"}
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert services[name]["restart"] == "unless-stopped", name
    assert services["migrate"]["restart"] == "no"  # a one-off before the others start


def test_every_long_running_service_has_a_health_check(config):
    for name in ("web", "worker", "beat", "postgres", "redis"):
        check = config["services"][name]["healthcheck"]
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
        assert check["interval"], name
        assert check["timeout"], name
        assert check["retries"] >= 3, name
    assert config["services"]["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "ops.probe"]
    assert "pg_isready" in " ".join(config["services"]["postgres"]["healthcheck"]["test"])
    assert config["services"]["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "inspect ping" in " ".join(config["services"]["worker"]["healthcheck"]["test"])


def test_the_app_services_wait_for_healthy_services_and_the_migrations(config):
    for name in ("web", "worker", "beat"):
        depends = config["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert config["services"]["migrate"]["command"] == [
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]


def test_web_runs_gunicorn_and_is_published_on_loopback_only(config):
    web = config["services"]["web"]
    assert web["command"][0] == "gunicorn"
    assert "config.wsgi" in web["command"]
    (port,) = web["ports"]
    assert port["host_ip"] == "127.0.0.1"
    assert port["target"] == 8000


def test_the_worker_consumes_the_pdf_and_default_queues_one_task_at_a_time(config):
    command = config["services"]["worker"]["command"]
    assert command[:3] == ["nice", "-n", "10"]  # below the web's CPU priority
    assert command[3:6] == ["celery", "--app=config", "worker"]
    assert "--queues=pdf,celery" in command
    assert "--prefetch-multiplier=1" in command
    assert celery_app.conf.task_default_queue == "celery"
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_review_tasks_are_routed_to_the_pdf_queue():
    router = celery_app.amqp.router
    assert router.route({}, "reviews.tasks.review_report_render")["queue"].name == "pdf"
    assert router.route({}, "partnership.tasks.anything")["queue"].name == "celery"


def test_beat_runs_once_with_its_schedule_in_a_writable_place(config):
    command = config["services"]["beat"]["command"]
    assert command[:3] == ["celery", "--app=config", "beat"]
    assert "--schedule=/app/var/celerybeat-schedule" in command


def test_postgres_and_media_live_in_named_volumes_and_redis_keeps_an_append_only_file(config):
    volumes = {
        (name, mount["source"], mount["target"])
        for name, service in config["services"].items()
        for mount in service.get("volumes", [])
        if mount["type"] == "volume"
    }
    assert ("postgres", "postgres-data", "/var/lib/postgresql/data") in volumes
    assert ("redis", "redis-data", "/data") in volumes
    assert ("web", "media", "/app/media") in volumes
    assert ("worker", "media", "/app/media") in volumes  # it stores the rendered reports
    assert set(config["volumes"]) == {"postgres-data", "redis-data", "media"}
    redis = config["services"]["redis"]["command"]
    assert redis[redis.index("--appendonly") + 1] == "yes"
    assert config["services"]["postgres"]["image"].startswith("postgres:15")


def test_the_app_gets_production_settings_and_no_secret_is_written_in_the_compose_file(config):
    for name in APP_SERVICES:
        environment = config["services"][name]["environment"]
        assert environment["DEBUG"] == "false"
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DATABASE_URL"].startswith("postgres://monitor:")
        assert environment["DATABASE_URL"].endswith("@postgres:5432/monitor")
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${SECRET_KEY:?" in text
    assert "${POSTGRES_PASSWORD:?" in text


def test_the_example_env_file_holds_placeholders_only():
    values = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert values["SECRET_KEY"].startswith("replace-with-")
    assert values["POSTGRES_PASSWORD"].startswith("replace-with-")
    assert ".env" in (ROOT / ".gitignore").read_text().split()


# --- Dockerfile -------------------------------------------------------------------------


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions, (KEYWORD, arguments), grouped by stage."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[tuple[str, str]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, " ".join(arguments.split())))
    return stages


def test_the_dockerfile_is_multi_stage_and_installs_from_the_lock_without_dev_tools():
    stages = dockerfile_stages()
    assert len(stages) >= 2
    runs = [arguments for stage in stages for keyword, arguments in stage if keyword == "RUN"]
    assert any("uv sync --frozen --no-dev" in run for run in runs)
    copies = [arguments for keyword, arguments in stages[0] if keyword == "COPY"]
    assert "pyproject.toml uv.lock ./" in copies
    # The final stage takes the environment from the build stage, not the build tools.
    final = stages[-1]
    assert ("COPY", "--from=build /opt/venv /opt/venv") in final
    assert not any(
        "uv" in shlex.split(arguments)[:3] for keyword, arguments in final if keyword == "RUN"
    )


def test_the_final_stage_runs_as_a_non_root_user_with_a_health_check():
    final = dockerfile_stages()[-1]
    keywords = [keyword for keyword, _ in final]
    users = [arguments for keyword, arguments in final if keyword == "USER"]
    assert users, "the final stage must switch to a user"
    assert users[-1] not in {"root", "0", "0:0"}
    # Nothing after USER runs as root again, and the server starts after it.
    assert keywords.index("USER") < keywords.index("CMD")
    assert "useradd --system --uid 10001" in " ".join(a for k, a in final if k == "RUN")
    (healthcheck,) = [arguments for keyword, arguments in final if keyword == "HEALTHCHECK"]
    assert 'CMD ["python", "-m", "ops.probe"]' in healthcheck
    (command,) = [arguments for keyword, arguments in final if keyword == "CMD"]
    assert json.loads(command) == ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]


def test_the_image_installs_weasyprints_libraries_from_the_one_list_and_checks_them():
    final = dockerfile_stages()[-1]
    runs = " ".join(arguments for keyword, arguments in final if keyword == "RUN")
    assert ("COPY", "system/packages.sh system/packages.txt /tmp/system/") in final
    assert "bash /tmp/system/packages.sh install --no-install-recommends image" in runs
    # The image's list holds what the reports need, HarfBuzz-Subset with it.
    image = subprocess.run(
        ["bash", "system/packages.sh", "list", "image"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in image
    assert "fonts-dejavu-core" in image
    assert "chromium" not in image
    # Django's checks (the reports' libraries among them) run before the static files.
    assert runs.index("manage.py check --fail-level ERROR") < runs.index(
        "manage.py collectstatic --noinput"
    )
    environment = " ".join(arguments for keyword, arguments in final if keyword == "ENV")
    assert "STATIC_ROOT=/app/staticfiles" in environment
    environment = " ".join(arguments for keyword, arguments in final if keyword == "ENV")
    assert "STATIC_ROOT=/app/staticfiles" in environment


def test_the_build_context_leaves_out_secrets_and_local_state():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", ".git", ".venv", "var", "tests"):
        assert entry in ignored
