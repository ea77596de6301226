"""Request ids and private responses.

Request ids: every request gets one, every log line made while serving it carries it.

An id set by the proxy in front (``X-Request-ID``) is kept when it looks like
one, so a request can be followed from the load balancer to the database
query; otherwise a new one is made. The response returns it in the same
header and the error pages show it, so a ministry official can quote it.

Request size: a body whose Content-Length passes settings.MAX_REQUEST_BYTES
is refused with 413 before anything reads it. Django limits form fields
(DATA_UPLOAD_MAX_MEMORY_SIZE) but not the file parts of a multipart body,
which it would stream to disk however large.

Private responses: whatever is answered to a signed-in person (pages, the
PDF, the CSV, redirects after a save) says ``Cache-Control: private, no-store``,
so that neither a shared proxy on a ministry's network nor the browser's disk
keeps a government's assessment. The exceptions are the report page and the
documents, which the person's own browser may keep and must revalidate on
every use (``private, no-cache`` with an ``ETag``, ``assessments/conditional.py``).
"""

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from hldassess.errors import request_too_large

from .conditional import REVALIDATE
from hldassess.logconfig import request_id

logger = logging.getLogger("hldassess.request")

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
# Paths whose tail is a secret (password reset tokens) are logged without it.
_SECRET_PATHS = re.compile(r"^(/accounts/reset/)[^/]+/[^/]+/?")


def _incoming_id(request: HttpRequest) -> str:
    value = request.headers.get(HEADER, "")
    return value if _VALID.match(value) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: names the request, logs one line when it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = _incoming_id(request)
        request.id = rid
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            # Only a user that the view already loaded: logging must not cost a session query.
            user = getattr(request, "_cached_user", None)
            path = _SECRET_PATHS.sub(r"\1…/", request.path)
            logger.info(
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round(1000 * (time.perf_counter() - started), 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id.reset(token)


class RequestSizeLimitMiddleware:
    """Refuses an oversized body unread. After the request id and the security headers (the 413 has them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        if length > settings.MAX_REQUEST_BYTES:
            return request_too_large(request, settings.MAX_REQUEST_BYTES)
        return self.get_response(request)


class PrivateWhenSignedInMiddleware:
    """After AuthenticationMiddleware: ``Cache-Control: private, no-store`` on every answer to a signed-in user,
    except what ``conditional.revalidated`` marked (``private, no-cache``: stored by that browser, revalidated)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not getattr(response, REVALIDATE, False):
            patch_cache_control(response, private=True, no_store=True)
        return response
