"""Two-factor sign-in (issue 12): enrolment, the code after the password, recovery codes, compulsory
enrolment with HLD_REQUIRE_2FA, and the lockout applying to the second factor too."""

import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def sign_in(client, username, password="pw", follow=False):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=follow)


def enrol(client, user) -> list[str]:
    client.force_login(user)
    page = client.get(reverse("two_factor_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    assert key.replace(" ", "") in device.config_url
    response = client.post(reverse("two_factor_enrol"), {"code": code_for(device)}, follow=True)
    assert "Two-factor sign-in is on" in response.content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(codes) == 10
    client.logout()
    return codes


def test_any_user_can_enrol_and_the_code_is_then_asked_after_the_password(world, client):
    enrol(client, world.viewer)
    device = TOTPDevice.objects.get(user=world.viewer, confirmed=True)
    response = sign_in(client, "viewer")
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("assessment_detail", args=[world.assessment.pk])).status_code == 302
    wrong = client.post(reverse("two_factor_verify"), {"code": "000000", "next": "/"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # django-otp slows down each device after a failure
    device.save()
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device, offset=1), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once(world, client):
    codes = enrol(client, world.viewer)
    sign_in(client, "viewer")
    assert client.post(reverse("two_factor_verify"), {"code": codes[0].upper()})["Location"] == reverse("home")
    assert StaticToken.objects.filter(device__user=world.viewer).count() == 9
    client.logout()
    sign_in(client, "viewer")
    again = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert again.status_code == 200 and "has been used" in again.content.decode()


def test_the_enrolment_code_must_be_right(world, client):
    client.force_login(world.viewer)
    client.get(reverse("two_factor_enrol"))
    response = client.post(reverse("two_factor_enrol"), {"code": "123456"})
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.viewer, confirmed=True).exists()


@pytest.mark.parametrize("username, compulsory", [
    ("focal", True), ("secretariat", True), ("secretariat-admin", True), ("editor", True),
    ("viewer", False), ("contributor", False),
])
def test_compulsory_enrolment_sends_these_roles_to_enrol_after_sign_in(world, client, settings, username, compulsory):
    from django.contrib.auth.models import Group

    from assessments.models import SECRETARIAT_ADMIN_GROUP

    settings.HLD_REQUIRE_2FA = True
    if username == "secretariat-admin":
        make_user(username).groups.add(Group.objects.get(name=SECRETARIAT_ADMIN_GROUP))
    if username == "editor":
        make_user(username).groups.add(Group.objects.get(name="Criteria editor"))
    sign_in(client, username)
    response = client.get(reverse("home"))
    if compulsory:
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_enrol"))
        assert "Your role needs two-factor sign-in" in client.get(response["Location"]).content.decode()
    else:
        assert response.status_code == 200


def test_without_the_setting_nobody_is_forced_to_enrol(world, client):
    sign_in(client, "focal")
    assert client.get(reverse("home")).status_code == 200


def test_a_compulsory_user_cannot_turn_it_off(world, client, settings):
    settings.HLD_REQUIRE_2FA = True
    enrol(client, world.focal)
    sign_in(client, "focal")
    client.post(reverse("two_factor_verify"), {"code": code_for(TOTPDevice.objects.get(user=world.focal), offset=1)})
    assert client.post(reverse("two_factor_disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=world.focal).exists()


def test_wrong_codes_lock_the_account_out_like_wrong_passwords(world, client, settings):
    enrol(client, world.viewer)
    sign_in(client, "viewer")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("two_factor_verify"), {"code": "000000"}).status_code == 200
    response = client.post(reverse("two_factor_verify"), {"code": "000000"})
    assert response.status_code == 429
    assert "Sign-in is blocked for now." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The password alone no longer signs in either, even the right one.
    assert sign_in(client, "viewer").status_code == 429


def test_production_settings_make_two_factor_compulsory_unless_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HLD_"))}
    env.update(DJANGO_SETTINGS_MODULE="hldassess.settings", DJANGO_SECRET_KEY="x" * 50)
    script = "import django; django.setup(); from django.conf import settings; print(settings.HLD_REQUIRE_2FA)"
    run = lambda extra: subprocess.run([sys.executable, "-c", script], env={**env, **extra}, capture_output=True,
                                       text=True, check=True).stdout.strip().splitlines()[-1]
    assert run({}) == "True"
    assert run({"DJANGO_DEBUG": "1"}) == "False"
    assert run({"HLD_REQUIRE_2FA": "0"}) == "False"


@pytest.mark.parametrize("name", ["two_factor", "two_factor_enrol", "two_factor_recovery_codes", "my_account"])
def test_two_factor_pages_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("compulsory", [True, False])
def test_recovery_codes_without_an_authenticator_never_loop_between_pages(world, client, settings, compulsory):
    """An admin may leave someone with recovery codes and no app: they are sent to enrol (or let in), not bounced
    between the code page and the page they asked for."""
    from django_otp.plugins.otp_static.models import StaticDevice

    settings.HLD_REQUIRE_2FA = compulsory
    StaticDevice.objects.create(user=world.focal, name="Recovery codes").token_set.create(token="abcd1234")
    sign_in(client, "focal")
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200 and len(response.redirect_chain) <= 1
    if compulsory:
        assert response.redirect_chain[0][0].startswith(reverse("two_factor_enrol"))
