"""Two-factor pages: settings, enrolment (QR code and key), recovery codes, the code after the password."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from ..forms_people import CodeForm
from ..throttling import lockout_response
from ..two_factor import (
    authenticator_confirm,
    authenticator_for,
    device_for_code,
    must_use_two_factor,
    pending_authenticator,
    recovery_codes_replace,
    two_factor_disable,
)

NEW_CODES_SESSION_KEY = "hld_new_recovery_codes"


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


@login_required
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "people/two_factor.html",
        {
            "authenticator": authenticator_for(user),
            "codes_left": StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
            "required": must_use_two_factor(user),
        },
    )


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if authenticator_for(user) is not None and not user.is_verified():
        return redirect("two_factor_verify")  # replacing an app needs the current one first
    device = pending_authenticator(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if authenticator_confirm(device=device, code=form.cleaned_data["code"]):
            otp_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = recovery_codes_replace(user=user)
            messages.success(request, _("Two-factor sign-in is on. Keep your recovery codes somewhere safe."))
            return redirect(f"{reverse('two_factor_recovery_codes')}?{urlencode({'next': _next(request)})}")
        form.add_error("code", _("That code is not right: check the app's clock and type the six digits shown now."))
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "people/two_factor_enrol.html",
        {
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
            "key": " ".join(key[i:i + 4] for i in range(0, len(key), 4)),
            "required": must_use_two_factor(user),
            "next": _next(request),
        },
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if authenticator_for(user) is None or not user.is_verified():
        return redirect("two_factor")
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = recovery_codes_replace(user=user)
        messages.success(request, _("New recovery codes: the old ones no longer work."))
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)  # shown once
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return render(request, "people/recovery_codes.html", {"codes": codes, "left": left, "next": _next(request)})


@login_required
@require_POST
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    if must_use_two_factor(request.user):
        raise PermissionDenied(_("Two-factor sign-in is compulsory for your role."))
    two_factor_disable(user=request.user)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two_factor")


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in. Wrong codes count towards the same lockout as wrong passwords."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if user.is_verified() or authenticator_for(user) is None:
        return redirect(_next(request))
    credentials = {"username": user.get_username()}
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            logout(request)
            return lockout_response(request, credentials=credentials)
        if form.is_valid():
            device = device_for_code(user, form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                return redirect(_next(request))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
            logout(request)
            return lockout_response(request, credentials=credentials)
        form = CodeForm(request.POST)
        form.is_valid()
        form.add_error("code", _("That code is not right, or it has been used. Try the code your app shows now."))
    return render(request, "people/two_factor_verify.html", {"form": form, "next": _next(request)})
