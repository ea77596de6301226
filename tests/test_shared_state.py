"""Shared state from the environment (issue 19): REDIS_URL selects Redis for the page cache, the rate limits and
(cached) sessions; without it the embedded default stays. The Redis tests run against the real local Redis when
REDIS_URL is set (CI's PostgreSQL run sets it) and are skipped otherwise."""

import os
import uuid

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from hldassess.cache_settings import EMBEDDED_CACHES, caches_for
from tests.factories import make_user

needs_redis = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL")),
    reason="REDIS_URL is not set: these tests need a real Redis (e.g. REDIS_URL=redis://127.0.0.1:6379/9)",
)


# --- The settings, read from an environment (no Redis needed) --------------------------------------------------


def test_without_a_redis_url_the_embedded_default_stays():
    caches_setting, session_engine = caches_for({})
    assert caches_setting == EMBEDDED_CACHES
    assert caches_setting["default"]["BACKEND"].endswith("LocMemCache")
    assert caches_setting["throttle"]["BACKEND"].endswith("DatabaseCache")
    assert session_engine == "django.contrib.sessions.backends.db"
    assert caches_for({"REDIS_URL": "  "}) == caches_for({})


@pytest.mark.parametrize("variable", ["REDIS_URL", "CACHE_URL"])
def test_a_redis_url_selects_redis_for_pages_limits_and_sessions(variable):
    caches_setting, session_engine = caches_for({variable: "redis://10.0.0.5:6379/2", "HLD_CACHE_KEY_PREFIX": "site"})
    for alias in ("default", "throttle"):
        assert caches_setting[alias]["BACKEND"] == "assessments.cache_backends.PrefixedRedisCache"
        assert caches_setting[alias]["LOCATION"] == "redis://10.0.0.5:6379/2"
    # The two caches share a database but never a key.
    assert caches_setting["default"]["KEY_PREFIX"] == "site"
    assert caches_setting["throttle"]["KEY_PREFIX"] == "site-throttle"
    assert session_engine == "django.contrib.sessions.backends.cached_db"


def test_the_redis_cache_is_djangos_own():
    from django.core.cache.backends.redis import RedisCache

    from assessments.cache_backends import PrefixedRedisCache

    assert issubclass(PrefixedRedisCache, RedisCache)


def test_a_cache_url_that_is_not_redis_is_refused_with_a_message():
    with pytest.raises(ValueError, match="redis://"):
        caches_for({"CACHE_URL": "memcached://127.0.0.1:11211"})


# --- Against the real Redis ---------------------------------------------------------------------------------------


def a_second_server_cache(alias="default"):
    """A fresh connection, as another app server (another process) would make from the same settings."""
    return caches.create_connection(alias)


@needs_redis
def test_the_running_settings_use_redis_with_a_prefix_of_this_run():
    assert settings.CACHES["default"]["BACKEND"] == "assessments.cache_backends.PrefixedRedisCache"
    assert settings.CACHES["default"]["KEY_PREFIX"].startswith("hld-test-")
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


@needs_redis
def test_a_value_cached_by_one_server_is_read_by_another():
    key = f"shared-{uuid.uuid4().hex}"
    caches["default"].set(key, {"page": "<p>x</p>"}, timeout=30)
    assert a_second_server_cache().get(key) == {"page": "<p>x</p>"}
    a_second_server_cache().delete(key)
    assert caches["default"].get(key) is None


@needs_redis
def test_clearing_the_page_cache_keeps_the_rate_limits_and_other_runs_keys():
    import redis

    caches["default"].set("page", "cached", timeout=30)
    caches["throttle"].set("password-reset:address:10.0.0.1", (3, 0.0), timeout=30)
    stranger = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    stranger_key = f"another-run-{uuid.uuid4().hex}:1:page"
    stranger.set(stranger_key, b"theirs", ex=30)
    try:
        caches["default"].clear()
        assert caches["default"].get("page") is None
        assert caches["throttle"].get("password-reset:address:10.0.0.1") == (3, 0.0)
        assert stranger.get(stranger_key) == b"theirs"  # Django's own clear() (FLUSHDB) would have dropped it
    finally:
        stranger.delete(stranger_key)
        caches["throttle"].clear()


@needs_redis
@pytest.mark.django_db
def test_the_password_reset_limit_is_counted_in_redis_for_every_server(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    url, data = reverse("password_reset"), {"email": "x@example.org"}
    for _ in range(2):
        assert client.post(url, data, REMOTE_ADDR="10.9.9.9").status_code == 302
    prefix = settings.CACHES["throttle"]["KEY_PREFIX"]
    keys = list(caches["throttle"]._cache.get_client().scan_iter(match=f"{prefix}:*"))
    assert any(b"password-reset:address:10.9.9.9" in key for key in keys)
    # Another server (another cache connection) sees the same count and refuses the third request.
    assert a_second_server_cache("throttle").get("password-reset:address:10.9.9.9")[0] == 2
    assert Client().post(url, data, REMOTE_ADDR="10.9.9.9").status_code == 429


@needs_redis
@pytest.mark.django_db
def test_a_session_is_cached_in_redis_and_written_through_to_the_database(client):
    make_user("amina")
    assert client.post(reverse("login"), {"username": "amina", "password": "pw"}).status_code == 302
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=session_key).exists()  # survives a restart of Redis
    assert caches["default"].get(f"django.contrib.sessions.cached_db{session_key}") is not None
    # A second client with only the cookie (another server behind the balancer) is signed in.
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = session_key
    assert other.get(reverse("home")).status_code == 200
    assert other.get(reverse("home")).wsgi_request.user.username == "amina"
    # Redis lost (restart, eviction): the database still has the session.
    caches["default"].clear()
    assert other.get(reverse("home")).wsgi_request.user.username == "amina"
