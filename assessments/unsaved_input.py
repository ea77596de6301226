"""Keep a questionnaire page that could not be saved because its session had ended, for after sign-in.

The page carries a signed token naming the person and the assessment (``resume_token``). When the
session has ended, the save arrives anonymous: if the token is genuine, the posted values are kept
server-side in a record of the session store (database by default, so any app server finds it),
under a random key, for ``KEEP_SECONDS``. The sign-in page's ``next`` names that key; the page
gives the values back, once, only to the person the token named, for the same assessment and round
table. They are never saved without the person saving them again.
"""

from importlib import import_module

from django.conf import settings
from django.core import signing
from django.http import QueryDict

SALT = "hldassess.questionnaire.resume"
STASH = "hldassess_unsaved_questionnaire"
KEEP_SECONDS = 24 * 3600
# Fields that belong to the request, not to the person's answers.
NOT_KEPT = {"csrfmiddlewaretoken", "resume"}


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def resume_token(user, assessment) -> str:
    return signing.dumps([user.pk, assessment.pk], salt=SALT)


def _token_owner(token: str, assessment_pk: int) -> int | None:
    try:
        user_pk, token_assessment = signing.loads(token, salt=SALT, max_age=settings.SESSION_COOKIE_AGE + KEEP_SECONDS)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return user_pk if token_assessment == assessment_pk else None


def keep(post: QueryDict, *, assessment_pk: int, number: int) -> str | None:
    """Keep a signed-out person's page; returns the key to name in the sign-in ``next``, or None."""
    user_pk = _token_owner(post.get("resume", ""), assessment_pk)
    if user_pk is None:
        return None
    store = _store()
    store[STASH] = {
        "user": user_pk,
        "assessment": assessment_pk,
        "round_table": number,
        "data": {key: post.getlist(key) for key in post if key not in NOT_KEPT},
    }
    store.set_expiry(KEEP_SECONDS)
    store.create()
    return store.session_key


def take(key: str, *, user, assessment_pk: int, number: int) -> QueryDict | None:
    """The kept page for this person, assessment and round table (then forgotten), or None."""
    store = _store(key)
    kept = store.get(STASH)
    if not kept or (kept["user"], kept["assessment"], kept["round_table"]) != (user.pk, assessment_pk, number):
        return None
    store.delete()
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    return data
