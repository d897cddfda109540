"""Settings for the test suite: production settings (DEBUG off) made runnable over plain HTTP."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "mandatory")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The live server for browser tests speaks plain HTTP.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
CELERY_TASK_ALWAYS_EAGER = True
# WhiteNoise serves STATIC_ROOT; give it an (empty) directory so it has nothing to warn about.
STATIC_ROOT = str(BASE_DIR / "var" / "test-static")  # noqa: F405
os.makedirs(STATIC_ROOT, exist_ok=True)
# The public page cache is off in tests but for its own (tests/test_speed.py turns it on).
PUBLIC_PAGE_CACHE_SECONDS = 0
# One process: the suite keeps users' pages as production does.
USER_PAGE_CACHE_SECONDS = 60
USER_ROW_CACHE_SECONDS = 300
