from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "wishes"
    verbose_name = _("Micro-wishes")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules once the models are loaded)
