"""Pages of an assessment: home, overview, workflow, history (the questionnaire is in questionnaire.py).

Every look-up of a government's data goes through ``for_user``: an assessment
that the user may not read is not found (404), never fetched and then checked.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..forms import ReturnForm, StartAssessmentForm
from ..models import Assessment, Criterion, FrameworkVersion, Government, Membership, Response, is_secretariat
from ..progress import assessment_progress
from ..workflow import (
    AssessmentError,
    AssessmentIncomplete,
    NotAllowed,
    assessment_approve,
    assessment_return,
    assessment_start,
    assessment_submit,
    can_edit,
    membership_of,
    unanswered_criteria,
)

def get_assessment(request: HttpRequest, pk: int) -> tuple[Assessment, Membership | None]:
    assessment = get_object_or_404(
        Assessment.objects.for_user(request.user).select_related("government", "framework_version"), pk=pk
    )
    return assessment, membership_of(request.user, assessment.government)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(request.user.memberships.select_related("government"))
    assessments = list(
        Assessment.objects.for_user(request.user)
        .select_related("government", "framework_version")
        .annotate(
            answered=Count(
                "responses",
                filter=Q(responses__score__isnull=False)
                | Q(responses__not_applicable=True)
                | Q(responses__dont_know=True),
            )
        )
        .order_by("government__name", "-cycle")
    )
    totals = dict(FrameworkVersion.objects.annotate(n=Count("criteria")).values_list("pk", "n"))
    for assessment in assessments:
        assessment.total = totals.get(assessment.framework_version_id, 0)
        assessment.percent = round(100 * assessment.answered / assessment.total) if assessment.total else 0
    start_forms = {
        m.government_id: StartAssessmentForm(prefix=f"g{m.government_id}") for m in memberships if m.is_focal_point
    }
    governments = [
        {
            "government": m.government,
            "role": m.get_role_display(),
            "assessments": [a for a in assessments if a.government_id == m.government_id],
            "start_form": start_forms.get(m.government_id),
        }
        for m in memberships
    ]
    member_ids = {m.government_id for m in memberships}
    return render(
        request,
        "assessments/home.html",
        {
            "governments": governments,
            "secretariat": is_secretariat(request.user),
            "other_assessments": [a for a in assessments if a.government_id not in member_ids],
        },
    )


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


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, membership = get_assessment(request, pk)
    progress = assessment_progress(assessment)
    unanswered = unanswered_criteria(assessment)
    by_round_table = {}
    for criterion in unanswered:
        by_round_table.setdefault(criterion.theme.round_table, []).append(criterion)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "membership": membership,
            "progress": progress,
            "unanswered": by_round_table,
            "can_edit": can_edit(membership, assessment),
            "is_focal_point": membership is not None and membership.is_focal_point,
            "return_form": ReturnForm(),
            "report_url": reverse("report", args=[assessment.pk]),
        },
    )


def page_cache_key(assessment: Assessment, *parts) -> str:
    """Rendered fragments are valid for one revision of one assessment (every save bumps the revision)."""
    return ":".join(map(str, ("hld", assessment.pk, assessment.created_at.timestamp(), assessment.revision, *parts)))


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


HISTORY_FIELDS = [
    ("score", "Level"),
    ("not_applicable", "Not applicable"),
    ("dont_know", "Don't know"),
    ("justification", "Justification"),
    ("evidence", "Evidence"),
    ("evidence_url", "Evidence link"),
    ("confidence", "Confidence"),
    ("lead_institution", "Lead institution"),
]


def _history_value(name: str, value):
    """What a person reads in the history table: labels, not stored codes."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "confidence" and value in Response.Confidence.values:
        return Response.Confidence(value).label
    return value


@login_required
def criterion_history(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    assessment, _ = get_assessment(request, pk)
    criterion = get_object_or_404(assessment.framework_version.criteria.select_related("theme__round_table"), pk=criterion_pk)
    records = list(
        Response.history.filter(assessment_id=assessment.pk, criterion_id=criterion.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        changes = [
            (label, _history_value(name, getattr(previous, name)) if previous else None,
             _history_value(name, getattr(record, name)))
            for name, label in HISTORY_FIELDS
            if previous is None and getattr(record, name) not in (None, "", False)
            or previous is not None and getattr(previous, name) != getattr(record, name)
        ]
        entries.append({"record": record, "changes": changes})
        previous = record
    entries.reverse()
    return render(
        request,
        "assessments/history.html",
        {"assessment": assessment, "criterion": criterion, "entries": entries},
    )


def questionnaire_url(assessment: Assessment, criterion: Criterion) -> str:
    return reverse("questionnaire", args=[assessment.pk, criterion.theme.round_table.number]) + f"#criterion-{criterion.pk}"
