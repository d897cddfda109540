"""Admin for every model of the members app. Rows, choices and verbs come from the permission
modules through ScopedModelAdmin (members.access); state changes go through the services."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Prefetch, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.admin_exports import ExportableAdmin, field_columns
from members.access import ScopedInline, ScopedModelAdmin, own_community
from notifications.models import Notification

from . import services
from .access import can, get_roles, scope
from .forms import DeclineForm, PartnershipForm
from .models import (
    Community,
    CommunityRegistration,
    CommunityStaff,
    District,
    Grid,
    Member,
    Organization,
    OrganizationAdmin,
    Partnership,
    ServiceCategory,
    ServiceTeam,
    Subdistrict,
    TeamMembership,
    User,
)


def _overseen_communities(request):
    """Committee admins appoint staff only in the communities they oversee."""
    return Community.objects.filter(get_roles(request.user).overseen_community_q())


def _own_teams(request):
    return ServiceTeam.objects.filter(community__in=own_community(request))


def _partnership_communities(request):
    """Organization admins pair their subtree with any community (the scoped default); staff
    record the agreements of their own community."""
    return None if get_roles(request.user).is_org_admin else own_community(request)


def _partnership_organizations(request):
    """Staff record an agreement with any organization that pairs: a Party committee or a
    general branch (not a working committee, not a single branch)."""
    if get_roles(request.user).is_org_admin:
        return None
    return Organization.objects.filter(
        kind__in=[Organization.Kind.PARTY_COMMITTEE, Organization.Kind.GENERAL_BRANCH]
    )


@admin.register(User)
class UserAdmin(ScopedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "email", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "date_joined"]
    search_fields = ["username", "display_name", "email", "member__real_name"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Display"), {"fields": ("display_name",)}),
    )


@admin.register(District)
class DistrictAdmin(ScopedModelAdmin):
    list_display = ["name", "subdistrict_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_subdistricts=Count("subdistricts"))

    @admin.display(description=_("number of subdistricts"), ordering="n_subdistricts")
    def subdistrict_count(self, obj):
        return obj.n_subdistricts


@admin.register(Subdistrict)
class SubdistrictAdmin(ScopedModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]
    search_fields = ["name", "district__name"]
    list_select_related = ["district"]


class GridInline(ScopedInline, admin.TabularInline):
    model = Grid
    extra = 0


@admin.register(Community)
class CommunityAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        *field_columns(Community, "name", "subdistrict", "phone", "is_active"),
        (_("registered members"), "n_members"),
    ]
    list_display = ["name", "subdistrict", "phone", "is_active", "member_count"]
    list_filter = ["is_active", "subdistrict__district", "subdistrict"]
    search_fields = ["name", "address", "subdistrict__name"]
    list_select_related = ["subdistrict__district"]
    inlines = [GridInline]

    def get_readonly_fields(self, request, obj=None):
        # Staff keep their community's details current; where it lies (and so which committee
        # oversees it) and whether it takes registrations are for the platform's administrators.
        return [] if request.user.is_superuser else ["subdistrict", "is_active"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_members=Count(
                    "registrations",
                    filter=Q(registrations__state=CommunityRegistration.State.CONFIRMED),
                )
            )
        )

    @admin.display(description=_("registered members"), ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


@admin.register(Grid)
class GridAdmin(ScopedModelAdmin):
    list_display = ["name", "community"]
    list_filter = ["community__subdistrict"]
    fk_choices = {"community": own_community}
    search_fields = ["name", "community__name"]
    list_select_related = ["community"]


@admin.register(Organization)
class OrganizationAdminAdmin(ScopedModelAdmin):
    list_display = ["indented_name", "kind", "work_unit", "parent", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "work_unit"]
    list_select_related = ["parent", "district"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        # Where an organization sits, and which district a committee oversees, decide what its
        # admins may see: they edit the names and units of their tree, not its place.
        fields = [*self.readonly_fields, "district"]
        if obj is not None and obj.pk in get_roles(request.user).admin_org_ids:
            fields += ["parent", "kind"]
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind" and not request.user.is_superuser:
            kwargs["choices"] = [
                c for c in Organization.Kind.choices if c[0] != Organization.Kind.COMMITTEE
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            kwargs["required"] = True  # within the admin's own tree (the scoped choices)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=pgettext_lazy("of a place or group", "name"), ordering="path")
    def indented_name(self, obj):
        return "　" * (obj.path.count("/") - 1) + obj.name


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(ScopedModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(CommunityStaff)
class CommunityStaffAdmin(ScopedModelAdmin):
    list_display = ["user", "community", "title"]
    list_filter = ["community__subdistrict__district", "community"]
    search_fields = ["user__username", "user__display_name", "community__name", "title"]
    list_select_related = ["user", "community"]
    autocomplete_fields = ["user"]
    fk_choices = {"community": _overseen_communities}


@admin.register(OrganizationAdmin)
class OrganizationAdminRoleAdmin(ScopedModelAdmin):
    list_display = ["user", "organization"]
    list_filter = ["organization__kind"]
    search_fields = ["user__username", "user__display_name", "organization__name"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user"]


class RegistrationInline(ScopedInline, admin.TabularInline):
    model = CommunityRegistration
    fields = ["community", "state", "created_at", "decided_at", "ended_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Member)
class MemberAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        (_("real name"), "real_name"),
        (_("phone"), "masked_phone"),
        (pgettext_lazy("of a member", "Party branch"), "branch.name"),
        (_("community of residence"), "residence_community.name"),
        (_("skills"), "skills"),
        (_("The platform's star level"), lambda m: m.top_star.label if m.top_star else ""),
        (_("created at"), "created_at"),
    ]
    list_display = [
        "real_name",
        "phone",
        "branch",
        "residence_community",
        "star_level",
        "created_at",
    ]
    list_filter = ["branch__parent", "service_categories", "residence_community"]
    search_fields = ["real_name", "user__username", "branch__name", "skills"]
    list_select_related = ["branch", "residence_community", "user"]
    filter_horizontal = ["service_categories"]
    autocomplete_fields = ["user"]
    inlines = [RegistrationInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return ["user"]  # a profile stays with its account
        return []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "registrations",
                    queryset=CommunityRegistration.objects.filter(
                        state__in=[
                            CommunityRegistration.State.PENDING,
                            CommunityRegistration.State.CONFIRMED,
                        ]
                    ),
                    to_attr="active_registrations",
                ),
                "stars",  # the star level column: one query for the page
            )
        )

    @admin.display(description=_("The platform's star level"))
    def star_level(self, obj):
        star = obj.top_star
        return f"★ {star.label}" if star else "—"

    def get_list_display(self, request):
        # The phone column answers for this request's user. (The admin instance is shared by
        # every request and thread, so it must not remember a user.)
        user = request.user

        @admin.display(description=_("phone"))
        def phone(obj):
            return obj.phone if can(user, "members.member.view_phone", obj) else obj.masked_phone

        return [phone if name == "phone" else name for name in super().get_list_display(request)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "branch":
            kwargs["queryset"] = Organization.objects.filter(kind=Organization.Kind.BRANCH)
            if not request.user.is_superuser:
                kwargs["queryset"] = scope(request.user, kwargs["queryset"])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CommunityRegistration)
class CommunityRegistrationAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        (_("member"), "member.real_name"),
        (_("community"), "community.name"),
        (_("state"), "state"),
        (_("requested at"), "created_at"),
        (_("decided at"), "decided_at"),
        (_("decided by"), lambda r: str(r.decided_by) if r.decided_by_id else ""),
        (_("reason for declining"), "decline_reason"),
        (_("ended at"), "ended_at"),
    ]
    list_display = ["member", "community", "state", "created_at", "decided_at", "decided_by"]
    list_filter = ["state", "community__subdistrict", "created_at"]
    search_fields = ["member__real_name", "community__name"]
    list_select_related = ["member", "community", "decided_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "member",
        "community",
        "state",
        "note",
        "created_at",
        "decided_at",
        "decided_by",
        "decline_reason",
        "ended_at",
    ]
    actions = ["confirm_selected", "decline_selected"]

    def _decidable(self, request, queryset):
        return [r for r in queryset if can(request.user, "members.registration.decide", r)]

    @admin.action(description=_("Confirm the selected registrations"))
    def confirm_selected(self, request, queryset):
        done = 0
        for registration in self._decidable(request, queryset):
            try:
                services.registration_confirm(registration=registration, by=request.user)
                done += 1
            except services.MembersError as exc:
                self.message_user(request, f"{registration}: {exc.message}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(n)d registration confirmed.", "%(n)d registrations confirmed.", done)
            % {"n": done},
        )

    @admin.action(description=_("Decline the selected registrations (with a reason)"))
    def decline_selected(self, request, queryset):
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for registration in self._decidable(request, queryset):
                try:
                    services.registration_decline(
                        registration=registration,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    done += 1
                except services.MembersError as exc:
                    self.message_user(request, f"{registration}: {exc.message}", messages.WARNING)
            self.message_user(
                request,
                ngettext("%(n)d registration declined.", "%(n)d registrations declined.", done)
                % {"n": done},
            )
            return None
        return TemplateResponse(
            request,
            "admin/members/decline_registrations.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Decline registrations"),
                "registrations": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Partnership)
class PartnershipAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = field_columns(
        Partnership, "organization", "community", "signed_on", "term_start", "term_end"
    )
    form = PartnershipForm
    list_display = ["organization", "community", "signed_on", "term_start", "term_end"]
    list_filter = ["term_end", "community__subdistrict", "organization__kind"]
    search_fields = ["organization__name", "community__name", "commitments"]
    list_select_related = ["organization", "community"]
    date_hierarchy = "signed_on"
    fk_choices = {
        "community": _partnership_communities,
        "organization": _partnership_organizations,
    }


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(ServiceTeam)
class ServiceTeamAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        *field_columns(ServiceTeam, "name", "category", "community", "captain"),
        (_("team size"), "n_members"),
    ]
    list_display = ["name", "category", "community", "captain", "member_count"]
    list_filter = ["category", "community"]
    search_fields = ["name", "captain__real_name"]
    list_select_related = ["category", "community", "captain"]
    autocomplete_fields = ["captain"]
    fk_choices = {"community": own_community}
    inlines = [TeamMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_members=Count("memberships"))

    @admin.display(description=_("team size"), ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


@admin.register(TeamMembership)
class TeamMembershipAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = field_columns(TeamMembership, "member", "team", "joined_at")
    list_display = ["member", "team", "joined_at"]
    list_filter = ["team__category"]
    search_fields = ["member__real_name", "team__name"]
    list_select_related = ["member", "team"]
    autocomplete_fields = ["member"]
    fk_choices = {"team": _own_teams}


# Notifications (the app below members has no access to the engine; its admin is here)
@admin.register(Notification)
class NotificationAdmin(ScopedModelAdmin):
    list_display = [
        "subject",
        "user",
        "created_at",
        "read_at",
        "email_state",
        "email_attempts",
        "emailed_at",
    ]
    list_filter = ["email_state", "created_at"]
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
        "email_state",
        "email_attempts",
        "email_error",
        "email_next_at",
        "email_queued_at",
        "emailed_at",
        "email_template",
        "email_language",
    ]
