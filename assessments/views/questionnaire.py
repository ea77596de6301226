"""The questionnaire: one page per round table, saved by merging what the person changed (issue 10).

A save writes only the criteria the person changed on the page they opened (each criterion's
form carries a fingerprint of the values it was opened with). When someone else changed one of
those criteria too, the page shows both versions side by side and the person keeps theirs or
takes the other. Typed work is never lost: a save whose session had ended comes back after
sign-in (``unsaved_input``), and a save refused because the assessment was submitted meanwhile
shows the input read-only, to copy.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Sum
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _, ngettext
from django.utils.translation import gettext_lazy

from .. import page_cache, unsaved_input
from ..forms import ResponseForm, initial_for
from ..models import Assessment, Criterion, Response
from ..progress import cached_progress
from ..workflow import (
    ANSWER_FIELDS,
    AnswerInput,
    AssessmentError,
    EditConflict,
    NotAllowed,
    answer_digest,
    can_edit,
    changed_by_person,
    response_values,
    responses_save,
)
from .assessments import get_assessment, page_cache_key_for_parts

CRITERION_FIELD = re.compile(r"^c([0-9]{1,18})-")  # ASCII digits, short enough for int()
ANSWER_LABELS = {
    "score": gettext_lazy("Answer"), "justification": gettext_lazy("Justification"),
    "evidence": gettext_lazy("Evidence"), "evidence_url": gettext_lazy("Evidence link"),
    "confidence": gettext_lazy("Confidence"), "lead_institution": gettext_lazy("Lead institution"),
}


@dataclass
class Page:
    """What the template needs: the sections of criteria, and the errors for the summary at the top."""

    sections: list[dict]
    errors: list[dict]


def questionnaire(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _signed_out(request, pk, number)
    assessment, membership = get_assessment(request, pk)
    round_table = get_object_or_404(assessment.framework_version.round_tables, number=number)
    editable = can_edit(membership, assessment)
    may_write = membership is not None and membership.can_edit
    if request.method == "POST" and not editable:
        if not may_write:
            raise PermissionDenied(_("You cannot change this assessment."))
        return _refused(request, assessment, round_table, request.POST)

    restored = None
    if request.method == "GET" and request.GET.get("restore") and may_write:
        restored = unsaved_input.take(request.GET["restore"], user=request.user, assessment_pk=assessment.pk,
                                      number=number)
        if restored is not None and not editable:
            return _refused(request, assessment, round_table, restored)
        if restored is not None:
            messages.info(request, _("You were signed out before these answers were saved. They are back in the "
                                     "form below, not saved yet: check them and save."))

    cacheable = request.method == "GET" and restored is None
    whole_page = page_cache.page_key(request, assessment.pk, assessment.created_at.timestamp(), assessment.revision,
                                     round_table.pk, editable) if cacheable else None
    if (served := page_cache.cached(request, whole_page)) is not None:
        return served
    cache_key = _sections_cache_key(assessment, round_table, editable) if cacheable else ""
    sections_html = cache.get(cache_key) if cacheable else None
    errors = []
    if sections_html is None:
        outcome = _questionnaire_page(request, assessment, round_table, editable, restored)
        if isinstance(outcome, HttpResponse):
            return outcome
        sections_html = render_to_string("assessments/_questionnaire_sections.html",
                                         {"assessment": assessment, "sections": outcome.sections}, request=request)
        errors = outcome.errors
        if cacheable:
            cache.set(cache_key, sections_html, timeout=3600)
    if whole_page and not errors:
        response = _render(request, assessment, round_table, sections_html, editable=editable,
                           csrf_token=page_cache.PLACEHOLDER)
        return page_cache.keep(request, whole_page, response)
    return _render(request, assessment, round_table, sections_html, editable=editable, errors=errors)


def _sections_cache_key(assessment: Assessment, round_table, editable: bool) -> str:
    """The round table's criterion cards are valid while its own answers are (issue 19): a save on another round
    table leaves this one cached. The digest of its answers (how many, the last change, the sum of their save
    counters) changes with every save, clear and deletion of one of them; every write of a response goes through
    ``save()`` or ``responses_save``, which set ``updated_at`` and bump ``edit_count``. Whether the person may edit
    (role and status) and the language are in the key; the criteria belong to a published version."""
    stamp = assessment.responses.filter(criterion__theme__round_table=round_table).aggregate(
        n=Count("id"), last=Max("updated_at"), edits=Sum("edit_count"))
    last = stamp["last"].timestamp() if stamp["last"] else 0
    return page_cache_key_for_parts(assessment, "questionnaire", round_table.pk, editable, get_language(),
                                    stamp["n"], last, stamp["edits"] or 0)


def _render(request, assessment, round_table, sections_html, *, editable, errors=(), refused=False, status=200,
            csrf_token=None):
    """The page around the criterion cards; ``csrf_token`` replaces the request's token (page_cache)."""
    progress = cached_progress(assessment)
    extra = {"csrf_token": csrf_token} if csrf_token else {}
    numbers = [p.round_table.number for p in progress.round_tables]
    position = numbers.index(round_table.number)
    return render(
        request,
        "assessments/questionnaire.html",
        {
            "assessment": assessment,
            "round_table": round_table,
            "sections_html": mark_safe(sections_html),  # noqa: S308 - rendered by our own template
            "editable": editable,
            "refused": refused,
            "errors": errors,
            "resume_token": unsaved_input.resume_token(request.user, assessment) if editable else "",
            "show_return_comment": assessment.status == Assessment.Status.DRAFT and bool(assessment.return_comment),
            "progress": progress,
            "previous_number": numbers[position - 1] if position > 0 else None,
            "next_number": numbers[position + 1] if position + 1 < len(numbers) else None,
            **extra,
        },
        status=status,
    )


