from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.pagecache import user_page
from core.pagination import page_of

from .models import Notification
from .services import notifications_mark_read

PAGE_SIZE = 20


@login_required
def notification_list(request):
    # A user's own notifications are all they may see of them (members.permissions says the
    # same to the admin).
    # Kept for a minute per page, until one of theirs arrives or is read (notifications.services).
    return user_page(
        request,
        "notifications/list.html",
        lambda: {
            "page": page_of(request, Notification.objects.filter(user=request.user), PAGE_SIZE)
        },
    )


@login_required
@require_POST
def notification_mark_all_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
