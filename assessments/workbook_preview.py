"""The preview of an uploaded workbook (issue 16): a pure function of its parsed rows and the current values.

Each row's cells are checked as the questionnaire checks a page (the same form fields, so the
same limits and messages); a row as downloaded is taken as it is, unchecked and unnormalised, so
that download → upload unchanged is "no changes". Conflicts are criteria changed online since the
download *and* in the file, to different values.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from .forms import ResponseForm
from .models import Response
from .workbook import TEXT_FIELDS, ParsedRow, confidence_labels, dont_know_label, not_applicable_label
from .workflow import ANSWER_FIELDS, answer_digest, response_values

# --- Upload: the rows -------------------------------------------------------------------------------


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _level(value) -> tuple[tuple | None, str]:
    """(score, not applicable, don't know) from the Answer cell, or None and the reason."""
    if isinstance(value, bool):
        value = _as_text(value)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 0 <= value <= 4:
            return (int(value), False, False), ""
    else:
        text = " ".join(_as_text(value).split()).replace("’", "'")
        if text == "":
            return (None, False, False), ""
        if text in ("0", "1", "2", "3", "4"):
            return (int(text), False, False), ""
        if text.casefold() in {s.casefold() for s in (not_applicable_label(), "Not applicable")}:
            return (None, True, False), ""
        if text.casefold() in {s.casefold() for s in (dont_know_label(), "Don't know")}:
            return (None, False, True), ""
    return None, _("Answer “%(value)s” is not one of 0, 1, 2, 3, 4, Not applicable, Don't know.") % {
        "value": _as_text(value)[:40]}


def _confidence(value) -> tuple[str | None, str]:
    text = " ".join(_as_text(value).split())
    if text == "":
        return Response.Confidence.SELF_DECLARED, ""
    for code, label in confidence_labels().items():
        if text.casefold() in (label.casefold(), code):
            return code, ""
    return None, _("Confidence “%(value)s” is not one of: %(choices)s.") % {
        "value": text[:40], "choices": ", ".join(confidence_labels().values())}


def row_values(row: ParsedRow) -> tuple[tuple | None, list[str]]:
    """The criterion's values as the file gives them, checked as the questionnaire checks them; or the reasons."""
    level, level_problem = _level(row.cells["answer"])
    confidence, confidence_problem = _confidence(row.cells["confidence"])
    raw_texts = {name: _as_text(row.cells[name]) for name in TEXT_FIELDS}
    if level is not None and confidence is not None:
        raw = (*level, raw_texts["justification"], raw_texts["evidence"], raw_texts["evidence_url"], confidence,
               raw_texts["lead_institution"])
        if answer_digest(raw) == row.opened:  # as downloaded: no checks, no normalising
            return raw, []
    problems = [p for p in (level_problem, confidence_problem) if p]
    texts = {}
    for name in TEXT_FIELDS:
        form_field = ResponseForm.base_fields[name]
        try:
            texts[name] = form_field.clean(raw_texts[name]) or ""
        except ValidationError as error:
            label = form_field.label or name.replace("_", " ").capitalize()
            problems += [f"{label}: {message}" for message in error.messages]
    if level is not None and (level[1] or level[2]) and not texts.get("justification", "x").strip():
        label = not_applicable_label() if level[1] else dont_know_label()
        problems.append(_("%(answer)s needs a justification: say why.") % {"answer": label})
    if problems:
        return None, problems
    return (*level, texts["justification"].strip(), texts["evidence"].strip(), texts["evidence_url"], confidence,
            texts["lead_institution"].strip()), []


# --- Upload: the preview (pure) ----------------------------------------------------------------------------


@dataclass
class RowOutcome:
    pk: int
    code: str
    sheet: str
    row: int
    differences: list[tuple] = field(default_factory=list)  # (label, old, new)
    problems: list[str] = field(default_factory=list)
    values: tuple | None = None  # what the file holds, checked
    online: tuple | None = None  # what the application holds now (conflicts)
    online_digest: str = ""


@dataclass
class Preview:
    changes: list[RowOutcome]
    conflicts: list[RowOutcome]
    refusals: list[RowOutcome]
    unchanged: int

    @property
    def can_confirm(self) -> bool:
        return not self.refusals and bool(self.changes or self.conflicts)


FIELD_LABELS = [("answer", N_("Answer")), ("justification", N_("Justification")), ("evidence", N_("Evidence")),
                ("evidence_url", N_("Evidence link")), ("confidence", N_("Confidence")),
                ("lead_institution", N_("Lead institution"))]


def describe_answer(values: tuple) -> str:
    score, not_applicable, dont_know = values[:3]
    if not_applicable:
        return not_applicable_label()
    if dont_know:
        return dont_know_label()
    return _("No answer") if score is None else _("Level %(score)s") % {"score": score}


def differences(old: tuple, new: tuple) -> list[tuple]:
    a, b = dict(zip(ANSWER_FIELDS, old)), dict(zip(ANSWER_FIELDS, new))
    labels = confidence_labels()
    rows = []
    for key, label in FIELD_LABELS:
        if key == "answer":
            before, after = describe_answer(old), describe_answer(new)
        elif key == "confidence":
            before, after = labels.get(a[key], a[key]), labels.get(b[key], b[key])
        else:
            before, after = a[key].replace("\r\n", "\n"), b[key].replace("\r\n", "\n")
        if before != after:
            rows.append((_(label), before, after))
    return rows


def workbook_preview(rows: list[ParsedRow], current: dict[int, tuple]) -> Preview:
    """What confirming would do: a pure function of the parsed rows and the current values (by criterion pk)."""
    blank = response_values(None)
    changes, conflicts, refusals, unchanged = [], [], [], 0
    for row in rows:
        outcome = RowOutcome(pk=row.pk, code=row.code, sheet=row.sheet, row=row.row)
        values, problems = row_values(row)
        if problems:
            outcome.problems = problems
            refusals.append(outcome)
            continue
        now = current.get(row.pk, blank)
        outcome.values = values
        file_changed = answer_digest(values) != row.opened
        if not file_changed or answer_digest(values) == answer_digest(now):
            unchanged += 1
        elif answer_digest(now) != row.opened:
            outcome.online, outcome.online_digest = now, answer_digest(now)
            outcome.differences = differences(now, values)
            conflicts.append(outcome)
        else:
            outcome.differences = differences(now, values)
            changes.append(outcome)
    return Preview(changes=changes, conflicts=conflicts, refusals=refusals, unchanged=unchanged)
