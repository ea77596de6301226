"""Workflow pages of an assessment: start, submit, approve (after a confirmation), return, delete a draft.

Each view looks the assessment up through ``for_user`` (a stranger gets 404),
calls one write function of ``workflow.py`` and turns its domain error into a
message (a wrong role is 403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import ReturnForm, StartAssessmentForm
from ..models import Assessment, Government
from ..progress import cached_progress
from ..workflow import (
    AssessmentError,
    NotAllowed,
    approval_problem,
    assessment_approve,
    assessment_delete,
    assessment_return,
    assessment_start,
    assessment_submit,
)
from .assessments import get_assessment


@login_required
@require_POST
def assessment_start_view(request: HttpRequest, government_pk: int) -> HttpResponse:
    government = get_object_or_404(Government.objects.filter(memberships__user=request.user), pk=government_pk)
    form = StartAssessmentForm(request.POST, prefix=f"g{government.pk}")
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, _("The assessment was not started: %(errors)s") % {"errors": errors})
        return redirect("home")
    try:
        assessment = assessment_start(government=government, user=request.user, **form.cleaned_data)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except AssessmentError as error:
        messages.error(request, str(error))
        return redirect("home")
    messages.success(request, _("Started the assessment %(assessment)s.") % {"assessment": assessment})
    return redirect("assessment_detail", pk=assessment.pk)


def _workflow_action(request, pk, write, done: str, failed: str, **kwargs) -> HttpResponse:
    assessment, _membership = get_assessment(request, pk)
    try:
        write(assessment=assessment, user=request.user, **kwargs)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except AssessmentError as error:
        messages.error(request, _("%(failed)s %(error)s") % {"failed": failed, "error": error})
    else:
        messages.success(request, done)
    return redirect("assessment_detail", pk=assessment.pk)


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def _focal_point_page(request, pk) -> Assessment:
    """A confirmation page: the assessment (404 for strangers), for its focal point only (403 for other roles)."""
    assessment, membership = get_assessment(request, pk)
    if membership is None or not membership.is_focal_point:
        raise PermissionDenied(_("Only the government's focal point can do this."))
    return assessment


@login_required
@require_POST
def assessment_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_action(request, pk, assessment_submit, _("Submitted for approval."), _("Not submitted:"))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (approving is final); POST approves."""
    if request.method == "POST":
        return _workflow_action(request, pk, assessment_approve, _("Approved. The assessment is now final."),
                                _("Not approved:"))
    assessment = _focal_point_page(request, pk)
    if assessment.status != Assessment.Status.SUBMITTED:
        messages.error(request, approval_problem(assessment, request.user))
        return redirect("assessment_detail", pk=assessment.pk)
    return render(request, "assessments/approve_confirm.html", {
        "assessment": assessment,
        "problem": approval_problem(assessment, request.user),
        "submitter": person_name(assessment.submitted_by),
        "progress": cached_progress(assessment),
    })


@login_required
@require_POST
def assessment_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    if not form.is_valid():
        get_assessment(request, pk)  # a stranger still gets 404, not a message
        messages.error(request, _("Not returned: say why the assessment goes back to draft (at most 2000 characters)."))
        return redirect("assessment_detail", pk=pk)
    return _workflow_action(request, pk, assessment_return, _("Returned to draft."), _("Not returned:"),
                            comment=form.cleaned_data["comment"])


@login_required
@require_http_methods(["GET", "POST"])
def assessment_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the draft and goes home."""
    assessment = _focal_point_page(request, pk)
    if request.method == "POST":
        try:
            assessment_delete(assessment=assessment, user=request.user)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except AssessmentError as error:
            messages.error(request, _("Not deleted: %(error)s") % {"error": error})
            return redirect("assessment_detail", pk=assessment.pk)
        messages.success(request, _("Deleted the draft assessment %(assessment)s.") % {"assessment": assessment})
        return redirect("home")
    if assessment.status != Assessment.Status.DRAFT:
        messages.error(request, _("Only a draft can be deleted; this assessment is %(status)s.") % {
            "status": assessment.get_status_display().lower()})
        return redirect("assessment_detail", pk=assessment.pk)
    return render(request, "assessments/delete_confirm.html", {
        "assessment": assessment,
        "progress": cached_progress(assessment),
    })
