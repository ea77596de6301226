"""Lay a ``Report`` out as a PDF with WeasyPrint: the full report and the brief (``documents.py`` stores them).

``render_full_pdf`` and ``render_brief_pdf`` are pure functions of a ``Report``.
Rendering fetches nothing from the network: the only resources are the
project's own static files (print stylesheet) and ``data:`` images; fonts are
the system's (Debian's fonts-noto-core and fonts-noto-cjk, see static/css/pdf.css).
"""

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .brief import brief_content
from .charts import radar_chart, report_charts
from .reports import Report

STATIC_DIR = Path(settings.BASE_DIR) / "static"


class ForbiddenResource(ValueError):
    pass


class LocalOnlyFetcher(URLFetcher):
    """Fetch data: URIs and files under static/ only; anything else (http, other files) is refused."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not (path.is_relative_to(STATIC_DIR.resolve()) and path.is_file()):
                raise ForbiddenResource(f"The PDF may only use the project's static files, not {url[:80]}")
        return super().fetch(url, headers)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


def page_css() -> str:
    """The words of the page margins (page numbers, the draft mark) in the active language: CSS ``content``
    cannot be translated in the stylesheet itself."""
    page_of = _("Page %(page)s of %(pages)s") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    parts = [f"counter({part})" if part in ("page", "pages") else _css_string(part) for part in page_of.split("\x00")]
    return mark_safe(
        "@page { @bottom-right { content: " + " ".join(p for p in parts if p != '""') + "; } }\n"
        "body.draft .cover { string-set: draftmark " + _css_string(_("DRAFT — not approved")) + "; }"
    )


def render_full_html(report: Report) -> str:
    return render_to_string("assessments/pdf/report.html",
                            {"report": report, "charts": report_charts(report), "page_css": page_css()})


def render_brief_html(report: Report) -> str:
    return render_to_string("assessments/pdf/brief.html", {
        "report": report, "brief": brief_content(report), "radar": radar_chart(report), "page_css": page_css()})


def write_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=LocalOnlyFetcher())
    return document.write_pdf(pdf_tags=True)


def render_full_pdf(report: Report) -> bytes:
    """The full gap report: every round table, coherence, progress, cross-walk and the annex."""
    return write_pdf(render_full_html(report))


def render_brief_pdf(report: Report) -> bytes:
    """The brief for a minister's desk (at most 8 A4 pages): score, radar, ten priority gaps, strengths, sign-off."""
    return write_pdf(render_brief_html(report))


# The names the stored-PDF path and the benchmark have used so far.
render_report_html = render_full_html
render_report_pdf = render_full_pdf
