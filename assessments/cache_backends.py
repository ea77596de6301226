"""Django's Redis cache, except that ``clear()`` empties only this cache's keys.

Django's ``RedisCache.clear()`` runs FLUSHDB: it would drop the rate limits (the "throttle" cache, another key
prefix in the same Redis database), the sessions' cached copies, and whatever else shares that database (another
site, another test run). ``manage.py restore`` and the tests clear the page cache; this clears only its prefix.
"""

from django.core.cache.backends.redis import RedisCache


class PrefixedRedisCache(RedisCache):
    def clear(self):
        client = self._cache.get_client(None, write=True)
        pattern = self.make_key("*").replace(f":{self.version}:", ":*:", 1)  # every version of every key
        keys = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return True
