"""The ledger in admin: committee admins set the point rules; records are read here, written by
the services (a completed wish, a check-in, staff's entry on the site)."""

import datetime

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin_exports import ExportableAdmin
from members.access import ScopedModelAdmin

from .models import Certificate, MemberStar, PointRule, ServiceRecord, StarRule


class PointRuleForm(forms.ModelForm):
    class Meta:
        model = PointRule
        fields = ["kind", "points_per_record", "points_per_hour", "effective_from", "note"]

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"]
        if day < timezone.localdate():
            raise forms.ValidationError(
                gettext("A rule cannot start in the past: records already made keep their points.")
            )
        return day


@admin.register(PointRule)
class PointRuleAdmin(ScopedModelAdmin):
    form = PointRuleForm
    list_display = [
        "kind_label",
        "points_per_record",
        "points_per_hour",
        "effective_from",
        "in_force",
        "note",
    ]
    list_filter = ["kind"]
    fields = ["kind", "points_per_record", "points_per_hour", "effective_from", "note"]
    ordering = ["kind", "-effective_from"]

    @admin.display(description=_("kind of service"), ordering="kind")
    def kind_label(self, obj):
        return obj.get_kind_display() if obj.kind else gettext("Every kind (default)")

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, obj):
        return obj.effective_from <= timezone.localdate()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("effective_from")
        if field is not None:
            field.help_text = gettext(
                "Records created from this date on use this rule; records already made keep "
                "their points. A rule cannot start in the past."
            )
        return form

    def has_change_permission(self, request, obj=None):
        # A rule in force is history: records already made keep its points, so it is never
        # edited (nor deleted), by anyone; a new rule from tomorrow replaces it.
        in_force = obj is not None and obj.effective_from <= timezone.localdate()
        return not in_force and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        in_force = obj is not None and obj.effective_from <= timezone.localdate()
        return not in_force and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        return {"effective_from": timezone.localdate() + datetime.timedelta(days=1)}


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        (_("date of service"), "served_on"),
        (_("member"), "member.real_name"),
        (_("community"), "community.name"),
        (pgettext_lazy("service record", "title"), "title"),
        (_("kind"), "kind"),
        (_("hours"), "hours"),
        (_("points"), "points"),
        (_("source"), "source"),
        (_("recording organization"), lambda r: r.organization.name if r.organization_id else ""),
        (_("created at"), "created_at"),
    ]
    list_display = [
        "served_on",
        "member",
        "community",
        "title",
        "kind",
        "hours",
        "points",
        "source",
    ]
    list_filter = ["kind", "source", "served_on"]
    search_fields = ["member__real_name", "title"]
    search_help_text = _("Search by the member's name or what was done.")
    list_select_related = ["member", "community", "organization"]
    list_per_page = 50
    date_hierarchy = "served_on"
    readonly_fields = [
        "member",
        "community",
        "organization",
        "served_on",
        "hours",
        "points",
        "kind",
        "source",
        "source_key",
        "created_by",
        "created_at",
    ]
    fields = [*readonly_fields[:9], "title", "note", "created_by", "created_at"]

    def has_add_permission(self, request):
        # Staff record service with the site's form, which checks the member's registration.
        return False


# ---------------------------------------------------------------------------------------------
# The platform's star levels and the certificates
# ---------------------------------------------------------------------------------------------
@admin.register(StarRule)
class StarRuleAdmin(ScopedModelAdmin):
    """Superusers set the hours of each level; awards already made are kept whatever changes
    (the job records.award_stars awards what a lowered threshold now reaches)."""

    list_display = ["level", "label", "min_hours", "updated_at"]
    fields = ["level", "label", "min_hours"]
    ordering = ["level"]


class BelowThresholdFilter(admin.SimpleListFilter):
    """Awards whose member's hours are now under the level's threshold (a record corrected, a
    rule raised): to review by hand, never removed by themselves."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("below", _("Hours now below the level's threshold"))]

    def queryset(self, request, queryset):
        if self.value() == "below":
            from .selectors import (
                stars_to_review,
            )  # at call time: selectors import the admin's models module graph

            return stars_to_review(queryset)
        return queryset


@admin.register(MemberStar)
class MemberStarAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        (_("member"), "member.real_name"),
        (_("star level"), "label"),
        (_("hours when awarded"), "hours_at_award"),
        (_("hours needed when awarded"), "min_hours"),
        (_("awarded at"), "awarded_at"),
    ]
    list_display = ["member", "label", "level", "hours_at_award", "min_hours", "awarded_at"]
    list_filter = [BelowThresholdFilter, "level"]
    search_fields = ["member__real_name"]
    list_select_related = ["member"]
    readonly_fields = ["member", "level", "label", "min_hours", "hours_at_award", "awarded_at"]
    fields = readonly_fields


@admin.register(Certificate)
class CertificateAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        (_("certificate number"), "number"),
        (_("name"), "member_name"),
        (_("recording unit"), "issuer_name"),
        (_("service from"), "period_from"),
        (_("service to"), "period_to"),
        (_("total hours"), "total_hours"),
        (_("state"), "state"),
        (_("issued at"), "issued_at"),
        (_("reason for revoking"), "revoke_reason"),
    ]
    list_display = [
        "number",
        "member_name",
        "issuer_name",
        "period_from",
        "period_to",
        "total_hours",
        "state",
        "issued_at",
    ]
    list_filter = ["state", "issued_at"]
    search_fields = ["number", "member_name", "verify_code"]
    list_select_related = ["member"]
    readonly_fields = [
        "number",
        "verify_code",
        "member",
        "member_name",
        "community",
        "organization",
        "issuer_name",
        "period_from",
        "period_to",
        "total_hours",
        "sha256",
        "state",
        "issued_at",
        "issued_by",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    ]
    fields = readonly_fields
