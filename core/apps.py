from django.apps import AppConfig

from .forms import clean_text_inputs
from .queries import register_lookups


class CoreConfig(AppConfig):
    """Building blocks every app uses; no models of the domain."""

    name = "core"

    def ready(self):
        clean_text_inputs()
        register_lookups()
