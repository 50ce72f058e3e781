"""system/packages.sh: the one list of the Debian packages each purpose needs, checked,
installed as root (apt-get update first, only when something is missing), and otherwise
refused with the command to run. apt-get and dpkg-query are stood in for by scripts on
PATH, so the missing path is tried without removing anything from the machine."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "system" / "packages.sh"
NOT_INSTALLED = "partnership-monitor-not-a-package"


def listed(*purposes: str) -> list[str]:
    return run("list", *purposes).stdout.split()


def run(*args: str, env: dict | None = None, as_root: bool | None = None):
    """The script as this user, or as root (a user namespace where this user is not
    root) or as nobody (with runuser where this user is root)."""
    command = ["bash", str(SCRIPT), *args]
    if as_root is True and os.geteuid() != 0:
        command = ["unshare", "--map-root-user", *command]
    if as_root is False and os.geteuid() == 0:
        command = ["runuser", "-u", "nobody", "--", *command]
    return subprocess.run(  # noqa: S603 - our own script
        command,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def machine():
    """A machine on which every package is installed but those given to ``missing``;
    apt-get only writes down how it was called."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        folder.chmod(0o755)  # the scripts run as nobody too
        yield _machine(folder)


def _machine(tmp_path: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt-get.log"
    missing_file = tmp_path / "missing"
    missing_file.write_text("")
    scripts = {
        "apt-get": f'#!/bin/sh\necho "$*" >> {log}\n',
        # As dpkg-query -W -f='${{Package}} ${{db:Status-Status}}\n' answers.
        "dpkg-query": (
            "#!/bin/sh\n"
            'shift 2\nfor p in "$@"; do\n'
            f'  grep -qx "$p" {missing_file} && echo "$p not-installed" || echo "$p installed"\n'
            "done\n"
        ),
    }
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)

    class Machine:
        env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}

        @staticmethod
        def missing(*packages: str) -> None:
            missing_file.write_text("".join(f"{p}\n" for p in packages))

        @staticmethod
        def apt_calls() -> list[str]:
            return log.read_text().splitlines() if log.exists() else []

    return Machine()


def test_each_purpose_has_its_packages_from_the_one_list():
    assert listed("demo") == [
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fonts-dejavu-core",
        "fonts-liberation2",
    ]
    assert listed("image") == listed("demo")
    assert listed("test") == [
        *listed("demo"),
        "gettext",
        "chromium",
        "redis-server",
        "postgresql-15",
    ]
    assert listed("bench") == [*listed("demo"), "redis-server", "postgresql-15", "wrk"]
    assert listed("demo", "test") == listed("test")  # each package once


def test_nothing_missing_installs_nothing(machine):
    result = run("install", "test", env=machine.env, as_root=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "System packages for test: all 9 installed.\n"
    assert machine.apt_calls() == []


def test_as_root_what_is_missing_is_installed_after_an_update(machine):
    machine.missing("chromium", "libharfbuzz-subset0")
    result = run("install", "test", env=machine.env, as_root=True)
    assert result.returncode == 0, result.stderr
    assert machine.apt_calls() == ["update -qq", "install --yes -qq libharfbuzz-subset0 chromium"]
    assert "installed libharfbuzz-subset0 chromium." in result.stdout


def test_the_image_installs_without_recommended_packages(machine):
    machine.missing("fonts-dejavu-core")
    result = run("install", "--no-install-recommends", "image", env=machine.env, as_root=True)
    assert result.returncode == 0, result.stderr
    assert machine.apt_calls() == [
        "update -qq",
        "install --yes -qq --no-install-recommends fonts-dejavu-core",
    ]


def test_another_user_is_told_the_exact_command_and_nothing_is_installed(machine):
    machine.missing("chromium", "redis-server")
    result = run("install", "test", env=machine.env, as_root=False)
    assert result.returncode == 1
    assert "System packages for test: missing chromium redis-server." in result.stderr
    command = re.search(r"'(apt-get .*)'$", result.stderr.strip()).group(1)
    assert command == "apt-get update && apt-get install --yes chromium redis-server"
    assert machine.apt_calls() == []


def test_check_mode_only_reports(machine):
    machine.missing("postgresql-15")
    result = run("check", "test", env=machine.env, as_root=True)
    assert result.returncode == 1
    assert result.stderr == "System packages for test: missing postgresql-15\n"
    assert machine.apt_calls() == []
    assert run("check", "demo", env=machine.env).returncode == 0


def test_the_real_dpkg_query_finds_a_package_that_is_not_installed(tmp_path):
    """The list pointed at a name no machine has, and one every Debian machine has."""
    packages = tmp_path / "packages.txt"
    packages.write_text(f"# a comment\ndpkg  demo  itself\n{NOT_INSTALLED}  demo  nothing\n")
    result = run("check", "demo", env={"SYSTEM_PACKAGES": str(packages)})
    assert result.returncode == 1
    assert result.stderr == f"System packages for demo: missing {NOT_INSTALLED}\n"


def test_an_unknown_purpose_or_mode_is_a_usage_error():
    assert run("check", "production").returncode == 2
    assert run("remove", "test").returncode == 2
    assert run("check").returncode == 2


def test_nothing_else_in_the_project_runs_apt_get():
    """The Makefile, CI, the benchmark and the Dockerfile install through the script."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    running_apt = [
        name
        for name in files
        if (ROOT / name).is_file()
        and not name.endswith((".md", ".py", ".txt", ".lock"))
        and "apt-get" in (ROOT / name).read_text(errors="replace")
    ]
    assert running_apt == ["system/packages.sh"]
    for name, purpose in [
        ("Makefile", "$(SYSTEM_PACKAGES) test"),
        ("Makefile", "$(SYSTEM_PACKAGES) demo"),
        (".ci/run", "bash system/packages.sh install test"),
        ("bench/run.sh", "bash system/packages.sh install bench"),
        ("Dockerfile", "packages.sh install --no-install-recommends image"),
    ]:
        assert purpose in (ROOT / name).read_text(), name


def test_the_readme_names_what_make_demo_and_make_test_install():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z0-9.+-]+)`", quick_start))
    assert set(listed("test")) <= named
    assert "system/packages.txt" in quick_start
