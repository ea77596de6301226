"""The workbook against the database: what a download shows, an upload waiting for its confirmation, the write.

Between the preview and the confirmation the parsed upload stays on the server, never in the
page: a file ``MEDIA_ROOT/workbook-uploads/<random id>.json`` (mode 0600) holding the checked
rows, signed (``django.core.signing``) and bound to the person and the assessment. The page
carries only the random id; a confirmation by anyone else, for another assessment, after
``HLD_WORKBOOK_PENDING_SECONDS`` or with a changed file is refused. The file is deleted once
the answers are written (or a newer upload replaces it); stale ones are swept on each upload.

Confirming writes through ``responses_save`` (one transaction, the row locks, the merge rules),
with "from workbook" in every history record, so the revision, caches and report follow.
"""

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Assessment, Criterion
from .workbook import (
    CriterionRow,
    ParsedRow,
    ParsedWorkbook,
    SheetContent,
    WorkbookRefused,
    check_belongs,
    sheet_title,
    workbook_build,
    workbook_read,
)
from .workbook_preview import Preview, workbook_preview
from .workflow import AnswerInput, response_values, responses_save

PENDING_DIR = "workbook-uploads"
SALT = "hldassess.workbook.pending"
CHANGE_REASON = "from workbook"
CONFLICT_FILE, CONFLICT_ONLINE = "file", "online"


def may_upload(assessment: Assessment) -> bool:
    return assessment.status == Assessment.Status.DRAFT


def refuse_unless_draft(assessment: Assessment) -> None:
    if not may_upload(assessment):
        raise WorkbookRefused(_("Refused: the assessment is %(status)s, so it no longer accepts workbooks. Nothing was "
                                "changed; a focal point can return it to draft.")
                              % {"status": assessment.get_status_display().lower()})


# --- Download ----------------------------------------------------------------------------------


def _sheets(assessment: Assessment, round_table=None) -> list[SheetContent]:
    criteria = Criterion.objects.prefetch_related("descriptors").select_related("theme").order_by(
        "theme__order", "theme__code", "code")
    round_tables = assessment.framework_version.round_tables.order_by("number").prefetch_related(
        Prefetch("themes__criteria", queryset=criteria))
    if round_table is not None:
        round_tables = round_tables.filter(pk=round_table.pk)
    responses = {r.criterion_id: r for r in assessment.responses.all()}
    sheets = []
    for rt in round_tables:
        rows = []
        for theme in rt.themes.all():
            for c in theme.criteria.all():
                texts = {d.level: f"{d.label}: {d.text}" if d.label else d.text for d in c.descriptors.all()}
                response = responses.get(c.pk)
                rows.append(CriterionRow(
                    pk=c.pk, code=c.code, theme=theme.code, statement=c.statement,
                    descriptors=[texts.get(level, "") for level in range(5)], values=response_values(response),
                    edit_count=response.edit_count if response else 0,
                ))
        sheets.append(SheetContent(title=sheet_title(rt.code), heading=str(rt), rows=rows))
    return sheets


def workbook_for(assessment: Assessment, *, editable: bool, round_table=None) -> bytes:
    version = assessment.framework_version
    identity = {"a": assessment.pk, "v": version.pk, "s": round_table.number if round_table else None,
                "assessment": str(assessment), "framework": version.name,
                "downloaded": timezone.now().isoformat(timespec="seconds")}
    what = round_table.code if round_table else _("every round table")
    lines = [
        _("Framework: %(framework)s. This workbook covers %(what)s.") % {"framework": version.name, "what": what},
        _("Answer in the shaded cells of each round table's sheet: Answer (0 to 4 as described in the Level "
          "columns, Not applicable or Don't know, from the drop-down), Justification (required for Not applicable "
          "and Don't know), Evidence, Evidence link (an http:// or https:// address), Confidence (drop-down) and "
          "Lead institution. Texts are limited as in the application: 5,000 characters for justification and "
          "evidence, 2,000 for the link, 200 for the lead institution."),
        _("Do not add, delete, move or rename sheets or rows, and do not change the codes: the upload matches each "
          "row to its criterion and refuses a workbook whose rows have moved. The hidden sheet identifies this "
          "assessment; a changed one is refused."),
        _("Formulas are not calculated: whatever a cell holds is taken as text."),
        _("Upload the workbook from the assessment's page. You will first see what would change, criterion by "
          "criterion, what is refused and why, and any criterion that someone changed online since you downloaded "
          "this file; nothing is saved until you confirm."),
    ]
    if not editable:
        lines.insert(1, _("This copy is read-only: you cannot change this assessment, so every cell is locked."))
    return workbook_build(title=str(assessment), sheets=_sheets(assessment, round_table), identity=identity,
                          editable=editable, instructions=lines)


# --- Upload: parse, preview, keep for the confirmation ---------------------------------------------


