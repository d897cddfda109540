from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = _("Activities and check-in")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules once the models are loaded)
