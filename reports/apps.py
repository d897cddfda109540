from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Service and reports")

    def ready(self):
        from core.pagecache import watch_app_pages  # (reads the models: once they are loaded)
        from records.services import period_lock_register  # once the apps are loaded

        from . import permissions  # noqa: F401  (registers the rules once the models are loaded)
        from .services import member_period_approved  # once the models are loaded

        period_lock_register(member_period_approved)
        watch_app_pages(self)  # the app's cached pages follow its rows
        self._watch_evaluations()

    @staticmethod
    def _watch_evaluations():
        """A rating saved or deleted anywhere (the service, the admin) renews its community's
        evaluation page and counts."""
        from django.db.models.signals import post_delete, post_save  # (with the models)

        from core.pagecache import generations_changed  # (as the models, below)

        from .models import Evaluation  # (models: only once the app registry is ready)
        from .services import evaluations_generation_key  # (reads the models, as above)

        def changed(sender, instance, **kwargs):
            generations_changed(evaluations_generation_key(instance.community_id))

        post_save.connect(changed, sender=Evaluation, dispatch_uid="evaluations", weak=False)
        post_delete.connect(changed, sender=Evaluation, dispatch_uid="evaluations-del", weak=False)
