"""Pages of an assessment: home, overview, history (the questionnaire: questionnaire.py; workflow pages: workflow.py).

Every look-up of a government's data goes through ``for_user``: an assessment
that the user may not read is not found (404), never fetched and then checked.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext, gettext_lazy

from ..access import access_of
from ..conditional import release
from ..forms import ReturnForm, StartAssessmentForm
from ..models import (
    Assessment,
    Criterion,
    FrameworkVersion,
    Membership,
    Response,
    is_secretariat,
    is_secretariat_admin,
)
from ..progress import cached_progress
from ..workflow import (
    can_edit,
    unanswered_criteria,
)

HOME_PAGE_SIZE = 50


def get_assessment(request: HttpRequest, pk: int) -> tuple[Assessment, Membership | None]:
    # The person's memberships and secretariat flag in one query (assessments/access.py), then the assessment.
    access = access_of(request.user)
    assessment = get_object_or_404(
        Assessment.objects.filter(access.visible()).select_related("government", "framework_version"), pk=pk
    )
    return assessment, access.memberships.get(assessment.government_id)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(request.user.memberships.select_related("government"))
    member_ids = {m.government_id for m in memberships}
    listed = (
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
    assessments = list(listed.filter(government_id__in=member_ids))
    # The secretariat's list of every government's submitted and approved assessments, paged (issue 19: with 200
    # governments it was 600 rows on one page).
    others = (Paginator(listed.exclude(government_id__in=member_ids), HOME_PAGE_SIZE).get_page(request.GET.get("page"))
              if is_secretariat(request.user) else None)
    totals = dict(FrameworkVersion.objects.annotate(n=Count("criteria")).values_list("pk", "n"))
    for assessment in [*assessments, *(others.object_list if others else [])]:
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
    editor = request.user.is_staff and request.user.has_perm("assessments.change_criterion")
    return render(
        request,
        "assessments/home.html",
        {
            "governments": governments,
            "secretariat": is_secretariat(request.user),
            "secretariat_admin": is_secretariat_admin(request.user),
            "editor": editor,
            "draft_versions": FrameworkVersion.objects.filter(status=FrameworkVersion.Status.DRAFT) if editor else [],
            "other_assessments": others.object_list if others else [],
            "other_page": others,
        },
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, membership = get_assessment(request, pk)
    progress = cached_progress(assessment)
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
            "events": assessment.events.select_related("actor"),
            "report_url": reverse("report", args=[assessment.pk]),
        },
    )


def page_cache_key_for_parts(assessment: Assessment, *parts) -> str:
    """A fragment of one assessment (its primary key and creation time) valid for what ``parts`` name, in one
    release of the code (a shared Redis outlives an upgrade; a fragment of the old templates must not be reused)."""
    return ":".join(map(str, ("hld", release(), assessment.pk, assessment.created_at.timestamp(), *parts)))


def page_cache_key(assessment: Assessment, *parts) -> str:
    """Rendered fragments are valid for one revision of one assessment (every save bumps the revision), in one
    language (the framework's texts and the interface are translated)."""
    return page_cache_key_for_parts(assessment, assessment.revision, get_language(), *parts)




HISTORY_FIELDS = [
    ("score", gettext_lazy("Level")),
    ("not_applicable", gettext_lazy("Not applicable")),
    ("dont_know", gettext_lazy("Don't know")),
    ("justification", gettext_lazy("Justification")),
    ("evidence", gettext_lazy("Evidence")),
    ("evidence_url", gettext_lazy("Evidence link")),
    ("confidence", gettext_lazy("Confidence")),
    ("lead_institution", gettext_lazy("Lead institution")),
]


def _history_value(name: str, value):
    """What a person reads in the history table: labels, not stored codes."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
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
