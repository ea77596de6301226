"""Test settings: the production settings plus a throw-away key and fast hashing.

The tests talk plain HTTP (Django's test client, the browser tests' live server),
so the HTTPS-only controls are off here; tests/test_security.py runs
``check --deploy`` on the real production settings in a separate process.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ.setdefault("HLD_REQUIRE_2FA", "0")  # tests that need it turn it on

from .settings import *  # noqa: E402,F403

# The frameworks that tests build by hand are in English only; tests/test_languages.py checks that a real
# setting (all three languages, the default) refuses to publish an incomplete translation.
HLD_FRAMEWORK_LANGUAGES = ["en"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files straight from the source folders (no collectstatic in tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Documents render inside the request (no worker); tests/test_documents_pipeline.py runs the real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# With REDIS_URL (CI's PostgreSQL run), the tests use the real Redis under a key prefix of their own, so that
# concurrent runs never see each other's keys; the page cache's clear() empties only that prefix.
if REDIS_URL_FOR_TESTS := os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL"):
    import uuid

    from .cache_settings import caches_for

    CACHES, SESSION_ENGINE = caches_for(os.environ, prefix=f"hld-test-{os.getpid()}-{uuid.uuid4().hex[:8]}")
