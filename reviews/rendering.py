"""HTML to archival PDF with WeasyPrint, fetching nothing but the app's own assets.

WeasyPrint's default fetcher opens ``file:``, ``http:`` and ``https:`` URLs, so a
document it renders could read the server's files or reach the network. The report is
rendered with :class:`ReportURLFetcher` instead: it serves the static files named in
:data:`REPORT_ASSETS` (as ``asset:<path>``) and ``data:`` images (the charts), and refuses
everything else before anything is opened.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import i18n

from . import charts
from . import pdf_engine
from . import report
from . import selectors

with pdf_engine.importing_weasyprint():
    from weasyprint import HTML
    from weasyprint import Attachment
    from weasyprint.urls import URLFetcher
    from weasyprint.urls import URLFetcherResponse

logger = logging.getLogger(__name__)

ASSET_SCHEME = "asset:"
# The static files a report may use, by their path under the static directories.
REPORT_ASSETS = frozenset({"reviews/pdf/report.css"})
DATA_MEDIA_TYPES = frozenset({"image/svg+xml", "image/png"})
PDF_VARIANT = "pdf/a-3b"


class FetchRefusedError(ValueError):
    """The report asked for a URL the fetcher does not serve."""


class ReportURLFetcher(URLFetcher):
    """Serves allowlisted static assets and ``data:`` images; refuses everything else.

    ``requested`` keeps every URL asked for and ``refused`` those it turned down, so a
    caller (and a test) can see what the document tried to reach.
    """

    def __init__(self, assets: frozenset[str] = REPORT_ASSETS) -> None:
        super().__init__(allowed_protocols=("asset", "data"), fail_on_errors=False)
        self.assets = assets
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        try:
            if url.startswith(ASSET_SCHEME):
                return self._asset(url)
            if url[:5].lower() == "data:":
                return self._data(url)
            raise FetchRefusedError("only the report's own assets and data: images are served")
        except FetchRefusedError as exc:
            self.refused.append(url)
            logger.warning("Report rendering refused to fetch %.200s: %s", url, exc)
            raise

    def open(self, url, data=None, timeout=None):  # never urllib's opener
        return self.fetch(url if isinstance(url, str) else url.full_url)

    def _asset(self, url: str) -> URLFetcherResponse:
        name = url.removeprefix(ASSET_SCHEME)
        if name not in self.assets:
            raise FetchRefusedError("not an allowlisted asset")
        path = finders.find(name)
        if not path:
            raise FetchRefusedError("the allowlisted asset is missing")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(path).read_bytes(), headers={"Content-Type": content_type}
        )

    def _data(self, url: str) -> URLFetcherResponse:
        header, sep, payload = url[5:].partition(",")
        if not sep:
            raise FetchRefusedError("malformed data: URL")
        params = header.split(";")
        media_type = params[0].strip().lower()
        if media_type not in DATA_MEDIA_TYPES:
            raise FetchRefusedError(f"data: URLs of type {media_type or 'text/plain'}")
        if "base64" in (p.strip().lower() for p in params[1:]):
            body = base64.b64decode(payload, validate=False)
        else:
            body = unquote_to_bytes(payload)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})


@dataclass(frozen=True)
class Section:
    """A numbered section (or a lettered annex) of the report: its heading, the anchor the
    contents and the bookmarks point to, and how the other sections refer to it."""

    key: str
    number: str
    title: Any  # translated when the report is written, in its language
    annex: bool = False

    @property
    def anchor(self) -> str:
        return self.key.replace("_", "-")

    @property
    def heading(self) -> str:
        if self.annex:
            return gettext("Annex %(number)s. %(title)s") % {
                "number": self.number,
                "title": self.title,
            }
        return f"{self.number}. {self.title}"

    @property
    def ref(self) -> str:
        """How the text refers to it: "section 3", "Annex D"."""
        if self.annex:
            return gettext("Annex %(number)s") % {"number": self.number}
        return gettext("section %(number)s") % {"number": self.number}


SECTIONS: tuple[Section, ...] = (
    Section("agreement", "1", _("The review and the agreement")),
    Section("budget", "2", _("The budget")),
    Section("goals", "3", _("Overall goals")),
    Section("priority_areas", "4", _("Priority areas")),
    Section("risks", "5", _("Risks")),
    Section("action_points", "6", _("Action points of the annual consultations")),
    Section("findings", "7", _("Findings and recommendations")),
    Section("consistency", "8", _("Consistency checks")),
    Section("payments", "A", _("Payments and refunds"), annex=True),
    Section("allocations", "B", _("Allocations of earmarked funds"), annex=True),
    Section("assessed", "C", _("The assessed contribution"), annex=True),
    Section("timeline", "D", _("The goal-update timeline"), annex=True),
    Section("sources", "E", _("Sources"), annex=True),
)


@dataclass(frozen=True)
class Issue:
    """Who issued the report and when, printed on the cover and every page of a final
    version. A report rendered without one is a draft and says so on every page."""

    by: str
    at: datetime


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    pages: int
    sha256: str
    data_sha256: str


def render_pdf(
    html: str,
    *,
    attachments: list[tuple[str, bytes, str]] = (),
    fetcher: ReportURLFetcher | None = None,
) -> tuple[bytes, int]:
    """PDF/A-3b bytes and page count of ``html``; attachments are (name, bytes, description).

    Raises pdf_engine.PDFEngineError, before any work, where the fonts cannot be subset."""
    pdf_engine.require()
    fetcher = fetcher or ReportURLFetcher()
    options = {
        "pdf_variant": PDF_VARIANT,
        # Tagged: headings, tables with their header cells, figures with their text
        # alternatives and the document's language are in the structure tree.
        "pdf_tags": True,
        "attachments": [
            Attachment(
                string=content,
                name=name,
                description=description,
                relationship="Data",
                url_fetcher=fetcher,
            )
            # A PDF's name tree of embedded files must list them in the order of their names.
            for name, content, description in sorted(attachments)
        ],
    }
    # No base URL: a relative reference resolves to nothing rather than to a file path.
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(**options)
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for the PDF/A output intent and leaves the
        # file to the garbage collector; the leak is theirs and harmless.
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = document.write_pdf(**options)
    return pdf, len(document.pages)


def report_html(
    data: selectors.ReportData,
    *,
    version_number: int,
    rendered_at: datetime,
    data_sha256: str,
    issue: Issue | None = None,
) -> str:
    """The report's HTML, charts embedded as data: URIs, before WeasyPrint lays it out.

    Without ``issue`` it is a draft: DRAFT on its cover, a running header and a watermark
    on every page, so that no page of it can pass for the issued report."""
    return render_to_string(
        "reviews/pdf/report.html",
        {
            "data": data,
            "review": data.review,
            "partnership": data.partnership,
            "version_number": version_number,
            "rendered_at": rendered_at,
            "data_sha256": data_sha256,
            "issue": issue,
            "sections": {section.key: section for section in SECTIONS},
            "contents": SECTIONS,
            "heat_map_uri": charts.svg_data_uri(charts.heat_map_svg(data.heat_map)),
            "budget_chart_uri": charts.svg_data_uri(charts.budget_chart_svg(data.budget)),
            "asset_css": ASSET_SCHEME + "reviews/pdf/report.css",
            # The PDF's /Lang (its catalogue) comes from <html lang>, as BCP 47.
            "language_tag": i18n.bcp47(translation.get_language()),
        },
    )


def render_report(
    data: selectors.ReportData,
    *,
    version_number: int,
    rendered_at: datetime,
    issue: Issue | None = None,
    fetcher: ReportURLFetcher | None = None,
) -> RenderedReport:
    """The review's report: the PDF with its figures attached as JSON and CSV; a draft
    unless ``issue`` says who issued it and when."""
    figures = report.report_figures(data)
    figures_json = report.figures_json(figures)
    data_sha256 = hashlib.sha256(figures_json).hexdigest()
    html = report_html(
        data,
        version_number=version_number,
        rendered_at=rendered_at,
        data_sha256=data_sha256,
        issue=issue,
    )
    stem = f"review-{data.review.pk}-figures"
    pdf, pages = render_pdf(
        html,
        attachments=[
            (f"{stem}.json", figures_json, gettext("The review's figures and texts (JSON)")),
            (f"{stem}.csv", report.figures_csv(figures), gettext("The review's figures (CSV)")),
        ],
        fetcher=fetcher,
    )
    return RenderedReport(
        pdf=pdf, pages=pages, sha256=hashlib.sha256(pdf).hexdigest(), data_sha256=data_sha256
    )
