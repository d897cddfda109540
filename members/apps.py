from django.apps import AppConfig
from django.core.checks import Tags, register
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and communities")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules once the models are loaded)
        from .checks import demo_accounts_check  # (reads the models: only once they are loaded)

        register(demo_accounts_check, Tags.security, deploy=True)
