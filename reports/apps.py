from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Service and reports")

    def ready(self):
        from records.services import period_lock_register  # once the apps are loaded

        from . import permissions  # noqa: F401  (registers the rules once the models are loaded)
        from .services import member_period_approved  # once the models are loaded

        period_lock_register(member_period_approved)
