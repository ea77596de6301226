"""Workflow pages of an assessment: start, submit, approve, return.

Each view looks the assessment up through ``for_user`` (a stranger gets 404),
calls one write function of ``workflow.py`` and turns its domain error into a
message (a wrong role is 403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from ..forms import ReturnForm, StartAssessmentForm
from ..models import Government
from ..workflow import (
    AssessmentError,
    AssessmentIncomplete,
    NotAllowed,
    assessment_approve,
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
        messages.error(request, f"The assessment was not started: {errors}")
        return redirect("home")
    try:
        assessment = assessment_start(government=government, user=request.user, **form.cleaned_data)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except AssessmentError as error:
        messages.error(request, str(error))
        return redirect("home")
    messages.success(request, f"Started the assessment {assessment}.")
    return redirect("assessment_detail", pk=assessment.pk)



def _workflow_action(request, pk, write, done, **kwargs):
    assessment, _ = get_assessment(request, pk)
    try:
        write(assessment=assessment, user=request.user, **kwargs)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except AssessmentIncomplete as error:
        messages.error(request, f"Not submitted: {error}")
    except AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("assessment_detail", pk=assessment.pk)


@login_required
@require_POST
def assessment_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_action(request, pk, assessment_submit, "Submitted for approval.")


@login_required
@require_POST
def assessment_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_action(request, pk, assessment_approve, "Approved. The assessment is now final.")


@login_required
@require_POST
def assessment_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    if not form.is_valid():
        get_assessment(request, pk)  # a stranger still gets 404, not a message
        messages.error(request, "Not returned: say why the assessment goes back to draft (at most 2000 characters).")
        return redirect("assessment_detail", pk=pk)
    return _workflow_action(request, pk, assessment_return, "Returned to draft.", comment=form.cleaned_data["comment"])

