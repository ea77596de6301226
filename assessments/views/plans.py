"""The action plan of an assessment: the plan page, an action's form, progress notes, the change log, the CSV.

Readers of the assessment read its plan (``get_assessment`` looks it up through
``for_user``: a stranger's plan is not found); contributors and focal points of
its government change it (anyone else gets 403), whatever the assessment's status.
"""

import csv
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..csv_safety import safe_cell
from ..models import Action, Assessment, Criterion, ProgressNote
from ..plan_forms import ActionForm, CriterionChoiceForm, ProgressNoteForm
from ..plan_report import plan_rows
from ..plans import PlanError, PlanNotAllowed, action_add, action_update, can_edit_plan, progress_note_add
from ..reports import build_report
from .assessments import get_assessment

PLAN_CSV_COLUMNS = [
    "code", "statement", "priority", "action", "source", "target_level", "target_date", "level_now",
    "lead_institution", "partners", "support_sought", "indicator", "status", "drop_reason", "completed_on",
    "carried_from_cycle", "progress_notes",
]


def _editable(request: HttpRequest, pk: int) -> Assessment:
    assessment, membership = get_assessment(request, pk)
    if not can_edit_plan(membership):
        raise PermissionDenied(_("Only the government's contributors and focal points can change its action plan."))
    return assessment


def _criterion(assessment: Assessment, criterion_pk) -> Criterion:
    """The assessment's criterion, or 404 for another version's, a missing one, or a value that is no id."""
    criterion_pk = str(criterion_pk)
    if not (criterion_pk.isascii() and criterion_pk.isdigit() and len(criterion_pk) <= 18):
        raise Http404(_("No such criterion in this assessment."))
    return get_object_or_404(
        assessment.framework_version.criteria.prefetch_related("recommended_actions", "support_available",
                                                               "descriptors"),
        pk=criterion_pk,
    )


def _plan_url(assessment: Assessment, action: Action | None = None) -> str:
    return reverse("plan", args=[assessment.pk]) + (f"#action-{action.pk}" if action else "")


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, membership = get_assessment(request, pk)
    report = build_report(assessment)
    gap_ids = {gap.id for gap in report.plan.priority_gaps}
    return render(request, "plans/plan.html", {
        "assessment": assessment,
        "report": report,
        "plan": report.plan,
        "gaps": [(gap, report.plan.actions_for(gap.id)) for gap in report.plan.priority_gaps],
        "other_actions": [a for a in report.plan.actions if a.criterion_id not in gap_ids],
        "can_edit": can_edit_plan(membership),
        "choice_form": CriterionChoiceForm(criteria=assessment.framework_version.criteria.order_by("code")),
    })


@login_required
def action_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    criterion = _criterion(assessment, request.POST.get("criterion") or request.GET.get("criterion") or 0)
    form = ActionForm(request.POST or None, criterion=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            action = action_add(assessment=assessment, user=request.user, data=form.to_input())
        except PlanNotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except PlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Added an action for %(code)s to the plan.") % {"code": criterion.code})
            return redirect(_plan_url(assessment, action))
    return render(request, "plans/action_form.html", {
        "assessment": assessment, "criterion": criterion, "form": form, "action": None,
        "level_now": _level_now(assessment, criterion),
    })


@login_required
def action_edit_view(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    action = get_object_or_404(assessment.actions.select_related("criterion", "recommended_action",
                                                                  "support_available"), pk=action_pk)
    criterion = _criterion(assessment, action.criterion_id)
    form = ActionForm(request.POST or None, criterion=criterion, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            action = action_update(action=action, user=request.user, data=form.to_input())
        except PlanNotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except PlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved the action for %(code)s.") % {"code": criterion.code})
            return redirect(_plan_url(assessment, action))
    return render(request, "plans/action_form.html", {
        "assessment": assessment, "criterion": criterion, "form": form, "action": action,
        "notes": action.notes.select_related("author"), "note_form": ProgressNoteForm(),
        "level_now": _level_now(assessment, criterion),
    })


@login_required
@require_POST
def progress_note_view(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    action = get_object_or_404(assessment.actions, pk=action_pk)
    form = ProgressNoteForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, _("The note was not added: %(errors)s") % {"errors": errors})
        return redirect("action_edit", pk=assessment.pk, action_pk=action.pk)
    try:
        progress_note_add(action=action, user=request.user, text=form.cleaned_data["text"],
                          on=form.cleaned_data["date"])
    except PlanNotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except PlanError as error:
        messages.error(request, str(error))
        return redirect("action_edit", pk=assessment.pk, action_pk=action.pk)
    messages.success(request, _("Added the progress note."))
    return redirect(_plan_url(assessment, action))


HISTORY_FIELDS = [
    ("target_level", _("Target level")), ("target_date", _("Target date")), ("text", _("Action")),
    ("lead_institution", _("Lead institution")), ("partners", _("Partners")), ("support_text", _("Support sought")),
    ("indicator", _("Indicator")), ("status", _("Status")), ("drop_reason", _("Reason for dropping")),
    ("completed_on", _("Completed on")),
]
STATUS_LABELS = dict(Action.Status.choices)


def _shown(name: str, value):
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return STATUS_LABELS.get(value, value) if name == "status" else value


@login_required
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change to the plan, newest first: who, when, which action, old → new; and every progress note."""
    assessment, _membership = get_assessment(request, pk)
    records = list(
        Action.history.filter(assessment_id=assessment.pk).select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    codes = dict(Criterion.objects.filter(pk__in={r.criterion_id for r in records}).values_list("pk", "code"))
    entries, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        if record.history_type == "-":
            changes = [(_("Action"), record.text, _("(deleted)"))]
        else:
            changes = [
                (label, _shown(name, getattr(before, name)) if before else None, _shown(name, getattr(record, name)))
                for name, label in HISTORY_FIELDS
                if before is None and getattr(record, name) not in (None, "")
                or before is not None and getattr(before, name) != getattr(record, name)
            ]
        if changes:
            entries.append({"record": record, "code": codes.get(record.criterion_id, "?"), "changes": changes})
        previous[record.id] = record
    entries.sort(key=lambda e: (e["record"].history_date, e["record"].history_id), reverse=True)
    notes = (ProgressNote.objects.filter(action__assessment=assessment).select_related("author", "action__criterion")
             .order_by("-date", "-pk"))
    return render(request, "plans/history.html", {"assessment": assessment, "entries": entries, "notes": notes})


@login_required
def plan_csv(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _membership = get_assessment(request, pk)
    report = build_report(assessment)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.file_stem.replace("gap-report", "plan")}.csv"'
    writer = csv.writer(response)
    writer.writerow(PLAN_CSV_COLUMNS)
    for row in plan_rows(report):
        a = row.action
        writer.writerow(safe_cell(value) for value in [
            row.code, row.statement, row.priority, a.text, a.source or "ministry", a.target_level,
            a.target_date.isoformat(), a.level_now, a.lead_institution, a.partners, a.support, a.indicator,
            a.status_label, a.drop_reason, a.completed_on.isoformat() if a.completed_on else "",
            a.carried_from_cycle, " | ".join(f"{n.date.isoformat()}: {n.text}" for n in a.notes),
        ])
    return response


def _level_now(assessment: Assessment, criterion: Criterion) -> str:
    response = assessment.responses.filter(criterion=criterion).first()
    return response.answer_label if response else _("Unanswered")
