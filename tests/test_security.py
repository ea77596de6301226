"""Production hardening (issue 7): deploy checks, headers, CSP, login throttling, CSRF, logs, unsafe links and CSV cells."""

import csv
import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from assessments.csv_safety import safe_cell
from assessments.models import Criterion, Response
from hldassess.errors import server_error
from hldassess.logconfig import JsonFormatter, RequestIdFilter
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra) -> dict:
    """The environment of a production server: no test or development switches."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="hldassess.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="assess.example.org",
    )
    env.update(extra)
    return env


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


# --- Deployment settings --------------------------------------------------------


def test_check_deploy_reports_no_warnings_in_production():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run([sys.executable, "manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


PRINT_SETTINGS = """
import json, django
from django.conf import settings
from django.urls import reverse
django.setup()
names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE",
         "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE",
         "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "CONTENT_SECURITY_POLICY", "AUTH_PASSWORD_VALIDATORS"]
values = {name: getattr(settings, name) for name in names}
values["admin"] = reverse("admin:index")
values["logging_format"] = settings.LOGGING["handlers"]["stdout"]["formatter"]
print(json.dumps(values))
"""


def test_production_settings_are_https_only_with_short_sessions_and_a_strict_policy():
    result = run([sys.executable, "-c", PRINT_SETTINGS], production_env(DJANGO_ADMIN_URL="staff-7f3a"))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_AGE"] <= 8 * 3600 and values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert len(values["AUTH_PASSWORD_VALIDATORS"]) == 4
    policy = json.dumps(values["CONTENT_SECURITY_POLICY"])
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert values["admin"] == "/staff-7f3a/"
    assert values["logging_format"] == "json"


# --- Headers and Content-Security-Policy -----------------------------------------


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client, world):
    client.force_login(world.contributor)
    response = client.get(reverse("questionnaire", args=[world.assessment.pk, 1]))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"]:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"href\s*=\s*[\"']?\s*javascript:", re.I), "javascript: link"),
]


def inline_code(html: str) -> list[str]:
    return [label for pattern, label in INLINE if pattern.search(html)]


def test_no_template_has_inline_script_or_style():
    """The policy forbids inline code; PDF templates are exempt (WeasyPrint renders them, not a browser)."""
    found = {}
    for path in (ROOT / "templates").rglob("*.html"):
        if "pdf" in path.relative_to(ROOT / "templates").parts:
            continue
        problems = inline_code(path.read_text())
        if problems:
            found[str(path.relative_to(ROOT))] = problems
    assert found == {}


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_script_or_style(client, world):
    from tests.factories import answer_all

    answer_all(world.assessment)
    assert inline_code(client.get(reverse("login")).content.decode()) == []
    client.force_login(world.focal)
    pages = [
        reverse("home"),
        reverse("assessment_detail", args=[world.assessment.pk]),
        reverse("questionnaire", args=[world.assessment.pk, 1]),
        reverse("report", args=[world.assessment.pk]),
        reverse("password_change"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url


# --- Request ids and structured logs ----------------------------------------------


@pytest.mark.django_db
def test_a_request_id_from_the_proxy_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})["X-Request-ID"] == "lb-1234abcd"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\n<script>"})["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


@pytest.mark.django_db
def test_each_request_is_logged_once_with_its_id_status_and_user(client, world, caplog):
    client.force_login(world.viewer)
    with caplog.at_level(logging.INFO, logger="hldassess.request"):
        response = client.get(reverse("assessment_detail", args=[world.assessment.pk]))
    [record] = [r for r in caplog.records if r.name == "hldassess.request"]
    assert record.request_id == response["X-Request-ID"]
    assert record.status == 200 and record.method == "GET" and record.user_id == world.viewer.pk
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert line["path"] == reverse("assessment_detail", args=[world.assessment.pk])
    assert line["level"] == "INFO" and "duration_ms" in line


def test_log_lines_outside_a_request_are_json_with_a_dash_for_the_id():
    record = logging.makeLogRecord({"name": "x", "levelname": "ERROR", "msg": "boom %s", "args": ("é",)})
    RequestIdFilter().filter(record)
    assert json.loads(JsonFormatter().format(record)) | {"time": ""} == {
        "time": "", "level": "ERROR", "logger": "x", "message": "boom é", "request_id": "-"
    }


@pytest.mark.django_db
def test_password_reset_tokens_are_not_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="hldassess.request"):
        client.get("/accounts/reset/MQ/set-password-secret-token/")
    [record] = [r for r in caplog.records if r.name == "hldassess.request"]
    assert "secret-token" not in record.path and "secret-token" not in record.getMessage()


def test_the_error_page_shows_the_request_id_to_quote():
    request = RequestFactory().get("/")
    request.id = "abc123def456"
    response = server_error(request)
    assert response.status_code == 500
    assert "abc123def456" in response.content.decode()


# --- Login throttling (django-axes) ---------------------------------------------------


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_from_that_address_with_a_clear_message(client, settings):
    make_user("amina")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "amina", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    locked = sign_in(client, "amina", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign in to HLD Assess" in page and "too many failed attempts" in page and "15 minutes" in page
    # Even the right password is refused while locked out.
    assert sign_in(client, "amina", "pw").status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_does_not_block_other_users_or_other_addresses(client, settings):
    make_user("amina")
    make_user("kofi")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "amina", "wrong")
    assert sign_in(client, "kofi", "pw").status_code == 302
    assert sign_in(Client(), "amina", "pw", address="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_a_success_resets_the_count_and_the_lockout_ends_after_the_cool_off(client, settings):
    make_user("amina")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "amina", "wrong")
    assert sign_in(client, "amina", "pw").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "amina", "wrong").status_code == 200  # counting from zero again
    sign_in(client, "amina", "wrong")
    assert sign_in(client, "amina", "pw").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert sign_in(client, "amina", "pw").status_code == 302


@pytest.mark.django_db
def test_the_admin_lists_lockouts(client, settings):
    make_user("amina")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "amina", "wrong", address="10.9.8.7")
    admin = User.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "amina" in page and "10.9.8.7" in page


@pytest.mark.django_db
def test_the_admin_sign_in_is_throttled_too(client, settings):
    User.objects.create_superuser("root", password="pw")
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "root", "password": "wrong"}, REMOTE_ADDR="10.0.0.3")
    assert client.post(url, {"username": "root", "password": "pw"}, REMOTE_ADDR="10.0.0.3").status_code == 429


@pytest.mark.django_db
def test_server_side_authenticate_without_a_request_still_works():
    make_user("amina")
    assert authenticate(username="amina", password="pw") is not None
    assert authenticate(username="amina", password="wrong") is None


# --- CSRF and sessions ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused_with_a_clear_message(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)
    response = client.post(reverse("assessment_submit", args=[world.assessment.pk]))
    assert response.status_code == 403
    assert "The form could not be sent" in response.content.decode()


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_ends_with_the_browser(client):
    make_user("amina")
    sign_in(client, "amina", "pw")
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and not cookie["expires"] and not cookie["max-age"]


# --- Unsafe links and CSV cells -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_evidence_links_other_than_web_addresses_are_refused(client, world, url):
    client.force_login(world.contributor)
    criterion = Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code")[0]
    data = {}
    for c in Criterion.objects.filter(version=world.framework, theme__round_table__number=1):
        data.update({f"c{c.pk}-confidence": "self_declared", f"c{c.pk}-base": "0"})
    data.update({f"c{criterion.pk}-answer": "3", f"c{criterion.pk}-evidence_url": url})
    response = client.post(reverse("questionnaire", args=[world.assessment.pk, 1]), data)
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_the_responses_csv_neutralises_formulas_typed_into_answers(client, world):
    from tests.factories import answer_all

    answer_all(world.assessment)
    Response.objects.filter(assessment=world.assessment).update(
        justification='=HYPERLINK("http://evil.example","Click")', lead_institution="@SUM(A1:A9)"
    )
    client.force_login(world.viewer)
    response = client.get(reverse("report_csv", args=[world.assessment.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"Click\")" in cells and "'@SUM(A1:A9)" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]


@pytest.mark.parametrize(
    "value,cell",
    [
        ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ministry of Labour", "Ministry of Labour"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (3, "3"),
        (-2, "-2"),
        (62.5, "62.5"),
        (True, "True"),
    ],
)
def test_safe_cell_neutralises_formulas_and_keeps_everything_else(value, cell):
    assert safe_cell(value) == cell


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["login", "admin:login"])
@pytest.mark.parametrize("username", ["x" * 256, "\ufdfa" * 20])  # the second NFKC-normalises to 360 characters
def test_a_user_name_too_long_for_the_lockout_table_is_an_ordinary_failed_sign_in(client, page, username):
    """django-axes stores the name in 255 characters; PostgreSQL refused longer ones with a 500."""
    response = client.post(reverse(page), {"username": username, "password": "wrong"}, REMOTE_ADDR="10.0.0.4")
    assert response.status_code == 200
    assert re.search(r"Please enter (a|the) correct username and password", response.content.decode())
    [attempt] = AccessAttempt.objects.all()
    assert len(attempt.username) == 255  # counted, under the first 255 characters of the name


# --- The client's address behind proxies (issue 11, item 1) -----------------------------------------------


def production_settings(monkeypatch, **env) -> dict:
    """The settings that hldassess/settings.py makes from this environment (imported afresh, not cached)."""
    import importlib.util

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("hldassess._settings_probe", ROOT / "hldassess" / "settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def via_proxies(count: int, client_address: str, forged: str = "") -> dict:
    """The request as the app sees it: each proxy appends the address it was reached from to X-Forwarded-For."""
    entries = [forged] if forged else []
    entries += [client_address] + [f"10.1.0.{n}" for n in range(1, count)]
    return {"HTTP_X_FORWARDED_FOR": ", ".join(entries), "REMOTE_ADDR": "10.0.0.254"}


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [1, 2])
def test_behind_proxies_a_lockout_holds_for_one_address_and_not_for_another(client, settings, monkeypatch, proxies):
    production = production_settings(monkeypatch, DJANGO_BEHIND_PROXY="1", DJANGO_PROXY_COUNT=str(proxies))
    for name, value in production.items():
        if name.startswith("AXES_") or "PROXY" in name:
            setattr(settings, name, value)
    make_user("amina")
    attacker, official = "203.0.113.5", "198.51.100.7"
    for n in range(settings.AXES_FAILURE_LIMIT):
        # What the attacker writes into X-Forwarded-For itself changes nothing: only the proxies' entries count.
        response = client.post(reverse("login"), {"username": "amina", "password": "wrong"},
                               **via_proxies(proxies, attacker, forged=f"192.0.2.{n}"))
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
    right = {"username": "amina", "password": "pw"}
    assert Client().post(reverse("login"), right, **via_proxies(proxies, attacker)).status_code == 429
    assert Client().post(reverse("login"), right, **via_proxies(proxies, official)).status_code == 302


@pytest.mark.parametrize(
    "proxies,meta,expected",
    [
        (0, {"HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "10.0.0.254"),  # no proxy: the header is the client's own words
        (1, {"HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "192.0.2.1"),
        (1, {"HTTP_X_FORWARDED_FOR": "6.6.6.6,192.0.2.1"}, "192.0.2.1"),
        (2, {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.1, 10.1.0.1"}, "192.0.2.1"),
        (1, {"HTTP_X_FORWARDED_FOR": "192.0.2.1:51234"}, "192.0.2.1"),
        (1, {"HTTP_X_FORWARDED_FOR": "[2001:db8::1]:443"}, "2001:db8::1"),
        (1, {"HTTP_X_FORWARDED_FOR": "::ffff:192.0.2.1"}, "192.0.2.1"),
        (1, {}, "10.0.0.254"),  # reached without the proxy
        (2, {"HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "10.0.0.254"),  # fewer entries than proxies
        (1, {"HTTP_X_FORWARDED_FOR": "unknown"}, "10.0.0.254"),
        (1, {"HTTP_X_FORWARDED_FOR": "192.0.2.1, <script>"}, "10.0.0.254"),
        (1, {"HTTP_X_FORWARDED_FOR": "", "REMOTE_ADDR": ""}, "0.0.0.0"),  # a Unix socket gives no address
    ],
)
def test_the_client_address_is_the_entry_the_trusted_proxy_appended_and_never_none(settings, proxies, meta, expected):
    from assessments.throttling import client_ip

    settings.PROXY_COUNT = proxies
    request = RequestFactory().post("/accounts/login/", **{"REMOTE_ADDR": "10.0.0.254", **meta})
    assert client_ip(request) == expected


# --- Error pages that never fail themselves (issue 11, item 3) ----------------------------------------------

UTF16_FORM = "application/x-www-form-urlencoded; charset=utf-16"


def browser() -> Client:
    """A client that checks CSRF like production and holds a CSRF cookie (as after a visit to any form)."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = secrets.token_hex(16)  # 32 characters, the form of a CSRF secret
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,status,text",
    [
        ("/accounts/login/", 400, "could not be read"),
        ("/accounts/password_reset/", 400, "could not be read"),
        ("/", 400, "could not be read"),
        ("/no-such-page/", 404, "Page not found"),
    ],
)
def test_a_body_in_a_charset_django_cannot_decode_gets_the_normal_error_page(path, status, text):
    """Django raises BadRequest for it; its error handlers' CSRF wrapper read the body again and made a raw 500."""
    client = browser()
    response = client.generic("POST", path, "username=a&password=b".encode("utf-16"), content_type=UTF16_FORM)
    assert response.status_code == status
    page = response.content.decode()
    assert text in page and "HLD Assess" in page


