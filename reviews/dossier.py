"""The auditor's dossier: one ZIP holding the issued report, a CSV and an XLSX of every
table the report summarises, the change history and the download log of the period, and a
``manifest.json`` naming each file with its SHA-256 and size and the application's version.

``build`` assembles it from what ``selectors.dossier_contents`` read; the job that stores
it is ``services.dossier_build``. Every table goes through ``core.exports``, whose writers
neutralise cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import hashlib
import io
import json
import tomllib
import zipfile
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from core import exports
from core import history
from core.exports import Table

from .models import Dossier

MANIFEST_SCHEMA = "partnership-monitor/dossier-manifest/1"
MANIFEST_NAME = "manifest.json"
# A fixed time for every entry of the ZIP: its bytes then depend on the files alone.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def app_version() -> str:
    """The application's version, as ``pyproject.toml`` states it."""
    try:
        data = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return "unknown"
    return str(data.get("project", {}).get("version", "unknown"))


@dataclass(frozen=True)
class ReportFile:
    """A rendered report the dossier holds: its file and what it is."""

    name: str
    content: bytes
    version: int
    status: str  # "issued" or "draft"
    review: str


@dataclass
class Contents:
    """What a dossier holds, read by ``selectors.dossier_contents``."""

    dossier: Dossier
    period_start: date | None
    period_end: date
    reports: list[ReportFile]
    report_versions: list[dict[str, Any]]
    tables: list[Table]
    changes: list[history.HistoryEntry]
    downloads: Table


@dataclass(frozen=True)
class BuiltDossier:
    content: bytes
    sha256: str
    manifest: dict[str, Any]


def _entry(archive: zipfile.ZipFile, name: str, content: bytes) -> dict[str, Any]:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, content)
    return {"path": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def build(contents: Contents, *, built_at: datetime | None = None) -> BuiltDossier:
    """The ZIP's bytes, its SHA-256 and the manifest it holds."""
    dossier = contents.dossier
    built_at = built_at or timezone.now()
    files: list[dict[str, Any]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for report in contents.reports:
            entry = _entry(archive, f"report/{report.name}", report.content)
            entry.update(kind="report", version=report.version, status=report.status)
            files.append(entry)
        for table in contents.tables:
            for suffix, write in (("csv", exports.to_csv), ("xlsx", exports.to_xlsx)):
                entry = _entry(archive, f"tables/{table.name}.{suffix}", write(table))
                files.append({**entry, "kind": "table", "table": table.name})
        changes = Table(
            "change-history", history.EXPORT_HEADERS, history.export_rows(contents.changes)
        )
        files.append(
            {**_entry(archive, "change-history.csv", exports.to_csv(changes)), "kind": "history"}
        )
        files.append(
            {
                **_entry(archive, "download-log.csv", exports.to_csv(contents.downloads)),
                "kind": "downloads",
            }
        )
        manifest = {
            "schema": MANIFEST_SCHEMA,
            "app_version": dossier.app_version or app_version(),
            "built_at": _iso(built_at),
            "dossier": {
                "id": dossier.pk,
                "partnership": dossier.partnership.slug,
                "review": dossier.review_id,
                "year": dossier.year,
                "subject": dossier.subject,
                "period": {
                    "start": _iso(contents.period_start),
                    "end": _iso(contents.period_end),
                },
                "requested_by": dossier.requested_by.username,
                "requested_at": _iso(dossier.requested_at),
                "language": dossier.language,
            },
            "report_versions": contents.report_versions,
            "change_count": len(contents.changes),
            "files": files,
        }
        raw = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        info = zipfile.ZipInfo(MANIFEST_NAME, date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, raw)
    content = buffer.getvalue()
    return BuiltDossier(
        content=content, sha256=hashlib.sha256(content).hexdigest(), manifest=manifest
    )


def verify(content: bytes) -> list[str]:
    """What in a dossier's ZIP disagrees with its manifest (nothing, for an intact one):
    files missing, added, or whose SHA-256 or size differ."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        manifest = json.loads(archive.read(MANIFEST_NAME))
        listed = {entry["path"]: entry for entry in manifest["files"]}
        present = set(archive.namelist()) - {MANIFEST_NAME}
        problems += [f"{name}: in the ZIP, not in the manifest" for name in present - set(listed)]
        for name, entry in listed.items():
            if name not in present:
                problems.append(f"{name}: in the manifest, not in the ZIP")
                continue
            data = archive.read(name)
            if hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
                problems.append(f"{name}: differs from the manifest")
    return problems
