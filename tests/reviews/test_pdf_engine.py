"""The reports' fonts are embedded subset, and HarfBuzz-Subset, which WeasyPrint subsets
with, is a checked requirement: a system check names what is missing and how to install
it, and a render without it fails the version with that message, never a warning."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviews import pdf_engine
from reviews import rendering
from reviews import services
from reviews.models import ReportVersion
from tests.reviews.factories import ReportVersionFactory

ROOT = Path(__file__).resolve().parents[2]
DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _embedded_fonts(pdf: bytes) -> dict[str, int]:
    """Each embedded font's name and the size of its font program, in bytes."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            descriptor = (
                font.get("/FontDescriptor")
                or (font["/DescendantFonts"][0].get_object()["/FontDescriptor"])
            )
            descriptor = descriptor.get_object()
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            fonts[str(font["/BaseFont"])] = len(program.get_object().get_data())
    return fonts


def test_the_pdf_embeds_only_the_glyphs_it_uses():
    pdf, _ = rendering.render_pdf(
        "<p style=\"font-family: 'DejaVu Sans'\">Strategic partnership with IOM, 2018–2020</p>"
    )
    fonts = _embedded_fonts(pdf)
    (name,) = [name for name in fonts if name.endswith("+DejaVu-Sans")]  # a subset's tag
    # A few glyphs of a face of about 740 KB (fonts-dejavu-core): tens of kilobytes.
    assert fonts[name] < DEJAVU_SANS.stat().st_size / 20
    assert len(pdf) < 50_000


def test_the_system_check_passes_where_the_libraries_are_installed():
    assert pdf_engine.problems() == []
    assert pdf_engine.checks() == []


@pytest.fixture
def without(monkeypatch):
    """without(name) -> the system check finds no library of that name."""

    def hide(name: str) -> None:
        _, package = pdf_engine.LIBRARIES[name]
        monkeypatch.setitem(pdf_engine.LIBRARIES, name, (("libnot-installed.so.0",), package))
        real = pdf_engine.ctypes.util.find_library
        monkeypatch.setattr(
            pdf_engine.ctypes.util, "find_library", lambda n: None if n == name else real(n)
        )

    return hide


def test_a_missing_harfbuzz_subset_is_a_system_check_error_that_says_what_to_install(without):
    without("harfbuzz-subset")
    (error,) = pdf_engine.checks()
    assert error.id == "reviews.E001"
    assert "HarfBuzz-Subset is not installed (Debian package libharfbuzz-subset0)" in error.msg
    assert "apt-get install libharfbuzz-subset0" in error.hint
    assert "system/packages.sh install demo" in error.hint


def test_a_harfbuzz_older_than_4_1_is_a_system_check_error(monkeypatch):
    monkeypatch.setattr(pdf_engine, "_version", lambda harfbuzz: (2, 7, 4))
    (error,) = pdf_engine.checks()
    assert error.id == "reviews.E001"
    assert "HarfBuzz 2.7.4 is too old to subset the reports' fonts (4.1.0 or later)" in error.msg


def test_a_missing_pango_is_a_system_check_error(without):
    without("pango")
    (error,) = pdf_engine.checks()
    assert error.id == "reviews.E002"
    assert "pango is not installed (Debian package libpango-1.0-0)" in error.msg
    assert "apt-get install libpango-1.0-0" in error.hint


def test_a_render_without_harfbuzz_subset_fails_the_version_and_says_what_to_install(
    review, desk, monkeypatch
):
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)  # as WeasyPrint loads without it
    version = ReportVersionFactory(review=review, number=1, requested_by=desk)
    assert services.report_version_render(version_id=version.pk, task_id="t1") == "failed"
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.FAILED
    assert not version.file
    assert version.error.startswith(
        "PDFEngineError: This server cannot render the report: HarfBuzz-Subset is not installed"
    )
    assert "apt-get install libharfbuzz-subset0" in version.error


def test_a_render_with_a_harfbuzz_too_old_for_subsetting_is_refused(monkeypatch):
    from weasyprint.text import ffi

    class OldHarfBuzz:
        def hb_version_atleast(self, *version):
            return 0

    monkeypatch.setattr(ffi, "harfbuzz", OldHarfBuzz())
    monkeypatch.setattr(pdf_engine, "_version", lambda harfbuzz: (3, 4, 0))
    with pytest.raises(pdf_engine.PDFEngineError, match=r"HarfBuzz 3\.4\.0 is too old"):
        rendering.render_pdf("<p>x</p>")


# A process in which the library cannot be loaded, as on a machine without the package:
# both WeasyPrint (cffi) and the check (ctypes) are refused any name of it.
WITHOUT_HARFBUZZ_SUBSET = textwrap.dedent(
    """
    import ctypes, sys
    import cffi

    def refuse(open_library):
        def opener(self, name, *args, **kwargs):
            if name and "harfbuzz-subset" in str(name):
                raise OSError(f"{name}: cannot open shared object file")
            return open_library(self, name, *args, **kwargs)
        return opener

    ctypes.CDLL.__init__ = refuse(ctypes.CDLL.__init__)
    cffi.FFI.dlopen = refuse(cffi.FFI.dlopen)

    import django
    django.setup()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    try:
        call_command("check")
    except SystemCheckError as error:
        print("check:", error)
    from reviews import pdf_engine, rendering
    try:
        rendering.render_pdf("<p>x</p>")
    except pdf_engine.PDFEngineError as error:
        print("render:", error)
    """
)


def test_without_the_library_warnings_as_errors_still_give_the_check_and_the_render_error():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-W", "error", "-c", WITHOUT_HARFBUZZ_SUBSET],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    check, render = result.stdout.split("\nrender: ")
    assert "(reviews.E001) The review reports cannot be rendered: HarfBuzz-Subset" in check
    assert "HINT: On Debian, as root: apt-get install libharfbuzz-subset0" in check
    assert render.startswith("This server cannot render the report: HarfBuzz-Subset is not")
    assert "DeprecationWarning" not in result.stderr
