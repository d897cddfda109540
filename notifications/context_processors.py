from django.utils.functional import SimpleLazyObject

from .services import notifications_unread_count


def unread_notifications(request):
    """The unread count for the header badge; counted only if a template shows it, and then
    read from the cache (notifications_unread_count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notification_count": SimpleLazyObject(lambda: notifications_unread_count(user=user))
    }
