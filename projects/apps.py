from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Service projects")

    def ready(self):
        from core.pagecache import watch_app_pages  # (reads the models: once they are loaded)

        from . import permissions  # noqa: F401  (registers the rules once the models are loaded)

        watch_app_pages(self)  # the app's cached pages follow its rows
