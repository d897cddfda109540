from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from .models import Notification  # (models: only once the app registry is ready)
        from .services import _unread_changed  # (imports the models too)

        # The header badge's count is cached (services.notifications_unread_count): a saved or
        # deleted notification drops its user's; bulk inserts and updates drop theirs in the
        # services.
        def changed(sender, instance, **kwargs):
            _unread_changed([instance.user_id])

        post_save.connect(changed, sender=Notification, dispatch_uid="unread-badge", weak=False)
        post_delete.connect(
            changed, sender=Notification, dispatch_uid="unread-badge-del", weak=False
        )