def _signed_out(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Send a signed-out person to sign in; a save they sent comes back to them afterwards."""
    if request.method != "POST":
        return redirect_to_login(request.get_full_path())
    target = reverse("questionnaire", args=[pk, number])
    key = unsaved_input.keep(request.POST, assessment_pk=pk, number=number)
    if key:
        messages.info(request, _("Your session had ended, so your answers were not saved. Sign in again: they will "
                                 "be back in the form, ready to save."))
        target += "?" + urlencode({"restore": key})
    return redirect_to_login(target)


def _round_table_page(assessment: Assessment, round_table):
    criteria_qs = Criterion.objects.prefetch_related("descriptors").order_by("code")
    themes = list(round_table.themes.prefetch_related(Prefetch("criteria", queryset=criteria_qs)))
    responses = {
        r.criterion_id: r
        for r in assessment.responses.filter(criterion__theme__round_table=round_table).select_related("updated_by")
    }
    return themes, responses


def _questionnaire_page(request, assessment, round_table, editable, restored: QueryDict | None):
    """The page's forms, bound to the POST (or restored input) if any; saves and redirects when the POST is valid."""
    themes, responses = _round_table_page(assessment, round_table)
    criteria = [c for theme in themes for c in theme.criteria.all()]
    data = restored
    conflicts: dict[int, dict] = {}

    if request.method == "POST":
        data = request.POST
        page_ids = {c.pk for c in criteria}
        posted_ids = {int(m.group(1)) for key in data for m in [CRITERION_FIELD.match(key)] if m}
        forms = [ResponseForm(data, criterion=c, response=responses.get(c.pk)) for c in criteria]
        if posted_ids - page_ids:
            messages.error(request, _("Nothing was saved: the form names criteria that are not on this page. Reload it."))
        elif all(form.is_valid() for form in forms):
            answers = [f.to_input() for f in forms]
            try:
                changed = responses_save(assessment=assessment, user=request.user, answers=answers)
            except EditConflict as error:
                messages.error(request, str(error))
                themes, responses = _round_table_page(assessment, round_table)  # what the page holds now
                theirs = {r.criterion_id: r for r in error.conflicts}
                mine = {a.criterion_id: a for a in answers}
                conflicts = {pk: {"theirs": r, "rows": _comparison(mine[pk], r)} for pk, r in theirs.items()}
                data = _after_conflict(request.POST, answers, responses, theirs)
            except NotAllowed:
                return _refused(request, Assessment.objects.get(pk=assessment.pk), round_table, request.POST)
            except AssessmentError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    ngettext("Saved %(code)s: %(count)d answer(s) changed.", "Saved %(code)s: %(count)d answer(s) changed.",
                             changed) % {"code": round_table.code, "count": changed},
                )
                _warn_about_missing_evidence(request, assessment, round_table)
                target = request.POST.get("next_round_table")
                number = int(target) if target and re.fullmatch(r"[0-9]{1,4}", target) else round_table.number
                return redirect("questionnaire", pk=assessment.pk, number=number)
        else:
            messages.error(request, _("Nothing was saved: correct the answers marked below."))

    forms = {c.pk: ResponseForm(data, criterion=c, response=responses.get(c.pk), read_only=not editable) for c in criteria}
    if data is not None:
        for form in forms.values():
            form.is_valid()
    for criterion_id in conflicts:  # just shown: the choice is asked for, not yet missing
        forms[criterion_id].errors.pop("resolve", None)
    sections = [
        {"theme": theme,
         "items": [(c, forms[c.pk], responses.get(c.pk), conflicts.get(c.pk)) for c in theme.criteria.all()]}
        for theme in themes
    ]
    errors = [entry for c in criteria for entry in _error_entries(c, forms[c.pk])] if data is not None else []
    return Page(sections=sections, errors=errors)


