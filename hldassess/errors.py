"""The error pages (handler400, 403, 404, 500, and the 413 of RequestSizeLimitMiddleware): they never fail.

Django's own handlers are wrapped in ``requires_csrf_token``, whose CSRF check
reads ``request.POST``. A body Django cannot decode (``application/x-www-form-
urlencoded; charset=utf-16``) raises ``BadRequest`` there a second time, inside
the handler, and the 400 became a raw 500. Ours have no such wrapper: the CSRF
middleware has already prepared the token that the sign-out form's
``{% csrf_token %}`` needs (in ``process_request``, which does not read the body).

When a page's template cannot be rendered (the static files manifest is
missing, a template tag fails), a plain page with the same status and the
request id is sent instead, without styles.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PLAIN_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title} · HLD Assess</title></head>
<body>
<main>
<h1>{title}</h1>
<p>{text}</p>
{reference}<p><a href="/">{back}</a></p>
</main>
</body>
</html>
"""


def _plain(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    request_id = getattr(request, "id", "")
    reference = ""
    if request_id:
        reference = "<p>{} <code>{}</code></p>\n".format(
            escape(_("If it happens again, tell the secretariat this reference:")), escape(request_id)
        )
    page = PLAIN_PAGE.format(
        title=escape(title), text=escape(text), reference=reference, back=escape(_("Back to your assessments")),
        lang=escape(get_language() or "en"),
    )
    return HttpResponse(page, status=status)


def _page(request, template_name, status, context, title, text, *, with_request=True) -> HttpResponse:
    try:
        template = loader.get_template(template_name)
        # The 500 page renders without the request's context (sessions, messages): that may be what failed.
        html = template.render(context, request if with_request else None)
    except Exception:
        logger.exception("The %s page could not be rendered; sent a plain one.", status)
        return _plain(request, status, title, text)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "400.html", 400, {}, _("The request could not be read"),
                 _("What was sent was malformed or too large, so nothing was saved."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "403.html", 403, {"exception": str(exception or "")}, _("Not allowed"),
                 str(exception or "") or _("Your role does not allow this."))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "404.html", 404, {}, _("Page not found"),
                 _("There is nothing here, or you do not have access to it."))


def request_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """413, sent by RequestSizeLimitMiddleware before the body is read."""
    size = filesizeformat(limit)
    return _page(request, "413.html", 413, {"limit": size}, _("The request is too large"),
                 _("At most %(limit)s can be sent at once. Nothing was saved.") % {"limit": size})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, with the request id that the logs carry, so a report of it can be traced."""
    return _page(request, "500.html", 500, {"request_id": getattr(request, "id", "")},
                 _("Something went wrong on our side"), _("The error has been logged. Please try again in a moment."),
                 with_request=False)
