"""Lay a ``Report`` out as a PDF with WeasyPrint (``documents.py`` stores and serves it).

Rendering fetches nothing from the network: the only resources are the
project's own static files (print stylesheet, fonts) and ``data:`` images.
"""

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .charts import report_charts
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


def render_report_html(report: Report) -> str:
    return render_to_string("assessments/pdf/report.html", {"report": report, "charts": report_charts(report)})


def render_report_pdf(report: Report) -> bytes:
    html = HTML(string=render_report_html(report), base_url=STATIC_DIR.as_uri() + "/", url_fetcher=LocalOnlyFetcher())
    return html.write_pdf(pdf_tags=True)
