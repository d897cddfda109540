from django.db.models import QuerySet

from members.permissions import Roles, admin_verbs, nobody, rule, scoper

from .models import Notification


@rule("notifications.notification.read")
def _read(roles: Roles, notification: Notification | None) -> bool:
    return roles.is_authenticated and (
        notification is None or notification.user_id == roles.user_id
    )


admin_verbs("notifications.notification", view=lambda r, o: False, change=nobody)


@scoper(Notification)
def _scope(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(user_id=roles.user_id) if roles.is_authenticated else qs.none()
