"""Admin for every orders model, scoped by role through members.access and orders.permissions.
Orders change state only through the services (the site's pages): the admin shows them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_exports import ExportableAdmin, field_columns
from core.audit import personal_data_viewed
from members.access import ScopedInline, ScopedModelAdmin, own_community

from .calendar_seed import last_year_known
from .models import (
    DeadlinePolicy,
    Dispatch,
    MenuCategory,
    MenuItem,
    OrderEscalation,
    OrderPhoto,
    OrderTransition,
    Participation,
    Requester,
    ServiceOrder,
    WorkdayOverride,
)


class MenuItemInline(ScopedInline, admin.TabularInline):
    model = MenuItem
    fields = ["name", "service_category", "order", "is_active"]
    extra = 0


@admin.register(MenuCategory)
class MenuCategoryAdmin(ScopedModelAdmin):
    fk_choices = {"community": own_community}
    list_display = ["name", "community", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    inlines = [MenuItemInline]


@admin.register(MenuItem)
class MenuItemAdmin(ScopedModelAdmin):
    list_display = ["name", "category", "service_category", "order", "is_active"]
    list_filter = ["is_active", "service_category"]
    search_fields = ["name", "category__name"]
    list_select_related = ["category", "service_category"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category" and not request.user.is_superuser:
            kwargs["queryset"] = MenuCategory.objects.filter(community__in=own_community(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(ScopedModelAdmin):
    fk_choices = {"community": own_community}
    list_display = ["community", "category", "urgency", "accept_within", "complete_within", "unit"]
    list_filter = ["urgency", "unit"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(ScopedModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": _(
                "Holidays and 调休 working weekends, seeded from the chinese-calendar package "
                "(data up to %(year)s). Each year, once the State Council publishes the next "
                "year's days, add them here or run manage.py seed_workdays with a newer package."
            )
            % {"year": last_year_known()},
        }
        return super().changelist_view(request, extra_context)


@admin.register(Requester)
class RequesterAdmin(ScopedModelAdmin):
    # No phone in the list: contact details one resident at a time, each view logged.
    list_display = ["name", "community", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["community", "created_at"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            personal_data_viewed(
                user=request.user, what="order requester", ids=[int(object_id)], purpose="admin"
            )
        return response


class DispatchInline(ScopedInline, admin.TabularInline):
    model = Dispatch
    fields = [
        "claimant_kind",
        "member",
        "team",
        "organization",
        "state",
        "grabbed",
        "respond_by",
        "decline_reason",
    ]
    readonly_fields = fields
    extra = 0


class TransitionInline(ScopedInline, admin.TabularInline):
    model = OrderTransition
    fields = ["at", "from_state", "to_state", "by", "note"]
    readonly_fields = fields
    extra = 0


class EscalationInline(ScopedInline, admin.TabularInline):
    model = OrderEscalation
    fields = ["level", "deadline", "at"]
    readonly_fields = fields
    extra = 0


class ParticipationInline(ScopedInline, admin.TabularInline):
    model = Participation
    fields = ["member", "hours", "confirmed"]
    readonly_fields = fields
    extra = 0


@admin.register(ServiceOrder)
class ServiceOrderAdmin(ExportableAdmin, ScopedModelAdmin):
    # No requester: contact details one resident at a time (RequesterAdmin).
    export_columns = field_columns(
        ServiceOrder,
        "code",
        "title",
        "community",
        "state",
        "urgency",
        "channel",
        "escalation_level",
        "created_at",
    )
    list_display = [
        "code",
        "title",
        "community",
        "state",
        "urgency",
        "escalation_level",
        "created_at",
    ]
    list_filter = ["state", "urgency", "channel", "escalation_level"]
    search_fields = ["code", "title"]
    list_select_related = ["community"]
    date_hierarchy = "created_at"
    exclude = ["requester", "submission"]
    inlines = [DispatchInline, ParticipationInline, EscalationInline, TransitionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]


class _ReadOnly(ScopedModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Dispatch)
class DispatchAdmin(ExportableAdmin, _ReadOnly):
    export_columns = field_columns(
        Dispatch, "order", "claimant_kind", "member", "team", "organization", "state", "created_at"
    )
    list_display = ["order", "claimant_kind", "state", "grabbed", "created_at"]
    list_filter = ["state", "claimant_kind", "grabbed"]
    list_select_related = ["order", "member", "team", "organization"]


@admin.register(OrderTransition)
class OrderTransitionAdmin(_ReadOnly):
    list_display = ["order", "from_state", "to_state", "by", "at"]
    list_filter = ["to_state"]
    list_select_related = ["order", "by"]


@admin.register(OrderEscalation)
class OrderEscalationAdmin(_ReadOnly):
    list_display = ["order", "level", "deadline", "at"]
    list_filter = ["level", "deadline"]
    list_select_related = ["order"]


@admin.register(OrderPhoto)
class OrderPhotoAdmin(_ReadOnly):
    list_display = ["order", "created_at"]
    list_select_related = ["order"]


@admin.register(Participation)
class ParticipationAdmin(ExportableAdmin, _ReadOnly):
    export_columns = field_columns(Participation, "order", "member", "hours", "confirmed")
    list_display = ["order", "member", "hours", "confirmed"]
    list_filter = ["confirmed"]
    list_select_related = ["order", "member"]
