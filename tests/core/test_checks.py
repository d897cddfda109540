"""The deploy checks of core (`manage.py check --deploy`): PROXY_COUNT against the proxy the
other settings expect."""

from django.core import checks

from core.checks import proxy_count_check


def _ids(messages):
    return [m.id for m in messages]


def test_behind_the_expected_proxy_a_proxy_count_of_zero_warns(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    [message] = proxy_count_check()
    assert message.id == "core.W001"
    assert message.level == checks.WARNING
    assert "PROXY_COUNT" in message.hint


def test_a_proxy_count_that_matches_the_proxy_passes(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    assert proxy_count_check() == []


def test_without_a_proxy_expected_zero_is_right(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.TRUSTED_PROXY_COUNT = 0
    assert proxy_count_check() == []


def test_a_negative_proxy_count_is_an_error(settings):
    settings.TRUSTED_PROXY_COUNT = -1
    assert _ids(proxy_count_check()) == ["core.E001"]


def test_the_proxy_check_runs_with_the_deploy_checks_only(settings, db):
    """(The database: another app's deploy check reads it.)"""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert "core.W001" in _ids(checks.run_checks(include_deployment_checks=True))
    assert "core.W001" not in _ids(checks.run_checks())
