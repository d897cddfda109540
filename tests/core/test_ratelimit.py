"""The rate limiter counts first: of simultaneous requests exactly the limit get through."""

import threading

from core.ratelimit import rate_limit_take


def test_uses_within_the_rate_are_allowed_and_the_rest_refused():
    takes = [rate_limit_take(scope="t", client="10.0.0.1", rate="2/h") for _ in range(4)]
    assert takes == [True, True, False, False]
    assert rate_limit_take(scope="t", client="10.0.0.2", rate="2/h")
    assert rate_limit_take(scope="other", client="10.0.0.1", rate="2/h")


def test_of_simultaneous_uses_exactly_the_limit_are_allowed():
    threads_count = 24
    barrier = threading.Barrier(threads_count)
    results = []
    lock = threading.Lock()

    def take():
        barrier.wait(timeout=10)
        allowed = rate_limit_take(scope="burst", client="10.0.0.1", rate="5/h")
        with lock:
            results.append(allowed)

    threads = [threading.Thread(target=take) for _ in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [False] * (threads_count - 5) + [True] * 5
