"""CACHES and SESSION_ENGINE from the environment (issue 19): Redis when REDIS_URL or CACHE_URL names one.

With Redis, the page cache and the rate limits live in one place that every worker of every app server shares
(README "Production"); HLD_CACHE_KEY_PREFIX keeps several sites or test runs on one Redis apart. Without it, the
embedded default: rendered fragments in each process's memory (correct per process, since the keys carry the
revision) and rate limits in the database, so that every worker and server counts together (the table is made
by ``manage.py createcachetable``, which ``make serve`` runs).
"""

from collections.abc import Mapping

EMBEDDED_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "hld_throttle_cache"},
}
# Django's RedisCache, with a clear() that empties only its own key prefix (assessments/cache_backends.py).
REDIS_BACKEND = "assessments.cache_backends.PrefixedRedisCache"
# Sessions with Redis: "cached_db" reads them from Redis (no database query on a warm request) and writes them
# through to the database, so that a restart or an eviction in Redis signs nobody out and `clearsessions` keeps
# working; the pure "cache" engine would sign everybody out with Redis, and signed cookies cannot be revoked.
REDIS_SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
DB_SESSION_ENGINE = "django.contrib.sessions.backends.db"


def redis_url(environ: Mapping[str, str]) -> str:
    return (environ.get("REDIS_URL") or environ.get("CACHE_URL") or "").strip()


def caches_for(environ: Mapping[str, str], prefix: str | None = None) -> tuple[dict, str]:
    """(CACHES, SESSION_ENGINE) for this environment; ``prefix`` overrides HLD_CACHE_KEY_PREFIX."""
    url = redis_url(environ)
    if not url:
        return {alias: dict(options) for alias, options in EMBEDDED_CACHES.items()}, DB_SESSION_ENGINE
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"REDIS_URL/CACHE_URL must be a redis://, rediss:// or unix:// address, not {url!r}")
    prefix = prefix or environ.get("HLD_CACHE_KEY_PREFIX", "").strip() or "hld"
    redis = {"BACKEND": REDIS_BACKEND, "LOCATION": url}
    return {
        "default": {**redis, "KEY_PREFIX": prefix},
        "throttle": {**redis, "KEY_PREFIX": f"{prefix}-throttle"},
    }, REDIS_SESSION_ENGINE
