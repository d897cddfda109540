from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Building blocks every app uses; no models of the domain."""

    name = "core"