def current_values(assessment: Assessment, parsed_pks) -> dict[int, tuple]:
    return {r.criterion_id: response_values(r) for r in assessment.responses.filter(criterion_id__in=parsed_pks)}


def workbook_parse(assessment: Assessment, data: bytes, filename: str) -> ParsedWorkbook:
    refuse_unless_draft(assessment)
    parsed = workbook_read(data, filename)
    version = assessment.framework_version
    check_belongs(parsed, assessment_pk=assessment.pk, version_pk=version.pk, version_name=version.name)
    known = set(version.criteria.values_list("pk", flat=True))
    if any(row.pk not in known for row in parsed.rows):  # a signed token cannot name them; belt and braces
        raise WorkbookRefused(_("Refused: the workbook names criteria that are not part of this assessment."))
    return parsed


def preview_for(assessment: Assessment, parsed_rows: list[dict]) -> Preview:
    rows = [ParsedRow(**row) for row in parsed_rows]
    return workbook_preview(rows, current_values(assessment, [r.pk for r in rows]))


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / PENDING_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _sweep(folder: Path) -> None:
    cutoff = time.time() - settings.HLD_WORKBOOK_PENDING_SECONDS
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def pending_keep(*, user, assessment: Assessment, parsed: ParsedWorkbook, filename: str) -> str:
    """Keep the parsed rows on the server; returns the id the preview page carries."""
    folder = _folder()
    _sweep(folder)
    key = secrets.token_hex(16)
    payload = {"u": user.pk, "a": assessment.pk, "name": filename[:200],
               "rows": [row.__dict__ for row in parsed.rows]}
    path = folder / f"{key}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(signing.dumps(payload, salt=SALT, compress=True))
    return key


@dataclass
class Pending:
    key: str
    filename: str
    rows: list[dict]


def pending_take(*, key: str, user, assessment: Assessment) -> Pending:
    expired = WorkbookRefused(_("This upload has expired or was already confirmed. Upload the workbook again."))
    if not (isinstance(key, str) and len(key) == 32 and all(ch in "0123456789abcdef" for ch in key)):
        raise expired
    path = _folder() / f"{key}.json"
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise expired from None
    try:
        payload = signing.loads(text, salt=SALT, max_age=settings.HLD_WORKBOOK_PENDING_SECONDS)
    except signing.BadSignature:
        raise expired from None
    if payload["u"] != user.pk or payload["a"] != assessment.pk:
        raise expired
    return Pending(key=key, filename=payload["name"], rows=payload["rows"])


def pending_drop(key: str) -> None:
    (_folder() / f"{key}.json").unlink(missing_ok=True)


# --- Confirm ----------------------------------------------------------------------------------------


@transaction.atomic
def workbook_apply(*, assessment: Assessment, user, pending: Pending, choices: dict[int, str],
                   seen: dict[int, str]) -> int:
    """Write the file's changes through the questionnaire's save; returns how many answers were written.

    ``choices`` says, for each conflict of the preview, whether to take the file's version or keep
    the online one; ``seen`` is the fingerprint of the online version the person saw in the
    preview. Raises ``WorkbookRefused`` if the file has refusals or a conflict is undecided, and
    ``EditConflict`` if someone changed a criterion again after the preview (nothing is written).
    """
    # The row lock before the check: a submit cannot slip between it and the write (responses_save would let a
    # focal point write into a submitted assessment; a workbook is for drafts only).
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    refuse_unless_draft(locked)
    preview = preview_for(assessment, pending.rows)
    if preview.refusals:
        raise WorkbookRefused(_("Nothing was saved: correct the refused rows in the workbook and upload it again."))
    undecided = [c.code for c in preview.conflicts if choices.get(c.pk) not in (CONFLICT_FILE, CONFLICT_ONLINE)]
    if undecided:
        raise WorkbookRefused(_("Nothing was saved: for %(codes)s, choose whether to keep the online version or take "
                                "the workbook's.") % {"codes": ", ".join(undecided)})
    by_pk = {row["pk"]: row for row in pending.rows}
    answers = []
    for outcome in preview.changes + preview.conflicts:
        row = by_pk[outcome.pk]
        is_conflict = outcome.online is not None
        if is_conflict and choices[outcome.pk] == CONFLICT_ONLINE:
            continue
        # A conflict the person settled counts as opened on the version they saw: a newer change is a new conflict.
        opened = seen.get(outcome.pk, outcome.online_digest) if is_conflict else row["opened"]
        score, not_applicable, dont_know, justification, evidence, evidence_url, confidence, lead = outcome.values
        answers.append(AnswerInput(
            criterion_id=outcome.pk, base_edit_count=row["edit_count"], score=score, not_applicable=not_applicable,
            dont_know=dont_know, justification=justification, evidence=evidence, evidence_url=evidence_url,
            confidence=confidence, lead_institution=lead, opened=opened,
        ))
    written = responses_save(assessment=assessment, user=user, answers=answers, change_reason=CHANGE_REASON)
    pending_drop(pending.key)
    return written

