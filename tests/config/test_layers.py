"""The layering is a contract the suite checks (pyproject.toml, [tool.importlinter]), as
make lint does: the URLs and the API router on the apps, the apps on the core, the core on
no app, and no app reaching into another's views, forms, serializers or template tags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_import_contract_is_kept():
    result = subprocess.run(  # noqa: S603 - the project's own linter, fixed arguments
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " 0 broken." in result.stdout
