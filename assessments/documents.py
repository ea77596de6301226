"""The documents of a gap report, and the pipeline that renders and stores them off the request (DESIGN §4).

- ``KINDS`` says which documents exist. Each names its renderer, a pure function
  ``Report -> bytes`` (``pdf.py``, ``docx.py``) imported only when a document renders.
- One ``ReportFile`` row per assessment, revision, kind and language. The row is
  CLAIMED before anything renders: it is created (status "queued") in a transaction
  with the task that will render it, and the unique constraint makes a second,
  simultaneous request find that row instead of rendering again.
- ``render_document`` is a task (Django's tasks API, the django-tasks backport): a
  ``manage.py db_worker`` process runs it, builds the report, renders, stores the
  file through Django's storage API under a name with a random token, marks the
  row ready and discards the files of earlier revisions.
- Submitted and approved assessments are queued at the transition (``queue_all``).
  A draft renders on request, debounced: its revision changes on every save, so a
  request for a newer revision takes over a render still waiting in the queue, and a
  draft's document starts at most once every ``DRAFT_RENDER_INTERVAL`` seconds.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from .models import Assessment, Membership, ReportFile
from .reports import build_report, file_stem

logger = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class DocumentKind:
    slug: str
    label: str
    description: str
    content_type: str
    extension: str
    file_stem: str  # in the download's name: Alphaland-2026-gap-report-en.pdf
    renderer: str  # dotted path of a pure function Report -> bytes

    def render(self, report) -> bytes:
        return import_string(self.renderer)(report)


# In the order of the report page's download menu: slug, label, description, content type, extension,
# the stem of the download's file name, and the renderer (a pure function Report -> bytes).
KINDS: dict[str, DocumentKind] = {kind.slug: kind for kind in [
    DocumentKind("brief", gettext_lazy("Brief (PDF)"), gettext_lazy("At most 8 pages: scores, priority gaps, sign-off"),
                 PDF, "pdf", "brief", "assessments.pdf.render_brief_pdf"),
    DocumentKind("full", gettext_lazy("Full report (PDF)"), gettext_lazy("Every section and the annex of all answers"),
                 PDF, "pdf", "gap-report", "assessments.pdf.render_full_pdf"),
    DocumentKind("docx", gettext_lazy("Brief (Word)"), gettext_lazy("The brief as an editable .docx"),
                 DOCX, "docx", "brief", "assessments.docx.render_docx"),
]}
# Languages the documents are rendered in, whatever the language of the page they are asked for from.
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# A render that has not finished after this long is taken for dead (its worker stopped): it may be retried.
RENDER_TIMEOUT = timedelta(minutes=10)


def get_kind(slug: str) -> DocumentKind | None:
    return KINDS.get(slug)


def _same_document(assessment: Assessment, kind: str, language: str) -> QuerySet:
    return ReportFile.objects.filter(assessment=assessment, kind=kind, language=language)


# --- Asking for a document ---------------------------------------------------------------------------------


def document_request(*, assessment: Assessment, kind: str, language: str = "en") -> ReportFile:
    """The document of the assessment's current revision: stored, on its way, or failed.

    Claims and queues it when nobody has asked for this revision yet. Safe to call
    from any number of simultaneous requests: they all get the same row.
    """
    if kind not in KINDS or language not in LANGUAGES:
        raise ValueError(f"Unknown document {kind!r} in {language!r}.")
    document = _same_document(assessment, kind, language).filter(revision=assessment.revision).first()
    if document is None:
        return _claim(assessment, kind, language)
    if document.status == ReportFile.Status.RENDERING and document.started_at < timezone.now() - RENDER_TIMEOUT:
        _fail(document.pk, "The render did not finish: its worker stopped.", status=ReportFile.Status.RENDERING)
        document.refresh_from_db()
    return document


def _claim(assessment: Assessment, kind: str, language: str) -> ReportFile:
    same = _same_document(assessment, kind, language)
    revision = assessment.revision
    # Debounce: a render still waiting for an earlier revision renders this one instead of a second render.
    for waiting in same.filter(status=ReportFile.Status.QUEUED, revision__lt=revision).order_by("-revision"):
        try:
            with transaction.atomic():
                taken_over = same.filter(pk=waiting.pk, status=ReportFile.Status.QUEUED).update(revision=revision)
        except IntegrityError:  # a request for this revision claimed its own row meanwhile
            return same.get(revision=revision)
        if taken_over:
            waiting.refresh_from_db()
            return waiting
    start = _debounced_start(assessment, same)
    try:
        with transaction.atomic():
            document = ReportFile.objects.create(
                assessment=assessment, revision=revision, kind=kind, language=language,
                status=ReportFile.Status.QUEUED, progress=_waiting_text(start),
            )
            # In the same transaction: a database worker sees the task exactly when it sees the row.
            _enqueue(document.pk, start)
    except IntegrityError:  # a simultaneous request claimed it first: share its render
        return same.get(revision=revision)
    document.refresh_from_db()  # an immediate backend has rendered it already
    return document


def _debounced_start(assessment: Assessment, same: QuerySet) -> datetime | None:
    """When a draft's next render may start: DRAFT_RENDER_INTERVAL after the previous one started."""
    if assessment.status != Assessment.Status.DRAFT:
        return None
    last = same.exclude(started_at=None).order_by("-started_at").values_list("started_at", flat=True).first()
    if last is None:
        return None
    start = last + timedelta(seconds=settings.DRAFT_RENDER_INTERVAL)
    return start if start > timezone.now() else None


