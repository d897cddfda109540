"""Admin for every wishes model, scoped by role through members.access and wishes.permissions."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin_exports import ExportableAdmin
from core.http import client_ip
from members.access import ScopedInline, ScopedModelAdmin, can, own_community

from . import services
from .models import (
    Claim,
    ContactAccessLog,
    HardshipCategory,
    ProofPhoto,
    Resident,
    Wish,
    WishTransition,
)


def _photo_preview(kind: str, pk: int):
    """A photo through the page that checks who may see it: media files are not public (the
    web server keeps /media/wishes/ internal), so admin never links to them directly."""
    full = reverse("wishes:photo", args=[kind, pk, "full"])
    thumb = reverse("wishes:photo", args=[kind, pk, "thumb"])
    return format_html('<a href="{}"><img src="{}" alt="" class="photo-preview"></a>', full, thumb)


@admin.register(HardshipCategory)
class HardshipCategoryAdmin(ScopedModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]


# How much of a phone the resident search takes.
PHONE_SUFFIX_DIGITS = 4


@admin.register(Resident)
class ResidentAdmin(ScopedModelAdmin):
    fk_choices = {"community": own_community}
    # No phone or address in the list: contact details are shown one resident at a time, and
    # each showing is logged (change_view).
    list_display = ["name", "community", "created_at"]
    list_filter = ["hardship_categories"]
    search_fields = ["name", "address"]
    filter_horizontal = ["hardship_categories"]
    readonly_fields = ["created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # The community is the staff's own; it never moves.
        return [*self.readonly_fields, "community"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # Every page that shows the phone and address: the form, and the form again after a
        # refused save (a saved form redirects and shows nothing).
        if response.status_code == 200:
            resident = self.get_object(request, object_id)
            if resident is not None:
                services.contact_access_record(
                    user=request.user,
                    resident=resident,
                    purpose=ContactAccessLog.Purpose.ADMIN,
                    client=client_ip(request),
                )
        return response

    # Search by name, address, or the last 4 digits of the phone: a whole phone number in the
    # search box would be written into every access log the URL passes through.
    search_help_text = _("Search by name, address or the last 4 digits of the phone.")

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if len(term) == PHONE_SUFFIX_DIGITS and term.isdigit():
            results = results | queryset.filter(phone__endswith=term)
        return results, duplicates


class TransitionInline(ScopedInline, admin.TabularInline):
    model = WishTransition
    fields = ["at", "from_state", "to_state", "by", "reason"]
    readonly_fields = fields
    extra = 0


class ClaimInline(ScopedInline, admin.TabularInline):
    model = Claim
    fields = ["claimant_kind", "member", "team", "organization", "state", "promised_date"]
    readonly_fields = fields
    extra = 0


class WishAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # Claimed while the page was open (a claimed wish's page is read-only): say so, and
        # keep what was typed, instead of saving over the claim.
        if self.instance.pk:
            state = Wish.objects.filter(pk=self.instance.pk).values_list("state", flat=True)
            if state.first() not in Wish.EDITABLE_STATES:
                raise forms.ValidationError(services.WishError("not_editable").message)
        return cleaned


@admin.register(Wish)
class WishAdmin(ExportableAdmin, ScopedModelAdmin):
    # No resident's name or contact: the staff's own export (wishes:staff_export) has those.
    export_columns = [
        ("ID", "pk"),
        (pgettext_lazy("wish", "title"), "title"),
        (_("community"), "community.name"),
        (_("state"), "state"),
        (_("deadline"), "deadline"),
        (_("created at"), "created_at"),
        (_("completed at"), "completed_at"),
        (_("service hours"), "service_hours"),
    ]
    form = WishAdminForm
    fk_choices = {"community": own_community}
    list_display = ["title", "community", "resident", "state", "deadline", "created_at"]
    list_filter = ["state", "category", "source"]
    search_fields = ["title", "description", "resident__name"]
    date_hierarchy = "created_at"
    list_select_related = ["community", "resident"]
    # The state moves only through the services (recorded transitions); edit the details here.
    readonly_fields = [
        "state",
        "source",
        "created_by",
        "created_at",
        "published_at",
        "completed_at",
        "service_hours",
        # Recorded on the wish's page once it is completed (wish_record_satisfaction).
        "satisfaction",
        "satisfaction_comment",
        "photo_preview",
        "community",
    ]
    exclude = ["photo", "photo_thumb"]
    # Looked up through ResidentAdmin, so only the user's own community's residents (a raw id
    # field would print the name of any resident whose number is typed).
    autocomplete_fields = ["resident"]
    inlines = [ClaimInline, TransitionInline]
    actions = ["publish_selected"]

    # Residents' names are for the community's staff (and an open claim's claimant, on the
    # site): an overseeing committee admin sees the wishes without them.
    def _names_shown(self, request, obj=None) -> bool:
        return can(request.user, "wishes.wish.view_resident_name", obj)

    def get_list_display(self, request):
        shown = self._names_shown(request)
        return [f for f in super().get_list_display(request) if shown or f != "resident"]

    def get_search_fields(self, request):
        shown = self._names_shown(request)
        return [f for f in super().get_search_fields(request) if shown or f != "resident__name"]

    def get_exclude(self, request, obj=None):
        hidden = [] if self._names_shown(request, obj) else ["resident"]
        return [*(super().get_exclude(request, obj) or []), *hidden]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Through the service, as on the site: only what was edited is written (never the
        # state, so a claim made while the page was open stands), and the edit is recorded.
        editable = {f.name for f in obj._meta.concrete_fields}
        edited = {n: form.cleaned_data[n] for n in form.changed_data if n in editable}
        if edited:
            services.wish_update(wish=obj, by=request.user, **edited)

    @admin.display(description=_("photo"))
    def photo_preview(self, obj):
        return _photo_preview("wish", obj.pk) if obj.photo else "—"

    @admin.action(description=_("Publish the selected submitted wishes"))
    def publish_selected(self, request, queryset):
        done = 0
        for wish in queryset.filter(state=Wish.State.SUBMITTED):
            try:
                services.wish_publish(wish=wish, by=request.user)
                done += 1
            except services.WishError:
                pass
        self.message_user(request, _("%(n)s wishes published.") % {"n": done})


@admin.register(Claim)
class ClaimAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        (_("wish"), "wish.title"),
        (_("claimed as"), "claimant_kind"),
        (_("claimant"), "claimant_name"),
        (_("state"), "state"),
        (_("promised date"), "promised_date"),
    ]
    list_display = [
        "wish",
        "claimant_kind",
        "member",
        "team",
        "organization",
        "state",
        "promised_date",
    ]
    list_filter = ["state", "claimant_kind"]
    list_select_related = ["wish", "member", "team", "organization"]
    search_fields = ["wish__title", "member__real_name"]


@admin.register(ProofPhoto)
class ProofPhotoAdmin(ScopedModelAdmin):
    list_display = ["claim", "is_approved", "created_at"]
    # A claim names its claimant (member, team or organization) and its wish.
    list_select_related = [
        "claim__wish",
        "claim__member",
        "claim__team",
        "claim__organization",
        "claim__claimed_by",
    ]
    list_filter = ["is_approved"]
    fields = ["claim", "preview", "is_approved"]
    readonly_fields = ["claim", "preview"]

    @admin.display(description=_("image"))
    def preview(self, obj):
        return _photo_preview("proof", obj.pk) if obj.pk else "—"


@admin.register(WishTransition)
class WishTransitionAdmin(ScopedModelAdmin):
    list_display = ["wish", "from_state", "to_state", "by", "at", "reason"]
    list_filter = ["to_state"]
    list_select_related = ["wish", "by"]


@admin.register(ContactAccessLog)
class ContactAccessLogAdmin(ScopedModelAdmin):
    list_display = ["at", "user", "resident", "wish", "purpose", "client_ip"]
    list_filter = ["purpose"]
    list_select_related = ["user", "resident", "wish"]
    search_fields = ["resident__name", "user__username"]
    date_hierarchy = "at"
