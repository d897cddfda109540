"""Finding the project's own apps' modules (`jobs`, `demo`) without importing them by name: the
apps below never import the apps above, so core looks them up at run time."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.conf import settings


def project_modules(name: str) -> list[tuple[str, ModuleType]]:
    """(app label, `<app>.<name>` module) of each of the project's installed apps that has one,
    in the order of INSTALLED_APPS; installed packages (allauth, axes, …) are not looked in."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base not in path.parents or "site-packages" in path.parts:
            continue
        try:
            found.append((config.label, importlib.import_module(f"{config.name}.{name}")))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return found
