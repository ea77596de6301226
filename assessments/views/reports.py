"""The gap report of an assessment: page and CSV, for exactly the people who may read the assessment.

Its documents (brief, full report, Word file) are downloaded through ``views/documents.py``.
"""

import csv

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

from .. import page_cache
from ..charts import report_charts
from ..conditional import not_modified, page_etag, revalidated
from ..csv_safety import safe_cell
from ..documents import KINDS, LANGUAGES
from ..reports import build_report, file_stem
from .assessments import get_assessment, page_cache_key

CSV_COLUMNS = [
    "round_table", "theme", "code", "statement", "weight", "answer", "score", "gap", "priority",
    "justification", "evidence", "evidence_url", "confidence", "lead_institution",
]


def document_kinds() -> list[dict]:
    """The report page's download menu: every document kind in the page's language, then in the others."""
    current = get_language()
    others = [{"code": code, "name": get_language_info(code)["name_local"]} for code in LANGUAGES if code != current]
    return [{"kind": kind, "language": current if current in LANGUAGES else LANGUAGES[0], "others": others}
            for kind in KINDS.values()]


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _ = get_assessment(request, pk)
    etag = page_etag(request, "report", assessment.pk, assessment.created_at.timestamp(), assessment.revision)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    whole_page = page_cache.page_key(request, "report", assessment.pk, assessment.created_at.timestamp(),
                                     assessment.revision)
    if (served := page_cache.cached(request, whole_page)) is not None:
        return revalidated(served, etag)
    cache_key = page_cache_key(assessment, "report")
    html = cache.get(cache_key)
    if html is None:
        data = build_report(assessment)
        html = render_to_string("assessments/report/_page.html",
                                {"assessment": assessment, "report": data, "charts": report_charts(data),
                                 "document_kinds": document_kinds()}, request=request)
        cache.set(cache_key, html, timeout=3600)
    context = {"assessment": assessment, "report_html": mark_safe(html)}
    if whole_page:
        page = render(request, "assessments/report.html", {**context, "csrf_token": page_cache.PLACEHOLDER})
        return revalidated(page_cache.keep(request, whole_page, page), etag)
    return revalidated(render(request, "assessments/report.html", context), etag)


@login_required
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _ = get_assessment(request, pk)
    data = build_report(assessment)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stem = file_stem(data.government, data.cycle, "responses")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{stem}.csv")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in data.rows:
        writer.writerow(
            safe_cell(value)
            for value in [
                row.round_table, row.theme, row.code, row.statement, row.weight, row.answer,
                "" if row.score is None else row.score, "" if row.gap is None else row.gap,
                "" if row.priority is None else row.priority, row.justification, row.evidence, row.evidence_url,
                row.confidence, row.lead_institution,
            ]
        )
    return response
