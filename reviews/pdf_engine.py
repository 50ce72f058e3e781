"""What the review reports need of the system libraries under WeasyPrint, checked.

A report embeds its fonts subset: only the glyphs it uses, so a report is tens of
kilobytes of font rather than the whole DejaVu family (about 700 KB a face). WeasyPrint
subsets with HarfBuzz-Subset, 4.1.0 or later; without it, it falls back to fontTools,
which its next versions drop, and says so only with a DeprecationWarning when it is
imported. The reports do not rely on that warning (or on the library's being pulled in by
something else): the requirement is checked here, in two places, with what to install.

- ``checks()``, a Django system check (reviews.E001, E002), looks for the libraries
  without importing WeasyPrint (which takes seconds), so ``manage.py check``, ``migrate``
  (the deployment's first step) and ``runserver`` stop on a machine that lacks them.
- ``require()`` runs before every render, on the libraries WeasyPrint actually loaded; a
  render without them fails the report version with :class:`PDFEngineError`'s message.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core import checks as django_checks

MIN_HARFBUZZ = (4, 1, 0)  # WeasyPrint's own minimum for subsetting with HarfBuzz
# The shared libraries WeasyPrint opens (their Linux and macOS names) and the Debian
# package of each.
LIBRARIES = {
    "pango": (("libpango-1.0.so.0", "libpango-1.0.dylib"), "libpango-1.0-0"),
    "pangoft2": (("libpangoft2-1.0.so.0", "libpangoft2-1.0.dylib"), "libpangoft2-1.0-0"),
    "harfbuzz": (("libharfbuzz.so.0", "libharfbuzz.0.dylib"), "libharfbuzz0b"),
    "harfbuzz-subset": (
        ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib"),
        "libharfbuzz-subset0",
    ),
}
# WeasyPrint's words when HarfBuzz-Subset is missing (a DeprecationWarning at import).
WEASYPRINT_SUBSET_WARNING = "HarfBuzz-Subset will be required"


class PDFEngineError(RuntimeError):
    """The system lacks a library the reports need; the message says which and how to
    install it."""


@dataclass(frozen=True)
class Problem:
    id: str  # the system check's id
    text: str
    package: str  # the Debian package that solves it


def _open(name: str) -> ctypes.CDLL | None:
    names, _ = LIBRARIES[name]
    for candidate in names:
        try:
            return ctypes.CDLL(candidate)
        except OSError:
            continue
    found = ctypes.util.find_library(name)  # elsewhere than the usual names (slower)
    try:
        return ctypes.CDLL(found) if found else None
    except OSError:
        return None


def _version(harfbuzz: ctypes.CDLL) -> tuple[int, int, int]:
    parts = (ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint())
    harfbuzz.hb_version(*(ctypes.byref(part) for part in parts))
    return (parts[0].value, parts[1].value, parts[2].value)


def subset_problem(*, loaded: bool, version: tuple[int, int, int]) -> Problem | None:
    """What keeps the reports' fonts from being subset with HarfBuzz (the library not
    loaded, or HarfBuzz older than 4.1.0), or None."""
    if not loaded:
        return Problem(
            "reviews.E001",
            "HarfBuzz-Subset is not installed (Debian package libharfbuzz-subset0): the "
            "reports embed only the glyphs they use, and WeasyPrint needs it for that.",
            "libharfbuzz-subset0",
        )
    if version < MIN_HARFBUZZ:
        wanted, found = (".".join(map(str, v)) for v in (MIN_HARFBUZZ, version))
        return Problem(
            "reviews.E001",
            f"HarfBuzz {found} is too old to subset the reports' fonts ({wanted} or later).",
            "libharfbuzz-subset0",
        )
    return None


def problems() -> list[Problem]:
    """What the system lacks for the reports, found without importing WeasyPrint."""
    found = [
        Problem("reviews.E002", f"{name} is not installed (Debian package {package}).", package)
        for name, (_, package) in LIBRARIES.items()
        if name != "harfbuzz-subset" and _open(name) is None
    ]
    harfbuzz = _open("harfbuzz")
    if harfbuzz is not None:
        subset = subset_problem(
            loaded=_open("harfbuzz-subset") is not None, version=_version(harfbuzz)
        )
        found += [subset] if subset else []
    return found


def install_hint(package: str) -> str:
    return (
        f"On Debian, as root: apt-get install {package} "
        "(`bash system/packages.sh install demo` installs all the reports need)."
    )


def checks(app_configs=None, **kwargs) -> list[django_checks.CheckMessage]:
    """reviews.E001: HarfBuzz-Subset missing or too old; reviews.E002: Pango or HarfBuzz
    missing (WeasyPrint cannot even be imported)."""
    return [
        django_checks.Error(
            f"The review reports cannot be rendered: {problem.text}",
            hint=install_hint(problem.package),
            id=problem.id,
        )
        for problem in problems()
    ]


@contextmanager
def importing_weasyprint() -> Iterator[None]:
    """Import WeasyPrint inside this block: its warning about HarfBuzz-Subset is not let
    through (under ``-W error`` it would break the import); ``require()`` says it instead."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=WEASYPRINT_SUBSET_WARNING, category=DeprecationWarning
        )
        yield


def require() -> None:
    """Raise PDFEngineError unless WeasyPrint, as loaded, subsets fonts with HarfBuzz."""
    with importing_weasyprint():
        from weasyprint.text import ffi

    loaded = ffi.harfbuzz_subset is not None
    new_enough = bool(ffi.harfbuzz.hb_version_atleast(*MIN_HARFBUZZ))
    if loaded and new_enough:
        return
    if new_enough:
        version = MIN_HARFBUZZ
    else:  # for the message: the version of the HarfBuzz WeasyPrint loaded (below 4.1.0)
        harfbuzz = _open("harfbuzz")
        version = min(_version(harfbuzz) if harfbuzz is not None else (0, 0, 0), (4, 0, 99))
    problem = subset_problem(loaded=loaded, version=version)
    raise PDFEngineError(
        f"This server cannot render the report: {problem.text} {install_hint(problem.package)}"
    )
