"""Settings of the HTTP bench's gunicorn (bench/http.py): production settings (DEBUG off) served
over plain HTTP on 127.0.0.1, the bench's URLconf (the site plus the baseline view), and the
cache the bench names (Redis where it runs, as in production; else each process its own)."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from config.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.wishes"
ALLOWED_HOSTS = ["*"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# No collectstatic for a bench: {% static %} without a manifest, WhiteNoise with an empty root.
STATIC_ROOT = str(BASE_DIR / "var" / "bench-static")  # noqa: F405
os.makedirs(STATIC_ROOT, exist_ok=True)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "core.storage.PlainStaticStorage"},
}
_cache_url = os.environ.get("BENCH_CACHE_URL", "")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": os.environ.get("BENCH_CACHE_PREFIX", "sbd-bench"),
        }
    }
    USER_PAGE_CACHE_SECONDS = 60  # shared by the workers, as with REDIS_URL in production
    USER_ROW_CACHE_SECONDS = 300
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    USER_PAGE_CACHE_SECONDS = 0
    USER_ROW_CACHE_SECONDS = 0
# Celery tasks (emails) run in the process; the bench sends none.
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