def _waiting_text(start: datetime | None) -> str:
    if start is None:
        return _("Waiting for a worker to start.")
    return _(
        "Waiting: while an assessment is a draft its documents are prepared at most once every %(seconds)s seconds; "
        "this one starts at about %(time)s UTC."
    ) % {"seconds": settings.DRAFT_RENDER_INTERVAL, "time": formats.time_format(start, "H:i:s")}


def _enqueue(document_id: int, start: datetime | None) -> None:
    job = render_document
    if start is not None and job.get_backend().supports_defer:
        job = job.using(run_after=start)
    job.enqueue(document_id)


def reader_languages(assessment: Assessment) -> list[str]:
    """The languages its readers are likely to want: those its government's members chose, the default one and
    the one of the person acting now. Another language is rendered when someone asks for it."""
    chosen = Membership.objects.filter(government_id=assessment.government_id).values_list(
        "user__profile__language", flat=True)
    wanted = {settings.LANGUAGE_CODE, translation.get_language(), *chosen}
    return [language for language in LANGUAGES if language in wanted]


def queue_all(assessment: Assessment) -> list[ReportFile]:
    """Queue every document of the assessment's current revision in its readers' languages, so that they never
    wait. Called after a submission or an approval has been committed (``workflow.py``).
    """
    assessment = Assessment.objects.get(pk=assessment.pk)
    return [
        document_request(assessment=assessment, kind=kind, language=language)
        for kind in KINDS
        for language in reader_languages(assessment)
    ]


def document_retry(*, assessment: Assessment, kind: str, language: str = "en") -> ReportFile:
    """Queue a failed document of the current revision again; anything else is left as it is."""
    with transaction.atomic():
        document = (
            _same_document(assessment, kind, language).select_for_update().filter(revision=assessment.revision).first()
        )
        if document is None or document.status != ReportFile.Status.FAILED:
            return document_request(assessment=assessment, kind=kind, language=language)
        document.status = ReportFile.Status.QUEUED
        document.progress = _waiting_text(None)
        document.error = ""
        document.started_at = document.finished_at = None
        document.save(update_fields=["status", "progress", "error", "started_at", "finished_at"])
        _enqueue(document.pk, None)
    document.refresh_from_db()
    return document


def queue_ahead(document: ReportFile) -> int:
    """How many documents (of any government: only a count is shown) a queued one waits behind."""
    if document.status != ReportFile.Status.QUEUED:
        return 0
    return ReportFile.objects.filter(
        status__in=[ReportFile.Status.QUEUED, ReportFile.Status.RENDERING], created_at__lt=document.created_at
    ).count()