@pytest.mark.django_db
def test_a_signed_in_post_in_utf16_is_a_400_and_saves_nothing(world):
    client = browser()
    client.force_login(world.contributor)
    url = reverse("questionnaire", args=[world.assessment.pk, 1])
    response = client.generic("POST", url, "a=1".encode("utf-16"), content_type=UTF16_FORM)
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not Response.objects.exists()


@pytest.fixture
def no_static_manifest(settings, tmp_path):
    """Production's static files storage, as if collectstatic had never run."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }


def test_the_500_page_renders_when_the_static_files_manifest_is_missing(no_static_manifest):
    request = RequestFactory().get("/")
    request.id = "abc123def456"
    response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "abc123def456" in page


@pytest.mark.django_db
@pytest.mark.parametrize("path,status,text", [("/no-such-page/", 404, "Page not found"),
                                              ("/accounts/login/", 400, "could not be read")])
def test_error_pages_render_when_the_static_files_manifest_is_missing(no_static_manifest, path, status, text):
    client = browser()
    response = client.generic("POST", path, b"a=1", content_type=UTF16_FORM)
    assert response.status_code == status
    assert text in response.content.decode()


# --- Nothing behind sign-in is kept by a browser or a shared cache (issue 11, item 6) --------------------------


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.django_db
def test_everything_behind_sign_in_is_private_and_not_stored(client, world):
    from tests.factories import answer_all

    answer_all(world.assessment)
    client.force_login(world.focal)
    a = world.assessment.pk
    urls = {
        "overview": reverse("home"),
        "assessment": reverse("assessment_detail", args=[a]),
        "questionnaire": reverse("questionnaire", args=[a, 1]),
        "history": reverse("criterion_history", args=[a, world.framework.criteria.first().pk]),
        "CSV": reverse("report_csv", args=[a]),
        "password change": reverse("password_change"),
        "a stranger's assessment (404)": reverse("assessment_detail", args=[10**9]),
    }
    for kind, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 404), kind
        assert {"private", "no-store"} <= cache_directives(response), (kind, response.get("Cache-Control"))
    # The report page and the documents: kept by this browser only and revalidated on every use (ETag, issue 19).
    for kind, url in {"report": reverse("report", args=[a]), "PDF": reverse("report_pdf", args=[a])}.items():
        response = client.get(url)
        assert response.status_code == 200 and cache_directives(response) == {"private", "no-cache"}, kind
        assert response["ETag"], kind
    # A save's answer (a redirect) too.
    saved = client.post(reverse("assessment_submit", args=[a]))
    assert saved.status_code == 302 and {"private", "no-store"} <= cache_directives(saved)


@pytest.mark.django_db
def test_the_admin_and_the_sign_in_that_opens_a_session_are_not_stored(client, editor):
    make_user("amina")
    response = sign_in(client, "amina", "pw")
    assert response.status_code == 302 and {"private", "no-store"} <= cache_directives(response)
    client.force_login(editor)
    assert {"private", "no-store"} <= cache_directives(client.get(reverse("admin:index")))


# --- Request size limits in gunicorn (issue 11, item 12) -----------------------------------------------------


def test_gunicorn_limits_request_lines_and_headers_like_the_proxy():
    """The values the README gives for the proxy; gunicorn's own validation accepts them."""
    from gunicorn.config import Config

    from hldassess import gunicorn as conf

    expected = {"limit_request_line": 8190, "limit_request_fields": 100, "limit_request_field_size": 8190}
    config = Config()
    for name, value in expected.items():
        assert getattr(conf, name) == value, name
        config.set(name, getattr(conf, name))
        assert getattr(config, name) == value
    readme = (ROOT / "README.md").read_text()
    assert "client_max_body_size" in readme and "large_client_header_buffers" in readme


