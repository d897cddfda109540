"""One client address for the rate limiter and the login lockout, behind a proxy or not."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from core import http
from core.http import client_ip


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_a_proxy_the_forwarded_header_is_not_believed(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
    request = request_from("10.0.0.2", "1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_behind_a_proxy_a_request_without_the_header_is_its_remote_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [(0, "1.2.3.4", "10.0.0.2"), (1, "1.2.3.4, 198.51.100.7", "198.51.100.7")],
)
def test_axes_sees_the_same_client_as_the_rate_limiter(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = request_from("10.0.0.2", forwarded)
    assert get_client_ip_address(request) == client_ip(request) == expected


def test_a_request_without_an_address_has_no_client_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR")
    assert client_ip(request) is None


def test_a_forwarded_value_that_is_no_address_is_not_taken_for_one(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, <script>")) is None


def test_a_forwarded_request_without_a_proxy_count_is_logged_once(settings, caplog, monkeypatch):
    monkeypatch.setattr(http, "_warned_unconfigured_proxy", False)
    settings.TRUSTED_PROXY_COUNT = 0
    with caplog.at_level("WARNING", logger="core.http"):
        client_ip(request_from("10.0.0.2", "198.51.100.7"))
        client_ip(request_from("10.0.0.2", "198.51.100.8"))
    [record] = [r for r in caplog.records if r.name == "core.http"]
    assert "PROXY_COUNT is 0" in record.getMessage()


def test_no_warning_where_the_proxy_count_is_set_or_nothing_is_forwarded(
    settings, caplog, monkeypatch
):
    monkeypatch.setattr(http, "_warned_unconfigured_proxy", False)
    settings.TRUSTED_PROXY_COUNT = 1
    client_ip(request_from("10.0.0.2", "198.51.100.7"))
    settings.TRUSTED_PROXY_COUNT = 0
    client_ip(request_from("198.51.100.7"))
    assert not [r for r in caplog.records if r.name == "core.http"]
