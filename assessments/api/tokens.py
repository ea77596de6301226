"""Create, revoke and check personal API tokens (keyword-only write functions, atomic).

A token is ``hld_`` followed by 43 URL-safe characters (32 random bytes). It is shown
once, when created; the database keeps its SHA-256 and its first characters only.
"""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ApiToken

TOKEN_PREFIX = "hld_"
EXPIRY_DAYS = (30, 90, 365)
MAX_ACTIVE_TOKENS = 20


class TokenError(Exception):
    """A token request that cannot be met; the message is for people."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row and the token itself (to show once)."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Give the token a name, so you can tell it apart later."))
    if len(name) > 100:
        raise TokenError(_("The name is too long: at most 100 characters."))
    if days not in EXPIRY_DAYS:
        raise TokenError(_("Choose an expiry of 30, 90 or 365 days."))
    # Lock the user's row so two simultaneous requests cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).active().count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(_("You have %(n)s active tokens already: revoke one first.") % {"n": MAX_ACTIVE_TOKENS})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name, prefix=token[:10], key_hash=hash_token(token),
                   expires_at=timezone.now() + timedelta(days=days))
    row.full_clean(exclude=["created_at"])
    row.save()
    return row, token


@transaction.atomic
def api_token_revoke(*, user, pk: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens (another person's token is not found)."""
    token = ApiToken.objects.select_for_update().get(user=user, pk=pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_user(token: str):
    """The active token row for ``token`` (with its user), or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(token)).first()
