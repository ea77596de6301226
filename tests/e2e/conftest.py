"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Every test here is marked ``browser``. Without Chromium (``/usr/bin/chromium``, or the path in
``HLD_CHROMIUM``) they are skipped with a reason that says so; ``make test`` prints it too.
axe-core comes from the npm registry: the first run installs it into ``.e2e/`` (git-ignored).
A failing test leaves a screenshot of every open page in ``test-artifacts/`` (git-ignored).
"""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("HLD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_PREFIX = ROOT / ".e2e"
AXE_JS = AXE_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
HERE = Path(__file__).resolve().parent

PASSWORD = "e2e-Hld-2013-pass"
TIMEOUT_MS = 15_000


def _skip_reason() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"browser tests skipped: Chromium not found at {CHROMIUM} (apt-get install chromium, or set HLD_CHROMIUM)"
        )
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "browser tests skipped: the playwright package is not installed (pip install -e '.[test]')"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


# --- Browser ---------------------------------------------------------------------


@pytest.fixture
def browser(live_server, transactional_db):
    """Chromium for one test, started after the database fixtures and stopped before their teardown.

    While Playwright runs, its event loop counts as running in this thread, so Django hands the test
    other connection objects than the ones the database fixtures set up (asgiref's Local). Starting
    the browser per test keeps set-up and teardown of the database on the original ones; the extra
    connections are closed here, so that PostgreSQL can drop the test database at the end.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the tests use the ORM synchronously, as ever
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
    finally:
        connections.close_all()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server, request):
    """Open a fresh browser context (its own cookies) on the live server; closed after the test."""
    contexts = []
    request.node.e2e_contexts = contexts

    def make():
        # bypass_csp: axe-core is injected with a <script> tag, which the app's CSP rightly forbids.
        # reduced_motion: Bootstrap then scrolls to a focused element at once, not smoothly (and slowly).
        context = browser.new_context(
            base_url=live_server.url,
            bypass_csp=True,
            locale="en-GB",
            viewport={"width": 1280, "height": 900},
            reduced_motion="reduce",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when in ("setup", "call"):
        _screenshots(item)


def _screenshots(item):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]
    for c, context in enumerate(getattr(item, "e2e_contexts", [])):
        for p, page in enumerate(context.pages):
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"{name}-{c}-{p}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # the page may have crashed: keep the test's own failure
                print(f"no screenshot of {page.url}: {error}")
            else:
                print(f"screenshot of {page.url}: {path}")


# --- Data --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> str:
    """The database as ``make run`` leaves it (HLD 2013 framework, demo governments, users, assessments).

    Loading the YAML fixture and seeding take many seconds, so it is done once, serialised and rolled
    back; each test restores the snapshot in a fraction of that.
    """
    from django.db import connection, transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "hld2013", verbosity=0)
        call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())
        snapshot = connection.creation.serialize_db_to_string()
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture
def demo(demo_snapshot, live_server, django_db_serialized_rollback, transactional_db, settings, tmp_path):
    """The demo data, committed, for the live server; PDFs go to a temporary folder.

    The live server needs committed data, hence a transactional database; serialized rollback
    brings back what the migrations created (groups, reference lists) after each test's flush.
    """
    from django.apps import apps
    from django.core.cache import caches
    from django.core.management.color import no_style
    from django.db import connection

    from assessments.models import Assessment

    settings.MEDIA_ROOT = tmp_path / "media"
    # Every test restores the same rows (same pks, dates and revisions): pages cached by revision
    # in an earlier test must not be served in this one.
    for cache in caches.all():
        cache.clear()
    connection.creation.deserialize_db_from_string(demo_snapshot)
    # Rows came with their primary keys: move PostgreSQL's sequences past them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(sql)
    return SimpleNamespace(
        url=live_server.url,
        password=PASSWORD,
        draft=Assessment.objects.get(government__name="Demoland", cycle="2026"),
        approved=Assessment.objects.get(government__name="Demoland", cycle="2024"),
        testland=Assessment.objects.get(government__name="Testland", cycle="2026"),
    )


@pytest.fixture
def sign_in(new_context):
    """``sign_in("demo-focal")`` → a page of a new context, signed in through the login form, on the home page."""

    def sign_in(username: str, password: str = PASSWORD):
        page = new_context().new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/$"))
        return page

    return sign_in


# --- axe-core ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """Path of axe.min.js, installed from the npm registry into .e2e/ on first use."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("accessibility tests skipped: axe-core comes from npm, which is missing (apt-get install npm)")
        done = subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_PREFIX), "axe-core@4"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not AXE_JS.exists():
            pytest.fail(f"npm could not install axe-core into {AXE_PREFIX}:\n{done.stderr[-2000:]}")
    return AXE_JS
