from django.db.models import QuerySet

from members.access import Roles, admin_verbs, nobody, scoper

from .models import Notification

admin_verbs(
    "notifications.notification",
    # In admin, a user sees only their own notifications (the scoper narrows the rows).
    view=lambda r, o: r.may_use_admin and (o is None or o.user_id == r.user_id),
    change=nobody,
)


@scoper(Notification)
def _scope(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(user_id=roles.user_id) if roles.is_authenticated else qs.none()
