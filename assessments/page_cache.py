"""Finished pages kept in the shared cache, with the CSRF token filled in when served (issue 19).

A page is rendered once with a placeholder where its forms carry the CSRF token, kept for a few minutes under
a key of everything it shows (the person, their access, the language, the path, the code's release and what
the view names: the assessment's revision, the round table, whether the person may edit), and served with
this request's own token. Never while messages wait (the page would show them, or hide them), never for a
page with errors, and only for GET. Access is still checked by the view before the cache is read.
"""

import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from .conditional import person_identity, release

PLACEHOLDER = "hld-csrf-token-placeholder"
TIMEOUT = 300  # seconds: a page keeps a person's name and links at most this long after they change


def page_key(request: HttpRequest, *parts) -> str | None:
    """The key of this page for this request, or None when it must not come from the cache."""
    if request.method != "GET" or len(messages.get_messages(request)):  # len() does not mark them shown
        return None
    person = person_identity(request.user)
    identity = "\x1f".join(map(str, (release(), person, get_language(), request.get_full_path(), *parts)))
    return "hld-page:" + hashlib.sha256(identity.encode()).hexdigest()


def cached(request: HttpRequest, key: str | None) -> HttpResponse | None:
    html = cache.get(key) if key else None
    return serve(request, html) if html is not None else None


def serve(request: HttpRequest, html: str) -> HttpResponse:
    return HttpResponse(html.replace(PLACEHOLDER, get_token(request)))


def keep(request: HttpRequest, key: str, response: HttpResponse) -> HttpResponse:
    """Store a page rendered with ``csrf_token=PLACEHOLDER`` and answer it with this request's token."""
    html = response.content.decode()
    cache.set(key, html, timeout=TIMEOUT)
    return serve(request, html)
