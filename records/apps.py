from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Service records")

    def ready(self):
        from core.pagecache import watch_app_pages  # (reads the models: once they are loaded)

        from . import permissions  # noqa: F401  (registers the rules once the models are loaded)

        watch_app_pages(self)  # the app's cached pages follow its rows
        from .models import ServiceRecord  # (models: only once the app registry is ready)
        from .selectors import member_records_changed  # (it reads the models, as above)

        # A member's cached totals (records.selectors) follow every record saved or deleted
        # (the services, the admin); the services' UPDATEs say so themselves.
        def changed(sender, instance, **kwargs):
            member_records_changed(instance.member_id)

        post_save.connect(
            changed, sender=ServiceRecord, dispatch_uid="records-member-totals", weak=False
        )
        post_delete.connect(
            changed, sender=ServiceRecord, dispatch_uid="records-member-totals-del", weak=False
        )
