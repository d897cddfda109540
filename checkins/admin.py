"""Admin for every check-in model, scoped by role through members.access and
checkins.permissions. What the services make (sign-ups, attendances, scans) is read-only here:
a change goes through the site's pages, which call the services."""

from django.contrib import admin

from core.admin_exports import ExportableAdmin, field_columns
from members.access import ScopedInline, ScopedModelAdmin, can

from .models import (
    Activity,
    ActivityTransition,
    Attendance,
    AttendanceSegment,
    AttendanceTransition,
    Device,
    MemberCode,
    Scan,
    Session,
    Signup,
    Venue,
)


class ReadOnlyAdmin(ScopedModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class ParentActivityInline:
    """Sessions and venues are edited with their activity by those who may change it."""

    def has_view_permission(self, request, obj=None):
        return obj is None or can(request.user, "checkins.activity.view", obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or can(request.user, "checkins.activity.change", obj)

    has_add_permission = has_change_permission

    def has_delete_permission(self, request, obj=None):
        return False


class SessionInline(ParentActivityInline, admin.TabularInline):
    model = Session
    extra = 0


class VenueInline(ParentActivityInline, admin.TabularInline):
    model = Venue
    extra = 0
    fields = ["name", "is_main", "community", "capacity", "allow_walk_in", "allow_reentry"]
    show_change_link = True


class ActivityTransitionInline(ScopedInline, admin.TabularInline):
    model = ActivityTransition
    extra = 0
    fields = ["from_state", "to_state", "by", "at", "note"]
    readonly_fields = fields


@admin.register(Activity)
class ActivityAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = field_columns(
        Activity, "title", "kind", "state", "organizer_community", "organizer_organization"
    )
    list_display = ["title", "kind", "state", "organizer_community", "organizer_organization"]
    list_filter = ["state", "kind"]
    search_fields = ["title"]
    readonly_fields = ["state", "created_by", "created_at", "finalized_at"]
    inlines = [SessionInline, VenueInline, ActivityTransitionInline]
    raw_id_fields = ["campaign"]


@admin.register(Session)
class SessionAdmin(ScopedModelAdmin):
    list_display = ["activity", "starts_at", "ends_at"]
    list_select_related = ["activity"]


@admin.register(Venue)
class VenueAdmin(ScopedModelAdmin):
    list_display = ["name", "activity", "community", "capacity", "taken", "is_main"]
    list_select_related = ["activity", "community"]
    search_fields = ["name", "activity__title"]
    filter_horizontal = ["hosts"]
    readonly_fields = ["taken"]


@admin.register(Signup)
class SignupAdmin(ExportableAdmin, ReadOnlyAdmin):
    export_columns = field_columns(
        Signup, "member", "activity", "venue", "state", "walk_in", "created_at"
    )
    list_display = ["member", "activity", "venue", "state", "walk_in", "created_at"]
    list_filter = ["state"]
    list_select_related = ["member", "activity", "venue"]
    search_fields = ["member__real_name", "activity__title"]


class SegmentInline(ScopedInline, admin.TabularInline):
    model = AttendanceSegment
    extra = 0
    fields = ["venue", "in_at", "out_at", "auto_closed", "annulled_at"]
    readonly_fields = fields


class AttendanceTransitionInline(ScopedInline, admin.TabularInline):
    model = AttendanceTransition
    extra = 0
    fields = ["from_state", "to_state", "hours_before", "hours_after", "by", "at", "note"]
    readonly_fields = fields


@admin.register(Attendance)
class AttendanceAdmin(ExportableAdmin, ReadOnlyAdmin):
    export_columns = field_columns(
        Attendance, "member", "activity", "state", "first_in_at", "last_out_at", "credited_hours"
    )
    list_display = ["member", "activity", "state", "first_in_at", "last_out_at", "credited_hours"]
    list_filter = ["state", "review"]
    list_select_related = ["member", "activity"]
    search_fields = ["member__real_name", "activity__title"]
    inlines = [SegmentInline, AttendanceTransitionInline]


@admin.register(AttendanceSegment)
class AttendanceSegmentAdmin(ReadOnlyAdmin):
    list_display = ["attendance", "venue", "in_at", "out_at", "annulled_at"]
    list_select_related = ["attendance__member", "attendance__session__activity", "venue"]


@admin.register(Scan)
class ScanAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "venue", "kind", "method", "result", "member", "offline"]
    list_filter = ["result", "kind", "method", "offline"]
    list_select_related = ["venue", "member"]
    search_fields = ["member__real_name"]


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["venue", "user", "name", "created_at", "expires_at"]
    list_select_related = ["venue", "user"]


@admin.register(MemberCode)
class MemberCodeAdmin(ReadOnlyAdmin):
    list_display = ["member", "issued_at", "revoked_at"]
    list_select_related = ["member"]


@admin.register(ActivityTransition)
class ActivityTransitionAdmin(ReadOnlyAdmin):
    list_display = ["activity", "from_state", "to_state", "by", "at"]
    list_select_related = ["activity", "by"]


@admin.register(AttendanceTransition)
class AttendanceTransitionAdmin(ReadOnlyAdmin):
    list_display = ["attendance", "from_state", "to_state", "hours_before", "hours_after", "at"]
    list_select_related = ["attendance__member", "attendance__session__activity"]
