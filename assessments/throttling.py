"""Throttling (SECURITY.md): sign-in lockouts with django-axes, and the password reset limit.

Every sign-in over the web (our sign-in page, the admin's) passes the request
to ``authenticate``, so axes counts the failures per user name and address and
locks that pair out for a while. Code that runs on the server without a request
(management commands, a shell, tests calling ``authenticate(username=...,
password=...)``) is not a sign-in attempt from anyone and is not throttled;
stock axes would refuse it with ``AxesBackendRequestParameterRequired``.

A locked-out person sees the sign-in page again with the reason and the wait
(``lockout_response``, settings.AXES_LOCKOUT_CALLABLE), status 429.

What reaches axes is bounded: Django's sign-in form does not limit the length
of the user name (and NFKC normalisation can make a short one long), while
axes writes it into a 255-character column, which PostgreSQL refuses with an
error (``attempted_username``, settings.AXES_USERNAME_CALLABLE).

The address is the client's (``client_ip``, settings.AXES_CLIENT_IP_CALLABLE).
Each proxy appends the address it was reached from to X-Forwarded-For, so
behind settings.PROXY_COUNT proxies the client is the PROXY_COUNT-th entry from
the right. Everything left of it is whatever the client sent and is ignored, so
a guesser cannot pick a fresh address per attempt, and one address's lockout
does not lock the official out from everywhere else.

Password reset requests are limited per address and per account
(``password_reset_refusal``): at most settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
from one address and PASSWORD_RESET_LIMIT_PER_ACCOUNT for one e-mail address
per PASSWORD_RESET_WINDOW, counted whether or not an account has that e-mail
(so the limit tells nobody who has one). The counts live in Django's cache
"throttle", kept in the database so that every worker and server shares them.
"""

import hashlib
import ipaddress
import math
import time

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import caches

# The width of axes' username column; no account has a longer name (User.username is 150).
USERNAME_LIMIT = AccessAttempt._meta.get_field("username").max_length


class AxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


# When there is no address at all (gunicorn on a Unix socket without a proxy count): one shared bucket.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a value stored, not an address listened on


def _address(text: str) -> str | None:
    """The address in one X-Forwarded-For entry or REMOTE_ADDR, canonical, or None if it is not one."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def client_ip(request) -> str:
    """The client's address as the trusted proxies saw it; REMOTE_ADDR without proxies; never None."""
    count = getattr(settings, "PROXY_COUNT", 0)
    if count:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= count:
            address = _address(entries[-count])
            if address:
                return address
    return _address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN_ADDRESS


def attempted_username(request, credentials=None) -> str | None:
    """The user name a sign-in attempt names, cut to what axes can store (settings.AXES_USERNAME_CALLABLE)."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username[:USERNAME_LIMIT] if isinstance(username, str) else username


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, status 429, saying why sign-in is refused and for how long."""
    from axes.helpers import get_cool_off
    from django.contrib.auth.forms import AuthenticationForm
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username[:150]})
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": request.POST.get("next", ""), "locked_out": True, "lockout_minutes": minutes},
        status=429,
    )


def _now() -> float:
    return time.time()


def _window_count(key: str, window: float, now: float) -> tuple[int, float]:
    """(requests counted in the current window, when it started); a window that has ended counts 0."""
    count, started = caches["throttle"].get(key) or (0, now)
    if now - started >= window:
        return 0, now
    return count, started


def password_reset_refusal(request, email: str) -> int | None:
    """None, and the request is counted; or the minutes to wait when the address or the account is over its limit.

    Counted in fixed windows; two requests at the same moment may both pass (the cache has no atomic
    read-and-add for a pair), which lets one extra e-mail through at most.
    """
    window = settings.PASSWORD_RESET_WINDOW.total_seconds()
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()  # no e-mail addresses in the cache
    counters = {
        f"password-reset:address:{client_ip(request)}": settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        f"password-reset:account:{account}": settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT,
    }
    now = _now()
    counts = {key: _window_count(key, window, now) for key in counters}
    over = [started for key, (count, started) in counts.items() if count >= counters[key]]
    if over:
        return max(1, math.ceil((max(over) + window - now) / 60))
    for key, (count, started) in counts.items():
        caches["throttle"].set(key, (count + 1, started), timeout=math.ceil(window))
    return None
