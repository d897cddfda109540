from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread_notifications(request):
    """The unread count for the header badge; queried only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notification_count": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        )
    }
