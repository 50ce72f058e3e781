"""The Danish catalogue is complete and in step with the interface (`make messages`):

- every message has its Danish translation, none fuzzy;
- gathering the strings again (makemessages, as `make messages` runs it) adds no new or
  fuzzy entry and drops none: nothing marked in the code is left untranslated;
- compilemessages succeeds, and the committed .mo (what a machine without gettext serves)
  holds exactly the .po's translations.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale/da/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")
# The same options as the Makefile's `messages` target.
IGNORED = ("tests", "var", "static", "bench/out", ".venv")


def _messages(catalogue: polib._BaseFile) -> dict[tuple[str | None, str], object]:
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
        for entry in catalogue
        if entry.msgid and not entry.obsolete
    }


def test_every_message_has_its_danish_translation():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} without Danish: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"
    assert len(catalogue) > 1000  # the whole interface, not a sample


def test_the_committed_mo_is_the_po_compiled():
    compiled = _messages(polib.mofile(str(MO)))
    compiled.pop((None, ""), None)
    assert compiled == _messages(polib.pofile(str(PO)))


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(  # noqa: S603 - the project's own manage.py, fixed arguments
        [sys.executable, "manage.py", *command],
        cwd=cwd,
        env={**os.environ, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.skipif(not shutil.which("msgmerge"), reason="gettext is not installed")
def test_gathering_the_strings_again_finds_nothing_new(tmp_path):
    # A copy of the sources, so the worktree's catalogue is never written by the test.
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "var", "tests", "test-artifacts", "__pycache__", "*.pyc", "out"
        ),
    )
    ignored = [f"--ignore={path}" for path in IGNORED]
    _run(["makemessages", "--locale=da", "--no-location", "--no-obsolete", *ignored], copy)
    gathered = polib.pofile(str(copy / PO.relative_to(ROOT)))
    committed = polib.pofile(str(PO))
    new = _messages(gathered).keys() - _messages(committed).keys()
    gone = _messages(committed).keys() - _messages(gathered).keys()
    assert not new, f"marked but not in the catalogue (run make messages): {sorted(new)[:20]}"
    assert not gone, f"in the catalogue but no longer marked: {sorted(gone)[:20]}"
    assert not gathered.fuzzy_entries()
    assert _messages(gathered) == _messages(committed)

    _run(["compilemessages", "--locale=da", *ignored], copy)
    compiled = _messages(polib.mofile(str(copy / MO.relative_to(ROOT))))
    compiled.pop((None, ""), None)
    assert compiled == _messages(committed)
