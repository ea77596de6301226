"""Pages of an assessment: home, overview, questionnaire per round table, history (workflow pages: workflow.py).

Every look-up of a government's data goes through ``for_user``: an assessment
that the user may not read is not found (404), never fetched and then checked.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..forms import ResponseForm, ReturnForm, StartAssessmentForm
from ..models import (
    Assessment,
    Criterion,
    FrameworkVersion,
    Government,
    Membership,
    Response,
    is_secretariat,
    is_secretariat_admin,
)
from ..progress import assessment_progress
from ..workflow import (
    AssessmentError,
    EditConflict,
    NotAllowed,
    can_edit,
    membership_of,
    responses_save,
    unanswered_criteria,
)

CRITERION_FIELD = re.compile(r"^c([0-9]{1,18})-")  # ASCII digits, short enough for int()


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
            "other_assessments": [a for a in assessments if a.government_id not in member_ids],
        },
    )


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
            "events": assessment.events.select_related("actor"),
            "report_url": reverse("report", args=[assessment.pk]),
        },
    )


def _round_table_page(assessment: Assessment, round_table):
    criteria_qs = Criterion.objects.prefetch_related("descriptors").order_by("code")
    themes = list(round_table.themes.prefetch_related(Prefetch("criteria", queryset=criteria_qs)))
    responses = {
        r.criterion_id: r
        for r in assessment.responses.filter(criterion__theme__round_table=round_table).select_related("updated_by")
    }
    return themes, responses


def page_cache_key(assessment: Assessment, *parts) -> str:
    """Rendered fragments are valid for one revision of one assessment (every save bumps the revision)."""
    return ":".join(map(str, ("hld", assessment.pk, assessment.created_at.timestamp(), assessment.revision, *parts)))


@login_required
def questionnaire(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    assessment, membership = get_assessment(request, pk)
    round_table = get_object_or_404(assessment.framework_version.round_tables, number=number)
    editable = can_edit(membership, assessment)
    if request.method == "POST" and not editable:
        raise PermissionDenied("You cannot change this assessment.")

    cache_key = page_cache_key(assessment, "questionnaire", number, editable)
    sections_html = cache.get(cache_key) if request.method == "GET" else None
    if sections_html is None:
        outcome = _questionnaire_forms(request, assessment, round_table, editable)
        if isinstance(outcome, HttpResponse):
            return outcome
        sections_html = render_to_string("assessments/_questionnaire_sections.html",
                                         {"assessment": assessment, "sections": outcome}, request=request)
        if request.method == "GET":
            cache.set(cache_key, sections_html, timeout=3600)

    progress = assessment_progress(assessment)
    numbers = [p.round_table.number for p in progress.round_tables]
    position = numbers.index(number)
    return render(
        request,
        "assessments/questionnaire.html",
        {
            "assessment": assessment,
            "round_table": round_table,
            "sections_html": mark_safe(sections_html),  # noqa: S308 - rendered by our own template above
            "editable": editable,
            "progress": progress,
            "previous_number": numbers[position - 1] if position > 0 else None,
            "next_number": numbers[position + 1] if position + 1 < len(numbers) else None,
        },
    )


def _questionnaire_forms(request, assessment, round_table, editable):
    """The page's forms, bound to the POST if there is one; saves and redirects when the POST is valid."""
    themes, responses = _round_table_page(assessment, round_table)
    criteria = [c for theme in themes for c in theme.criteria.all()]
    data = None
    conflicts: dict[int, Response] = {}

    if request.method == "POST":
        data = request.POST
        page_ids = {c.pk for c in criteria}
        posted_ids = {int(m.group(1)) for key in data for m in [CRITERION_FIELD.match(key)] if m}
        forms = [ResponseForm(data, criterion=c, response=responses.get(c.pk)) for c in criteria]
        if posted_ids - page_ids:
            messages.error(request, "Nothing was saved: the form names criteria that are not on this page. Reload it.")
        elif all(form.is_valid() for form in forms):
            try:
                changed = responses_save(assessment=assessment, user=request.user, answers=[f.to_input() for f in forms])
            except EditConflict as error:
                messages.error(request, str(error))
                conflicts = {r.criterion_id: r for r in error.conflicts}
                # Keep the person's input; a second save deliberately overwrites what they have now seen.
                data = data.copy()
                for criterion_id, response in conflicts.items():
                    data[f"c{criterion_id}-base"] = str(response.edit_count)
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except AssessmentError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Saved {round_table.code}: {changed} answer(s) changed.")
                target = request.POST.get("next_round_table")
                number = int(target) if target and re.fullmatch(r"[0-9]{1,4}", target) else round_table.number
                return redirect("questionnaire", pk=assessment.pk, number=number)
        else:
            messages.error(request, "Nothing was saved: correct the answers marked below.")

    forms = {c.pk: ResponseForm(data, criterion=c, response=responses.get(c.pk), read_only=not editable) for c in criteria}
    if data is not None:
        for form in forms.values():
            form.is_valid()
    return [
        {"theme": theme, "items": [(c, forms[c.pk], responses.get(c.pk), conflicts.get(c.pk)) for c in theme.criteria.all()]}
        for theme in themes
    ]


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
