"""Two-factor sign-in with django-otp: an authenticator app (TOTP) and single-use recovery codes.

After the password, a user with a confirmed device is sent to the code page
before anything else; with ``HLD_REQUIRE_2FA`` on, focal points, the
secretariat, secretariat administrators and editors who have no device yet are
sent to enrol. Wrong codes count as failed sign-ins for django-axes (same
lockout as the password) and django-otp also slows down each device after
failures.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SECRETARIAT_ADMIN_GROUP, SECRETARIAT_GROUP, Membership

RECOVERY_CODES = 10
EDITOR_GROUP = "Criteria editor"
ROLES_THAT_NEED_IT = {SECRETARIAT_GROUP, SECRETARIAT_ADMIN_GROUP, EDITOR_GROUP}
# The pages a signed-in user may open before their second factor: the second factor itself, and leaving.
OPEN_BEFORE_VERIFYING = {"two_factor_verify", "two_factor_enrol", "two_factor_recovery_codes", "logout"}


def must_use_two_factor(user) -> bool:
    """Whether the setting makes two-factor sign-in compulsory for this user's roles."""
    if not getattr(settings, "HLD_REQUIRE_2FA", False) or not user.is_authenticated:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or Group.objects.filter(user=user, name__in=ROLES_THAT_NEED_IT).exists()
        or Membership.objects.filter(user=user, role=Membership.Role.FOCAL_POINT).exists()
    )


def authenticator_for(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator(user) -> TOTPDevice:
    """The not yet confirmed device of an enrolment in progress (one per user), made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=gettext("Authenticator app"), confirmed=False)


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """New single-use recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=gettext("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def authenticator_confirm(*, device: TOTPDevice, code: str) -> bool:
    if not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()  # one app at a time
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def device_for_code(user, code: str):
    """The device that accepts ``code`` (six digits: the app; otherwise a recovery code), or None."""
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
        code = code.lower()
    with transaction.atomic():
        for device in devices.select_for_update():
            if device.verify_token(code):
                return device
    return None


@transaction.atomic
def two_factor_disable(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


class TwoFactorMiddleware:
    """Sends a signed-in but unverified user to the code page (or to enrol when it is compulsory).

    After django_otp's OTPMiddleware (which gives ``request.user.is_verified``) and the message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.url_name in OPEN_BEFORE_VERIFYING:
            return None
        query = urlencode({"next": request.get_full_path()})
        # Only an authenticator app makes the code page ask: recovery codes alone (left by an admin) would send the
        # person from the code page (which needs an app) back here, for ever.
        if authenticator_for(user) is not None:
            return redirect(f"{reverse('two_factor_verify')}?{query}")
        if must_use_two_factor(user):
            return redirect(f"{reverse('two_factor_enrol')}?{query}")
        return None
