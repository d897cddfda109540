"""Admin for every projects model, scoped by role through members.access and
projects.permissions. State changes go through the site's services; the admin reads them."""

from django.contrib import admin

from core.admin_exports import ExportableAdmin, field_columns
from core.badges import state_badge_html
from members.access import ScopedInline, ScopedModelAdmin, own_community

from .models import (
    JointMeeting,
    MeetingDecision,
    MeetingTransition,
    Milestone,
    Need,
    NeedTransition,
    Participation,
    ProgressPhoto,
    ProgressUpdate,
    Project,
    ProjectClaim,
    ProjectEvaluation,
    ProjectResource,
    ProjectTransition,
    Resource,
    ResourceTransition,
)


class _Steps(ScopedInline, admin.TabularInline):
    extra = 0
    fields = ["at", "from_state", "to_state", "by", "note"]
    readonly_fields = fields


class NeedSteps(_Steps):
    model = NeedTransition


class ResourceSteps(_Steps):
    model = ResourceTransition


class ProjectSteps(_Steps):
    model = ProjectTransition


class MeetingSteps(_Steps):
    model = MeetingTransition


class MilestoneInline(ScopedInline, admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_on", "weight", "done_at"]
    readonly_fields = fields


class CommitmentInline(ScopedInline, admin.TabularInline):
    model = ProjectResource
    extra = 0
    fields = ["resource", "quantity", "delivered"]
    readonly_fields = fields


class DecisionInline(ScopedInline, admin.TabularInline):
    model = MeetingDecision
    extra = 0
    fields = ["kind", "need", "resource", "project", "team", "organization", "executed_at"]
    readonly_fields = fields


def _state(obj):
    return state_badge_html(obj)


@admin.register(Need)
class NeedAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = field_columns(
        Need, "title", "community", "category", "urgency", "beneficiaries", "state", "created_at"
    )
    fk_choices = {"community": own_community}
    list_display = ["title", "community", "category", "urgency", "beneficiaries", "state_badge"]
    list_filter = ["state", "urgency", "kind", "source", "category"]
    search_fields = ["title", "description"]
    list_select_related = ["community", "category"]
    readonly_fields = [
        "state",
        "source",
        "source_key",
        "merged_into",
        "created_by",
        "created_at",
        "listed_at",
        "reason",
    ]
    exclude = ["grid"]
    inlines = [NeedSteps]

    @admin.display(description=Need._meta.get_field("state").verbose_name)
    def state_badge(self, obj):
        return _state(obj)


@admin.register(Resource)
class ResourceAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = field_columns(
        Resource, "title", "community", "kind", "quantity", "committed", "state", "created_at"
    )
    list_display = ["title", "community", "kind", "quantity", "committed", "state_badge"]
    list_filter = ["state", "kind", "category"]
    search_fields = ["title", "organization__name", "team__name"]
    list_select_related = ["community"]
    readonly_fields = [
        "claimant_kind",
        "member",
        "team",
        "organization",
        "community",
        "committed",
        "quantity",
        "unit",
        "state",
        "offered_by",
        "created_at",
        "confirmed_at",
        "partnership",
    ]
    filter_horizontal = ["also_serves"]
    inlines = [ResourceSteps]

    @admin.display(description=Resource._meta.get_field("state").verbose_name)
    def state_badge(self, obj):
        return _state(obj)


@admin.register(Project)
class ProjectAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = field_columns(
        Project, "title", "community", "planned_start", "planned_end", "percent", "state"
    )
    list_display = ["title", "community", "planned_start", "planned_end", "percent", "state_badge"]
    list_filter = ["state", "category", "is_collective"]
    search_fields = ["title", "description"]
    list_select_related = ["community"]
    readonly_fields = [
        "community",
        "state",
        "suspended_from",
        "percent",
        "meeting",
        "reason",
        "created_by",
        "created_at",
        "approved_at",
        "completed_at",
        "overdue_reminded_at",
        "overdue_escalated_at",
    ]
    filter_horizontal = ["needs"]
    inlines = [MilestoneInline, CommitmentInline, ProjectSteps]

    @admin.display(description=Project._meta.get_field("state").verbose_name)
    def state_badge(self, obj):
        return _state(obj)


@admin.register(JointMeeting)
class JointMeetingAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = field_columns(JointMeeting, "title", "community", "held_on", "state")
    list_display = ["title", "community", "held_on", "state_badge"]
    list_filter = ["state", "level"]
    search_fields = ["title", "minutes"]
    list_select_related = ["community"]
    readonly_fields = [
        "community",
        "subdistrict",
        "state",
        "convened_by",
        "approved_by",
        "approved_at",
        "created_at",
        "minutes_file",
    ]
    filter_horizontal = ["organizations"]
    inlines = [DecisionInline, MeetingSteps]

    @admin.display(description=JointMeeting._meta.get_field("state").verbose_name)
    def state_badge(self, obj):
        return _state(obj)


class _ReadOnly(ScopedModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(ProjectClaim)
class ProjectClaimAdmin(ExportableAdmin, _ReadOnly):
    export_columns = field_columns(
        ProjectClaim, "project", "claimant_kind", "member", "team", "organization", "state"
    )
    list_display = ["project", "claimant_kind", "member", "team", "organization", "state"]
    list_filter = ["state", "claimant_kind"]
    list_select_related = ["project", "member", "team", "organization"]


@admin.register(Participation)
class ParticipationAdmin(ExportableAdmin, _ReadOnly):
    export_columns = field_columns(
        Participation, "project", "member", "served_on", "hours", "confirmed_at"
    )
    list_display = ["project", "member", "served_on", "hours", "confirmed_at"]
    list_select_related = ["project", "member"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(_ReadOnly):
    list_display = ["project", "at", "percent"]
    list_select_related = ["project"]


@admin.register(ProjectEvaluation)
class ProjectEvaluationAdmin(ExportableAdmin, _ReadOnly):
    export_columns = field_columns(
        ProjectEvaluation, "project", "rating", "residents_surveyed", "residents_satisfied"
    )
    list_display = ["project", "rating", "residents_surveyed", "residents_satisfied"]
    list_select_related = ["project"]


for _model in (
    ProjectResource,
    Milestone,
    ProgressPhoto,
    MeetingDecision,
    NeedTransition,
    ResourceTransition,
    ProjectTransition,
    MeetingTransition,
):
    admin.site.register(_model, type(f"{_model.__name__}Admin", (_ReadOnly,), {}))
