from django.apps import AppConfig
from django.core.checks import Tags, register

from .checks import proxy_count_check
from .forms import clean_text_inputs
from .queries import register_lookups


class CoreConfig(AppConfig):
    """Building blocks every app uses; no models of the domain."""

    name = "core"

    def ready(self):
        register(proxy_count_check, Tags.security, deploy=True)
        clean_text_inputs()
        register_lookups()
