"""Static files' storage: each file's URL worked out once per process.

`{% static %}` asks the storage for a URL on every use (the manifest's hashed name, quoted and
joined to STATIC_URL), a dozen times on every page. The files do not change while a process
runs (collectstatic comes before a deployment starts), so the answer is kept.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class RememberedUrlsMixin:
    """url(name) once per name; a name that fails (not in the manifest) fails every time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url


class StaticStorage(RememberedUrlsMixin, CompressedManifestStaticFilesStorage):
    """Production: WhiteNoise's compressed, hashed files (collectstatic), URLs remembered."""


class PlainStaticStorage(RememberedUrlsMixin, StaticFilesStorage):
    """The files as they are (no collectstatic, as in the HTTP bench), URLs remembered."""
