"""Redis cache that keeps the site up when Redis is down or hung: reads miss, writes are dropped, and after
one failure Redis is not asked again for a few seconds (so a hung Redis costs one timeout, not one per call).
Rate limits fail open for that time — better than refusing every login. Sessions live in the database."""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 15


class ResilientRedisCache(RedisCache):
    _down_until = 0.0  # per process

    def _call(self, name, default, *args, **kwargs):
        if time.monotonic() < ResilientRedisCache._down_until:
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except (RedisError, OSError) as error:
            ResilientRedisCache._down_until = time.monotonic() + BACKOFF_SECONDS
            logger.warning("Cache unavailable (%s); carrying on without it for %ss", error, BACKOFF_SECONDS)
            return default

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=None, version=None):
        # "Added": callers that take a lock with add() (allauth's rate limits) carry on without the cache.
        return self._call("add", True, key, value, timeout, version)

    def set(self, key, value, timeout=None, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", [], data, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", None, key, delta, version)
        if result is None:
            raise ValueError("cache unavailable")  # callers treat it as a missing key
        return result

    def clear(self):
        return self._call("clear", None)
