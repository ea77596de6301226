"""Downloads of a report's documents (brief, full report, Word file): the stored file, or "being prepared".

Readers are exactly those of the report page (``for_user``: a stranger gets 404).
A ready document is served from storage in milliseconds; otherwise the request
claims and queues its render (``documents.document_request``) and the reader is
sent to a status page that refreshes itself without JavaScript until it is ready.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import documents
from ..conditional import not_modified, revalidated, tag
from .assessments import get_assessment

REFRESH_SECONDS = 3


def _lookup(request: HttpRequest, pk: int, kind: str, language: str):
    assessment, _membership = get_assessment(request, pk)
    document_kind = documents.get_kind(kind)
    if document_kind is None or language not in documents.LANGUAGES:
        raise Http404(_("No such document."))
    return assessment, document_kind


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def document_download(request: HttpRequest, pk: int, kind: str, language: str = "en") -> HttpResponse:
    assessment, document_kind = _lookup(request, pk, kind, language)
    document = documents.document_request(assessment=assessment, kind=kind, language=language)
    if document.is_ready:
        # The stored file's identity: a new render (another revision) is another row and another random name.
        filename = documents.download_name(assessment, document_kind, language)
        etag = tag("document", document.pk, document.revision, document.file.name, document.size, filename,
                   request.user.pk)
        unchanged = not_modified(request, etag)
        if unchanged is not None:
            return unchanged
        handle = documents.open_stored(document)
        if handle is not None:
            response = FileResponse(handle, as_attachment=True, content_type=document_kind.content_type,
                                    filename=filename)
            return revalidated(response, etag)
    return redirect("document_status", pk=pk, kind=kind, language=language)


@login_required
def document_status(request: HttpRequest, pk: int, kind: str, language: str = "en") -> HttpResponse:
    """Being prepared (refreshes itself), ready (starts the download), or failed (with a retry)."""
    assessment, document_kind = _lookup(request, pk, kind, language)
    document = documents.document_request(assessment=assessment, kind=kind, language=language)
    download_url = reverse("document_download", args=[pk, kind, language])
    refresh = request.GET.get("refresh") != "off"
    context = {
        "assessment": assessment,
        "kind": document_kind,
        "language": language,
        "document": document,
        "download_url": download_url,
        "status_url": reverse("document_status", args=[pk, kind, language]),
        "retry_url": reverse("document_retry", args=[pk, kind, language]),
        # Pending: look again in a few seconds. Ready: start the download once (the page stays, with its link).
        "refresh_content": "",
        "refresh_seconds": REFRESH_SECONDS,
        "ahead": documents.queue_ahead(document),
    }
    if refresh and document.is_pending:
        context["refresh_content"] = str(REFRESH_SECONDS)
    elif refresh and document.is_ready:
        context["refresh_content"] = f"0; url={download_url}"
    return _private(render(request, "assessments/document_status.html", context))


@login_required
@require_POST
def document_retry(request: HttpRequest, pk: int, kind: str, language: str = "en") -> HttpResponse:
    assessment, _document_kind = _lookup(request, pk, kind, language)
    documents.document_retry(assessment=assessment, kind=kind, language=language)
    return redirect("document_status", pk=pk, kind=kind, language=language)
