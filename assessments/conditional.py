"""Conditional GET for the report page and the documents (issue 19): an ``ETag``, and 304 when it still matches.

Everything answered to a signed-in person says ``Cache-Control: private, no-store`` (``PrivateWhenSignedInMiddleware``,
SECURITY.md), and a browser cannot revalidate what it may not store. The responses made here say
``private, no-cache`` instead: only the person's own browser may keep them, and it must ask again on every use,
which costs one short request and a 304 without a body while nothing changed. The middleware leaves them so.

An ETag names everything the response depends on, so that a different person, session, language, revision or
release of the code never matches another's:

- a document: the stored file (its row, revision and random file name, its size), its download name and the
  person (a browser shared by two people keeps a copy for each): the same bytes, so the tag is strong;
- the report page: the assessment's revision, the language, the person (their id, name and what the page header
  shows of their roles), their session and CSRF secret (the page's sign-out form carries a token of it) and the
  code's release. The CSRF token is masked anew on every render, so the page is equivalent rather than
  byte-identical: the tag is weak. No tag while messages wait to be shown (a 304 would hide them).
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language

from .access import access_of

REVALIDATE = "_hld_revalidate"  # marks a response that may be stored by the browser and must be revalidated


@cache
def release() -> str:
    """A digest of the code and templates this process serves: the same on every server running the same release,
    different after an upgrade (a stored page of the old release must not be reused)."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder in ("assessments", "hldassess", "templates", "locale"):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".po") and "migrations" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def tag(*parts, weak: bool = False) -> str:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]
    return f'W/"{digest}"' if weak else f'"{digest}"'


def person_identity(user) -> tuple:
    """What a page shows of the person: who they are, the header's links (staff, secretariat) and their roles."""
    access = access_of(user)
    return (user.pk, user.get_username(), user.get_full_name(), user.is_staff, access.secretariat,
            sorted((g, m.role) for g, m in access.memberships.items()))


def page_etag(request: HttpRequest, *parts) -> str | None:
    """The weak ETag of a page for this person in this session and language, or None while messages wait."""
    if len(messages.get_messages(request)):  # len() reads the storage without marking the messages shown
        return None
    person = person_identity(request.user)
    get_token(request)  # the page's forms need it anyway; made now, the secret is the one the page carries
    session = (request.session.session_key or "", request.META.get("CSRF_COOKIE", ""))
    return tag(*parts, get_language(), person, session, release(), weak=True)


def not_modified(request: HttpRequest, etag: str | None) -> HttpResponse | None:
    """A 304 (no body) when the browser's copy has this ETag, else None."""
    if etag is None:
        return None
    response = get_conditional_response(request, etag=etag)
    return revalidated(response, etag) if response is not None else None


def revalidated(response: HttpResponse, etag: str | None) -> HttpResponse:
    """``ETag`` and ``Cache-Control: private, no-cache`` (kept by the middleware); without a tag, no-store."""
    if etag is None:
        patch_cache_control(response, private=True, no_store=True)
        return response
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    setattr(response, REVALIDATE, True)
    return response