# --- Password reset rate limit (issue 11, item 11) ---------------------------------------------------------------


@pytest.fixture
def reset_limits(settings):
    settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT = 3
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 5
    settings.PASSWORD_RESET_WINDOW = timedelta(hours=1)
    return settings


def ask_reset(client, email, address):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def refused_with_a_message(response):
    page = response.content.decode()
    return response.status_code == 429 and "Too many password reset requests" in page and "alert-danger" in page


@pytest.mark.django_db
def test_password_reset_is_limited_per_account_from_any_address(client, reset_limits, mailoutbox):
    make_user("amina", email="amina@example.org")
    limit = reset_limits.PASSWORD_RESET_LIMIT_PER_ACCOUNT
    for n in range(limit):
        response = ask_reset(client, "amina@example.org" if n % 2 else " AMINA@example.org", f"10.2.0.{n}")
        assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == limit
    refused = ask_reset(client, "amina@example.org", "10.2.1.1")
    assert refused_with_a_message(refused)
    assert len(mailoutbox) == limit
    # Another account is not affected.
    make_user("kofi", email="kofi@example.org")
    assert ask_reset(client, "kofi@example.org", "10.2.1.1").status_code == 302


@pytest.mark.django_db
def test_password_reset_is_limited_per_address_for_any_account(client, reset_limits, mailoutbox):
    limit = reset_limits.PASSWORD_RESET_LIMIT_PER_ADDRESS
    for n in range(limit):
        assert ask_reset(client, f"someone{n}@example.org", "10.3.0.1").status_code == 302
    # The same answer whether or not the account exists: the limit tells nobody who has an account.
    make_user("amina", email="amina@example.org")
    assert refused_with_a_message(ask_reset(client, "amina@example.org", "10.3.0.1"))
    assert refused_with_a_message(ask_reset(client, "nobody@example.org", "10.3.0.1"))
    assert mailoutbox == []
    assert ask_reset(client, "amina@example.org", "10.3.0.2").status_code == 302
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_password_reset_limit_ends_after_its_window(client, reset_limits, mailoutbox, monkeypatch):
    settings = reset_limits
    import time

    from assessments import throttling

    make_user("amina", email="amina@example.org")
    for n in range(settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT):
        ask_reset(client, "amina@example.org", f"10.4.0.{n}")
    refused = ask_reset(client, "amina@example.org", "10.4.1.1")
    assert refused_with_a_message(refused) and "60 minutes" in refused.content.decode()
    later = time.time() + settings.PASSWORD_RESET_WINDOW.total_seconds() + 1
    monkeypatch.setattr(throttling, "_now", lambda: later, raising=False)
    assert ask_reset(client, "amina@example.org", "10.4.1.1").status_code == 302


