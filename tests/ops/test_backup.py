"""Backups: the README's pg_dump / pg_restore procedure, and the media files, restore a
populated database into a fresh one with every row and every stored file.

Runs on PostgreSQL (the server of DATABASE_URL; .ci/run starts one), in databases of
its own that it drops afterwards."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from dj_database_url import parse as parse_database_url

ROOT = Path(__file__).resolve().parents[2]
# The options the README's Backups section gives; test_the_readme_gives_these_commands
# keeps the two in step.
DUMP = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
RESTORE = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
MEDIA_BACKUP = ["tar", "--create", "--gzip"]
MEDIA_RESTORE = ["tar", "--extract", "--gzip"]


def postgres_server() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL of a PostgreSQL server (.ci/run gives one)")
    return parse_database_url(url)


def client_binary(name: str, server_version: int) -> str:
    """The client of the server's major version (Debian keeps each under its own bin)."""
    versioned = Path(f"/usr/lib/postgresql/{server_version // 10000}/bin/{name}")
    if versioned.exists():
        return str(versioned)
    found = shutil.which(name)
    assert found, f"{name} is not installed"
    return found


def url_of(server: dict, database: str) -> str:
    user = server["USER"] or "postgres"
    password = f":{server['PASSWORD']}" if server["PASSWORD"] else ""
    port = server["PORT"] or 5432
    return f"postgresql://{user}{password}@{server['HOST'] or 'localhost'}:{port}/{database}"


@pytest.fixture
def databases():
    """(source URL, target URL, server version): two new, empty databases."""
    server = postgres_server()
    admin = psycopg2.connect(url_of(server, "postgres"))
    admin.autocommit = True
    suffix = uuid.uuid4().hex[:12]
    names = [f"backup_source_{suffix}", f"backup_target_{suffix}"]
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_of(server, names[0]), url_of(server, names[1]), admin.server_version
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def manage(database_url: str, media: Path, var: Path, code: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        VAR_DIR=str(var),
        DEBUG="false",
        SECRET_KEY="a-backup-test-key-" + "x" * 40,
        DEMO_PASSWORD="a-backup-test-password",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    assert result.returncode == 0, (command[0], result.stderr[-3000:])


def table_rows(url: str) -> dict[str, list[str]]:
    """Every row of every table, as PostgreSQL's text form of the row, sorted."""
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = sorted(name for (name,) in cursor.fetchall())
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" AS t')  # noqa: S608 - names from the catalogue
            rows[table] = sorted(row for (row,) in cursor.fetchall())
        return rows


def sequences(url: str) -> dict[str, int | None]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        )
        return dict(cursor.fetchall())


def file_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.services
def test_a_dump_restored_into_a_fresh_database_has_every_row_and_every_file(databases, tmp_path):
    source, target, version = databases
    media, restored_media, var = tmp_path / "media", tmp_path / "restored-media", tmp_path / "var"
    restored_media.mkdir()

    # A populated system: the demo, plus an uploaded document and a goal update citing it.
    manage(
        source,
        media,
        var,
        "from django.core.management import call_command; call_command('setup_demo', verbosity=0)",
    )
    manage(source, media, var, "from tests.ops import backup_data; backup_data.populate()")

    # Back up: the database with pg_dump, the media files with tar.
    dump, archive = tmp_path / "db.dump", tmp_path / "media.tar.gz"
    run([client_binary("pg_dump", version), *DUMP[1:], f"--file={dump}", f"--dbname={source}"])
    run([*MEDIA_BACKUP, f"--file={archive}", f"--directory={media}", "."])

    # Restore into the fresh database and an empty media directory.
    run([client_binary("pg_restore", version), *RESTORE[1:], f"--dbname={target}", str(dump)])
    run([*MEDIA_RESTORE, f"--file={archive}", f"--directory={restored_media}"])

    # Every row of every table, and the sequences that number the next ones.
    before, after = table_rows(source), table_rows(target)
    assert set(after) == set(before)
    for table, rows in before.items():
        assert after[table] == rows, table
    assert sequences(target) == sequences(source)
    # What was backed up is the populated system, not an empty one.
    # The three demo users and the demo administrator.
    assert len(before["auth_user"]) == 4
    assert len(before["partnership_overallgoal"]) == 9
    assert len(before["partnership_goalupdate"]) >= 1
    assert len(before["partnership_goalupdate_evidence"]) >= 1
    assert len(before["partnership_historicaldocument"]) >= 1
    assert any("Seven member states" in row for row in before["partnership_goalupdate"])

    # Every file the restored database refers to is there, byte for byte.
    assert file_hashes(restored_media) == file_hashes(media)
    referenced = json.loads(
        manage(
            target,
            restored_media,
            var,
            "from django.core.management import call_command; "
            "call_command('migrate', check=True, verbosity=0); "  # nothing left to apply
            "from tests.ops import backup_data; backup_data.stored_files()",
        )
        .strip()
        .splitlines()[-1]
    )
    stored = [name for names in referenced.values() for name in names]
    assert referenced["partnership.Document.file"], "the uploaded document is among them"
    source_hashes = file_hashes(media)
    for name in stored:
        path = restored_media / name
        assert path.is_file(), name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == source_hashes[name]


def test_the_readme_gives_these_commands():
    readme = (ROOT / "README.md").read_text()
    for command in (DUMP, RESTORE, MEDIA_BACKUP, MEDIA_RESTORE):
        assert " ".join(command) in readme, command
