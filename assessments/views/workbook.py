"""The questionnaire workbook: download, upload with a preview, confirm (issue 16; the work is in workbook*.py).

Access follows the questionnaire: whoever may read the assessment downloads (read-only unless
they may edit a draft); contributors and focal points of a draft upload; a stranger gets 404,
a wrong role 403.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..reports import file_stem
from ..workbook import WorkbookRefused
from ..workbook_upload import (
    CONFLICT_FILE,
    CONFLICT_ONLINE,
    may_upload,
    pending_keep,
    pending_take,
    preview_for,
    workbook_apply,
    workbook_for,
    workbook_parse,
)
from ..workflow import EditConflict, NotAllowed
from .assessments import get_assessment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def workbook_download(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    assessment, membership = get_assessment(request, pk)
    round_table = None
    if number is not None:
        round_table = get_object_or_404(assessment.framework_version.round_tables, number=number)
    editable = membership is not None and membership.can_edit and may_upload(assessment)
    data = workbook_for(assessment, editable=editable, round_table=round_table)
    kind = f"workbook-{round_table.code}" if round_table else "workbook"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{file_stem(assessment.government.name, assessment.cycle, kind)}.xlsx")
    return response


def _uploader(request: HttpRequest, pk: int):
    assessment, membership = get_assessment(request, pk)
    if membership is None or not membership.can_edit:
        raise PermissionDenied(_("Only the government's contributors and focal points can upload a workbook."))
    return assessment


def _upload_page(request, assessment, *, error: str = "", status: int = 200):
    return render(request, "workbook/upload.html",
                  {"assessment": assessment, "error": error, "accepts": may_upload(assessment),
                   "limit_mb": settings.HLD_WORKBOOK_MAX_BYTES // 2**20}, status=status)


def _preview_page(request, assessment, key: str, filename: str, rows, *, status: int = 200, choices=None):
    preview = preview_for(assessment, rows)
    return render(request, "workbook/preview.html", {
        "assessment": assessment, "key": key, "filename": filename, "preview": preview, "choices": choices or {},
        "CONFLICT_FILE": CONFLICT_FILE, "CONFLICT_ONLINE": CONFLICT_ONLINE,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def workbook_upload(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _uploader(request, pk)
    if request.method == "GET":
        return _upload_page(request, assessment)
    upload = request.FILES.get("workbook")
    if upload is None:
        return _upload_page(request, assessment, error=_("Choose the workbook file to upload."), status=400)
    try:
        data = upload.read()
        parsed = workbook_parse(assessment, data, upload.name or "")
    except WorkbookRefused as error:
        return _upload_page(request, assessment, error=str(error), status=400)
    key = pending_keep(user=request.user, assessment=assessment, parsed=parsed, filename=upload.name or "")
    return _preview_page(request, assessment, key, upload.name, [row.__dict__ for row in parsed.rows])


@login_required
@require_POST
def workbook_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _uploader(request, pk)
    key = request.POST.get("key", "")
    try:
        pending = pending_take(key=key, user=request.user, assessment=assessment)
    except WorkbookRefused as error:
        return _upload_page(request, assessment, error=str(error), status=400)
    choices, seen = {}, {}
    for name, value in request.POST.items():
        if name.startswith("conflict-") and name[9:].isdigit():
            choices[int(name[9:])] = value
        if name.startswith("seen-") and name[5:].isdigit():
            seen[int(name[5:])] = value[:64]
    try:
        written = workbook_apply(assessment=assessment, user=request.user, pending=pending, choices=choices,
                                 seen=seen)
    except EditConflict:
        messages.error(request, _("Nothing was saved: someone changed criteria online after you opened this "
                                  "preview. The preview below is up to date: check it and confirm again."))
        return _preview_page(request, assessment, key, pending.filename, pending.rows, status=409)
    except (WorkbookRefused, NotAllowed) as error:
        messages.error(request, str(error))
        return _preview_page(request, assessment, key, pending.filename, pending.rows, status=409, choices=choices)
    messages.success(request, ngettext("Saved from the workbook: %(count)d answer(s) changed.",
                                       "Saved from the workbook: %(count)d answer(s) changed.", written) % {"count": written})
    return redirect("assessment_detail", pk=assessment.pk)