# --- SECURITY.md says what the code does (issue 11, item 13) ---------------------------------------------------


@pytest.mark.django_db
def test_evidence_links_are_web_addresses_only_as_security_md_says(client, world):
    client.force_login(world.contributor)
    criteria = list(Criterion.objects.filter(version=world.framework, theme__round_table__number=1))
    data = {}
    for c in criteria:
        data.update({f"c{c.pk}-confidence": "self_declared", f"c{c.pk}-base": "0"})
    data.update({f"c{criteria[0].pk}-answer": "3", f"c{criteria[0].pk}-evidence_url": "ftp://example.org/law.pdf"})
    response = client.post(reverse("questionnaire", args=[world.assessment.pk, 1]), data)
    assert "Enter a web address starting with http:// or https://." in response.content.decode()
    assert not Response.objects.exists()
    [row] = [line for line in (ROOT / "SECURITY.md").read_text().splitlines() if line.startswith("| Evidence links")]
    accepted, refused = row.split("refused", 1)[0].split("`ftp:`", 1)
    assert "`http`" in accepted and "`https`" in accepted and "ftp" not in accepted  # ftp only among the refused


def test_security_md_says_what_is_tested_and_names_test_files_that_exist():
    text = (ROOT / "SECURITY.md").read_text()
    assert "## What is tested and how to run it" in text
    section = text.split("## What is tested and how to run it", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"tests/[\w/]+\.py", section))
    assert {"tests/test_security.py", "tests/test_fuzz.py", "tests/test_backup.py", "tests/test_admin.py"} <= named
    assert [path for path in named if not (ROOT / path).exists()] == []
    assert "DATABASE_URL=" in section and "pytest" in section
