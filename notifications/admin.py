from django.contrib import admin

from members.access import ScopedModelAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ScopedModelAdmin):
    list_display = ["subject", "user", "created_at", "read_at", "emailed_at"]
    list_filter = ["created_at"]
    search_fields = ["subject", "user__username", "key"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "key",
        "subject",
        "body",
        "url",
        "created_at",
        "read_at",
        "emailed_at",
    ]
