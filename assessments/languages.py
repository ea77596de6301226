"""Which language a person sees (issue 15): their choice, remembered on their profile.

The switcher on every page posts to Django's ``set_language`` (a cookie, and a redirect back to the page);
for a signed-in person ``switch_language`` also keeps the choice on their profile and in their session, so
it follows them to another browser and is the language of the mail the application sends them. Before
anyone has chosen, the browser's Accept-Language decides (``LocaleMiddleware``).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

SESSION_KEY = "hld_language"


def supported(code: str | None) -> str | None:
    """``code`` if it is one of the application's languages, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def language_of(user) -> str:
    """The language to write to ``user`` in (mail): their choice, else the default."""
    profile = getattr(user, "profile", None) if user is not None and user.pk else None
    return supported(getattr(profile, "language", None)) or settings.LANGUAGE_CODE


def remember(user, language: str) -> None:
    from .models import Profile

    Profile.objects.update_or_create(user=user, defaults={"language": language})


class PersonLanguageMiddleware:
    """After authentication: a signed-in person's chosen language wins over the cookie and the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = supported(request.session.get(SESSION_KEY))
            if chosen and chosen != request.LANGUAGE_CODE:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)


@require_POST
def switch_language(request):
    """Django's ``set_language``, and for a signed-in person the choice kept on their profile."""
    response = set_language(request)
    language = supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        remember(request.user, language)
        request.session[SESSION_KEY] = language
    return response


@receiver(user_logged_in)
def _language_at_sign_in(sender, request, user, **kwargs):
    """At sign-in the profile's language applies; a person who has none keeps the one they chose signed out."""
    if request is None or not hasattr(request, "session"):
        return
    chosen = supported(getattr(getattr(user, "profile", None), "language", None))
    if chosen:
        request.session[SESSION_KEY] = chosen
    elif supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        language = request.COOKIES[settings.LANGUAGE_COOKIE_NAME]
        remember(user, language)
        request.session[SESSION_KEY] = language
