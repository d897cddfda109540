"""core.cache.RedisCache: Django's Redis cache with one client per connection pool, against the
Redis that REDIS_URL names (under CI a missing Redis fails these tests; elsewhere they skip)."""

import os
import threading
import uuid

import pytest
import redis

from core.cache import RedisCache


@pytest.fixture
def cache():
    url = os.environ.get("REDIS_URL", "")
    reason = ""
    if not url:
        reason = "REDIS_URL is not set"
    else:
        try:
            redis.Redis.from_url(url, socket_timeout=3).ping()
        except redis.RedisError as exc:
            reason = f"Redis at REDIS_URL does not answer ({exc})"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Under CI the cache tests must run: {reason}")
        pytest.skip(reason)
    backend = RedisCache(url, {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})
    yield backend
    backend.clear()


def test_every_call_uses_the_same_client(cache):
    cache.set("a", 1)
    cache.get("a")
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_values_round_trip_as_with_djangos_backend(cache):
    cache.set("figures", {"members": 3, "names": ["张伟"]}, 30)
    cache.incr_version("figures")
    cache.set("count", 1)
    cache.incr("count")
    assert cache.get("figures", version=2) == {"members": 3, "names": ["张伟"]}
    assert cache.get("count") == 2
    assert cache.get_many(["count", "missing"]) == {"count": 2}


def test_threads_share_the_client_safely(cache):
    errors = []

    def work(n):
        try:
            for i in range(50):
                cache.set(f"t{n}:{i}", i)
                assert cache.get(f"t{n}:{i}") == i
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
