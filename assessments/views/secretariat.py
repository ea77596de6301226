"""The secretariat's pages across governments: status of a cycle (page, CSV, Excel) and comparisons.

Only members of the "Secretariat" group get them (others: 403). The status shows every
government's state and progress but links only to assessments the secretariat may read
(``for_user``); comparisons show thresholded distributions and never a government's name.
"""

import csv
import io
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import secretariat
from ..comparison_charts import comparison_chart
from ..csv_safety import safe_cell
from ..models import Assessment, FrameworkVersion, Government, is_secretariat

PAGE_SIZE = 50
EXPORT_COLUMNS = [
    "government", "iso3", "un_region", "status", "framework", "answered", "total", "percent_answered",
    "last_activity", "focal_points",
]


def secretariat_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise PermissionDenied(_("Only the secretariat sees the status across governments."))
        return view(request, *args, **kwargs)

    return wrapped


def _status_query(request: HttpRequest) -> dict:
    cycles = secretariat.cycles()
    cycle = request.GET.get("cycle") or (cycles[0] if cycles else "")
    region = request.GET.get("region", "")
    state = request.GET.get("status", "")
    sort = request.GET.get("sort", "government")
    return {
        "cycles": cycles,
        "cycle": cycle if cycle in cycles else (cycles[0] if cycles else ""),
        "region": region if region in Government.Region.values else "",
        "state": state if state in secretariat.STATES else "",
        "sort": sort.lstrip("-") if sort.lstrip("-") in secretariat.SORTS else "government",
        "descending": sort.startswith("-"),
    }


def _rows(query: dict) -> list[secretariat.GovernmentStatus]:
    if not query["cycle"]:
        return []
    return secretariat.cycle_status(
        query["cycle"], region=query["region"], state=query["state"], sort=query["sort"],
        descending=query["descending"],
    )


@secretariat_required
def status(request: HttpRequest) -> HttpResponse:
    query = _status_query(request)
    rows = _rows(query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    readable = set(
        Assessment.objects.for_user(request.user)
        .filter(pk__in=[r.assessment_id for r in page.object_list if r.assessment_id])
        .values_list("pk", flat=True)
    )
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = request.GET.copy()
    sort_params.pop("page", None)
    sort_params.pop("sort", None)
    return render(
        request,
        "secretariat/status.html",
        {
            **query,
            "page": page,
            "readable": readable,
            "counts": secretariat.state_counts(rows),
            "regions": Government.Region.choices,
            "states": [(k, str(v)) for k, v in secretariat.STATES.items()],
            "columns": [
                ("government", _("Government")), ("region", _("UN region")), ("status", _("Status")),
                ("answered", _("Answered")), ("activity", _("Last activity")),
            ],
            "query_string": params.urlencode(),
            "sort_query": sort_params.urlencode(),
        },
    )


def _export_rows(rows: list[secretariat.GovernmentStatus]):
    for r in rows:
        yield [
            r.government, r.iso3, r.region_label, r.state_label, r.framework, r.answered if r.assessment_id else None,
            r.total if r.assessment_id else None, r.percent_answered,
            r.last_activity.isoformat(timespec="minutes") if r.last_activity else "",
            "; ".join(f"{f.name} <{f.email}>" if f.email else f.name for f in r.focal_points),
        ]


def _filename(query: dict, extension: str) -> str:
    return f"hld-status-{query['cycle'] or 'none'}{'-' + query['region'] if query['region'] else ''}.{extension}"


@secretariat_required
def status_csv(request: HttpRequest) -> HttpResponse:
    query = _status_query(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(query, "csv")}"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for row in _export_rows(_rows(query)):
        writer.writerow(safe_cell(value) for value in row)
    return response


@secretariat_required
def status_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    query = _status_query(request)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (_("Status %(cycle)s") % {"cycle": query["cycle"]})[:31]
    sheet.append(EXPORT_COLUMNS)
    for row in _export_rows(_rows(query)):
        # openpyxl stores a string that starts with "=" as a formula: neutralise text as in the CSV.
        sheet.append([value if isinstance(value, int) or value is None else safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(query, "xlsx")}"'
    return response


@secretariat_required
def comparison(request: HttpRequest) -> HttpResponse:
    versions = secretariat.comparable_versions()
    code = request.GET.get("version") or (versions[0].code if versions else "")
    version = next((v for v in versions if v.code == code), None)
    if version is None and code and FrameworkVersion.objects.filter(code=code).exists():
        version = FrameworkVersion.objects.get(code=code)  # a version without approved assessments: all withheld
    if code and version is None:
        raise Http404(_("No such framework version."))
    dimension = request.GET.get("dimension", "round_table")
    if dimension not in secretariat.DIMENSIONS:
        dimension = "round_table"
    group = request.GET.get("group", secretariat.OVERALL)
    if group not in [secretariat.OVERALL, *Government.Region.values]:
        group = secretariat.OVERALL
    cycles = secretariat.cycles()
    cycle = request.GET.get("cycle", "")
    cycle = cycle if cycle in cycles else ""
    linked = request.GET.get("linked") == "1"
    data = secretariat.comparison(version, dimension, linked=linked, cycle=cycle) if version else None
    return render(
        request,
        "secretariat/comparison.html",
        {
            "versions": versions,
            "version": version,
            "dimension": dimension,
            "dimensions": [(k, str(v)) for k, v in secretariat.DIMENSIONS.items()],
            "group": group,
            "cycles": cycles,
            "cycle": cycle,
            "linked": linked,
            "comparison": data,
            "chart": comparison_chart(data, group) if data else None,
            "threshold": secretariat.min_group_size(),
        },
    )