def open_stored(document: ReportFile):
    """The ready document's file, opened for reading; None (and the row forgotten) if storage lost it."""
    try:
        return document.file.open("rb")
    except FileNotFoundError:
        logger.warning("Document %s lost its file %s; it will be rendered again.", document.pk, document.file.name)
        ReportFile.objects.filter(pk=document.pk).delete()
        return None


# --- Rendering (in a worker) ------------------------------------------------------------------------------


def storage_name(document: ReportFile, kind: DocumentKind) -> str:
    """A name nobody can guess: the random token makes the file name carry 144 bits of chance."""
    token = secrets.token_urlsafe(18)
    return f"a{document.assessment_id}-{kind.slug}-{document.language}-r{document.revision}-{token}.{kind.extension}"


@task()
def render_document(document_id: int) -> str:
    """Render, store and mark ready one queued document. Runs in a worker (``manage.py db_worker``)."""
    Status = ReportFile.Status
    now = timezone.now()
    claimed = ReportFile.objects.filter(pk=document_id, status=Status.QUEUED).update(
        status=Status.RENDERING, started_at=now, progress=_("Gathering the answers."),
    )
    if not claimed:
        return "not queued"  # rendered, failed, superseded, or taken by another worker
    document = ReportFile.objects.select_related("assessment__government", "assessment__framework_version").get(
        pk=document_id
    )
    assessment = document.assessment
    if assessment.revision != document.revision and not _take_over_current_revision(document):
        return "superseded"
    kind = KINDS[document.kind]
    try:
        with translation.override(document.language):
            report = build_report(assessment)
            _progress(document.pk, _("Laying out the pages."))
            content = kind.render(report)
        _progress(document.pk, _("Storing the file."))
        document.file.save(storage_name(document, kind), ContentFile(content), save=False)
    except Exception as error:
        logger.exception("Rendering document %s (%s, %s) failed", document_id, document.kind, document.language)
        _fail(document_id, f"{type(error).__name__}: {error}"[:2000], status=Status.RENDERING)
        raise
    ready = ReportFile.objects.filter(pk=document_id, status=Status.RENDERING).update(
        status=Status.READY, file=document.file.name, size=len(content), progress="", finished_at=timezone.now(),
    )
    same = _same_document(assessment, document.kind, document.language)
    if not ready or same.filter(revision__gt=document.revision, status=Status.READY).exists():
        # Given up on (timed out), deleted, or overtaken by a newer revision meanwhile: nobody will read this file.
        document.file.storage.delete(document.file.name)
        same.filter(pk=document_id, revision__lt=assessment.revision).delete()
        return "abandoned"
    _discard_earlier_revisions(document)
    return "ready"


def _take_over_current_revision(document: ReportFile) -> bool:
    """The assessment changed while the render waited: render its current revision under this claim instead."""
    revision = document.assessment.revision
    try:
        with transaction.atomic():
            ReportFile.objects.filter(pk=document.pk).update(revision=revision)
    except IntegrityError:  # that revision has its own row already
        ReportFile.objects.filter(pk=document.pk).delete()
        return False
    document.revision = revision
    return True


def _progress(document_id: int, text: str) -> None:
    ReportFile.objects.filter(pk=document_id, status=ReportFile.Status.RENDERING).update(progress=text)


def _fail(document_id: int, error: str, *, status: str) -> None:
    ReportFile.objects.filter(pk=document_id, status=status).update(
        status=ReportFile.Status.FAILED, error=error, progress="", finished_at=timezone.now(),
    )


def _discard_earlier_revisions(document: ReportFile) -> None:
    """A document of an earlier revision is never served again: free its storage (a render in progress finishes)."""
    earlier = _same_document(document.assessment, document.kind, document.language).filter(
        revision__lt=document.revision
    ).exclude(status=ReportFile.Status.RENDERING)
    for old in earlier:
        if old.file:
            old.file.delete(save=False)
        old.delete()


def download_name(assessment: Assessment, kind: DocumentKind, language: str) -> str:
    """E.g. ``Côte-d-Ivoire-2026-gap-report-en.pdf``: letters of any script kept, nothing a header could misread."""
    stem = file_stem(assessment.government.name, assessment.cycle, f"{kind.file_stem}-{language}")
    return f"{stem or 'document'}.{kind.extension}"
