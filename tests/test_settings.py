"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settings(expr: str, **env) -> str:
    """Evaluate `expr` against config.settings loaded in a fresh process with `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in _KEYS}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = f"import django; django.setup(); from django.conf import settings as s; print({expr})"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    if result.returncode:
        return "ERROR: " + result.stderr.strip().splitlines()[-1]
    return result.stdout.strip()


_KEYS = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "MEDIA_ROOT",
    "SITE_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "PROXY_COUNT",
}


def test_sqlite_under_var_by_default():
    out = _settings(
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']", DEBUG="true"
    )
    assert "sqlite3" in out and "var/db.sqlite3" in out


def test_database_url_selects_postgresql():
    out = _settings(
        "s.DATABASES['default']['ENGINE']",
        DEBUG="true",
        DATABASE_URL="postgres://u:p@db.example:5432/sbd",
    )
    assert out == "django.db.backends.postgresql"


def test_redis_url_switches_cache_and_celery_broker():
    out = _settings(
        "s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER",
        DEBUG="true",
        REDIS_URL="redis://cache.example:6379/1",
    )
    assert "RedisCache" in out and "redis://cache.example:6379/1" in out and "False" in out


def test_without_redis_the_cache_is_local_and_tasks_run_eagerly():
    out = _settings("s.CACHES['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER", DEBUG="true")
    assert "LocMemCache" in out and "True" in out


def test_production_needs_a_secret_key():
    assert _settings("s.SECRET_KEY", DEBUG="false").startswith("ERROR")


def test_the_web_processes_refuse_to_start_without_a_secret_key():
    assert _settings("__import__('config.wsgi')", DEBUG="false").startswith("ERROR")
    assert _settings("__import__('config.asgi')", DEBUG="false").startswith("ERROR")


def test_the_web_processes_start_with_a_secret_key():
    key = "a-real-looking-secret-" + "k3y" * 20
    assert not _settings("__import__('config.wsgi')", DEBUG="false", SECRET_KEY=key).startswith(
        "ERROR"
    )


def test_commands_that_sign_nothing_run_without_a_secret_key():
    assert _settings("s.INSTALLED_APPS[0]", DEBUG="false") == "config.apps.PlatformAdminConfig"


def test_email_and_media_from_the_environment():
    out = _settings(
        "s.EMAIL_BACKEND, s.EMAIL_HOST, s.MEDIA_ROOT, s.SITE_URL",
        DEBUG="true",
        EMAIL_URL="smtp://mailer.example:25",
        MEDIA_ROOT="/srv/media",
        SITE_URL="https://sbd.example.org",
    )
    assert "smtp" in out and "mailer.example" in out and "/srv/media" in out
    assert "https://sbd.example.org" in out


def test_console_email_by_default():
    assert "console" in _settings("s.EMAIL_BACKEND", DEBUG="true")


def test_chinese_and_shanghai_by_default():
    assert _settings("s.LANGUAGE_CODE, s.TIME_ZONE", DEBUG="true") == "zh-hans Asia/Shanghai"


def test_demo_accounts_only_in_debug():
    assert _settings("s.DEMO_ACCOUNTS", DEBUG="true") == "True"
    assert _settings("s.DEMO_ACCOUNTS", DEBUG="false", SECRET_KEY="x" * 60) == "False"


def _check_deploy(tmp_path, **extra):
    """`manage.py check --deploy --fail-level WARNING` as `make check-deploy` runs it, on an
    empty database of its own (a developer's var/db.sqlite3 may hold demo accounts)."""
    env = {k: v for k, v in os.environ.items() if k not in _KEYS}
    env.update(
        DEBUG="false",
        SECRET_KEY="a-real-looking-secret-" + "k3y" * 20,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_checks(tmp_path):
    result = _check_deploy(tmp_path, PROXY_COUNT="1")
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_deploy_checks_fail_behind_the_proxy_without_a_proxy_count(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode != 0
    assert "core.W001" in result.stderr + result.stdout


def test_make_check_deploy_gives_the_proxy_count_of_the_readme():
    target = (ROOT / "Makefile").read_text(encoding="utf-8").split("check-deploy:", 1)[1]
    assert "PROXY_COUNT=$${PROXY_COUNT:-1}" in target.split("\n\n", 1)[0]


def test_env_example_documents_every_variable_the_settings_read():
    """Issue 9: there was no .env.example. Every env("NAME", …) of config/settings.py is named
    in it, and it names nothing the settings do not read."""
    import re

    source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.[a-z_]+)?\(\s*"([A-Z][A-Z0-9_]*)"', source))
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, re.M))
    assert read and read - named == set()
    assert named - read == set()


def test_make_run_takes_a_port_and_prints_its_address():
    makefile = (ROOT / "Makefile").read_text()
    assert "PORT ?= 8000" in makefile and "runserver $(HOST):$(PORT)" in makefile
    assert "SITE_URL=$(RUN_URL) $(PY) manage.py demo_logins" in makefile