def _after_conflict(post: QueryDict, answers: list[AnswerInput], responses: dict[int, Response],
                    theirs: dict[int, Response]) -> QueryDict:
    """The form to show after a conflict: the person's changes, the current values of everything else.

    A criterion in conflict keeps the person's input and now counts as opened on the other
    version, so that "keep mine" writes it and a further change by someone else is a new conflict.
    """
    data = post.copy()
    for answer in answers:
        prefix = f"c{answer.criterion_id}-"
        if answer.criterion_id in theirs:
            other = theirs[answer.criterion_id]
            data[prefix + "opened"] = answer_digest(response_values(other))
            data[prefix + "base"] = str(other.edit_count)
            data[prefix + "in_conflict"] = "1"
            data.pop(prefix + "resolve", None)
        elif answer.keep_current or not changed_by_person(answer):
            for name, value in initial_for(responses.get(answer.criterion_id)).items():
                data[prefix + name] = "" if value is None else str(value)
            data.pop(prefix + "in_conflict", None)
            data.pop(prefix + "resolve", None)
    return data


def _answer_text(values: dict) -> str:
    if values["not_applicable"]:
        return _("Not applicable")
    if values["dont_know"]:
        return _("Don't know")
    return _("No answer") if values["score"] is None else _("Level %(level)s") % {"level": values["score"]}


def _comparison(mine: AnswerInput, theirs: Response) -> list[tuple]:
    """Both versions of a criterion, field by field: (label, yours, theirs, differs)."""
    rows = []
    yours, other = (dict(zip(ANSWER_FIELDS, values)) for values in (mine.values(), response_values(theirs)))
    for name, label in ANSWER_LABELS.items():
        if name == "score":
            a, b = _answer_text(yours), _answer_text(other)
        elif name == "confidence":
            a, b = (Response.Confidence(v).label if v in Response.Confidence.values else v
                    for v in (yours[name], other[name]))
        else:
            a, b = yours[name], other[name]
        rows.append((label, a, b, a != b))
    return rows


def _error_entries(criterion, form) -> list[dict]:
    """One entry per field in error, linked to the control itself (the first option of a radio group)."""
    entries = []
    for name, errors in form.errors.items():
        if name in form.fields and not form.fields[name].widget.is_hidden:
            target = f"id_{form.add_prefix(name)}"
            if name in ("answer", "resolve"):
                target += "_0"
            label = form.fields[name].label or name.replace("_", " ").capitalize()
        else:
            target, label = f"criterion-{criterion.pk}", _("Answer")
        if name == "answer":
            label = _("Answer")
        entries.append({"target": target, "text": f"{criterion.code} – {label}: {' '.join(errors)}"})
    return entries


def _warn_about_missing_evidence(request, assessment, round_table) -> None:
    """Level 3 and 4 are expected to cite evidence: saved anyway, with a visible reminder."""
    unevidenced = assessment.responses.filter(criterion__theme__round_table=round_table, score__gte=3, evidence="",
                                              evidence_url="")
    codes = list(unevidenced.order_by("criterion__code").values_list("criterion__code", flat=True))
    if codes:
        messages.warning(request, _("%(codes)s: level 3 or 4 without evidence. Saved anyway; add the instrument, date "
                                    "and reference when you have them.") % {"codes": ", ".join(codes)})


def _refused(request, assessment, round_table, data: QueryDict) -> HttpResponse:
    """The assessment left draft while the person was editing: their input, read-only, to copy."""
    themes, responses = _round_table_page(assessment, round_table)
    sections = []
    for theme in themes:
        items = []
        for c in theme.criteria.all():
            prefix = f"c{c.pk}-"
            posted = {name[len(prefix):]: data.get(name) for name in data if name.startswith(prefix)}
            form = ResponseForm(criterion=c, initial=posted or initial_for(responses.get(c.pk)), read_only="copy")
            items.append((c, form, responses.get(c.pk), None))
        sections.append({"theme": theme, "items": items})
    who = assessment.submitted_by if assessment.status == Assessment.Status.SUBMITTED else assessment.approved_by
    status = assessment.get_status_display().lower()
    if who:
        text = _("Not saved: the assessment was %(status)s by %(person)s while you were editing, so it can no longer "
                 "be changed from this page. Your input is shown below, read-only: copy what you need, and ask the "
                 "focal point to return the assessment to draft.") % {"status": status, "person": who}
    else:
        text = _("Not saved: the assessment was %(status)s while you were editing, so it can no longer be changed "
                 "from this page. Your input is shown below, read-only: copy what you need, and ask the focal point "
                 "to return the assessment to draft.") % {"status": status}
    messages.error(request, text)
    sections_html = render_to_string("assessments/_questionnaire_sections.html",
                                     {"assessment": assessment, "sections": sections}, request=request)
    return _render(request, assessment, round_table, sections_html, editable=False, refused=True, status=409)
