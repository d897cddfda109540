from django.apps import AppConfig

from .forms import clean_text_inputs


class CoreConfig(AppConfig):
    """Building blocks every app uses; no models of the domain."""

    name = "core"

    def ready(self):
        clean_text_inputs()
