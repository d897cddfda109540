"""The Django admin site, opened to every role that works in it (not only `is_staff` users)."""

from urllib.parse import urlencode

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.access import can


class PlatformAdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        # One answer for a wrong password, an unknown name and an account without admin work.
        "invalid_login": _(
            "The login name or password is not correct, or this account has no work in the "
            "administration."
        ),
    }

    def confirm_login_allowed(self, user):
        if not user.is_active or not can(user, "admin.access"):
            # The same words as a wrong password: no hint about which accounts exist.
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class PlatformAdminSite(admin.AdminSite):
    site_header = _("Community volunteer service administration")
    site_title = _("Volunteer service admin")
    index_title = _("Administration")
    login_form = PlatformAdminLoginForm

    def has_permission(self, request):
        return request.user.is_active and can(request.user, "admin.access")

    def index(self, request, extra_context=None):
        return super().index(request, {"waiting": self.waiting(request), **(extra_context or {})})

    def waiting(self, request) -> list[dict]:
        """The work waiting for this user, first on the index: one count per list in WAITING
        that they may see, within the rows they work on, linked to that list filtered."""
        rows = []
        for label, lookup, title in WAITING:
            model = apps.get_model(label)
            model_admin = self._registry.get(model)
            if model_admin is None or not model_admin.has_view_permission(request):
                continue
            count = model_admin.get_queryset(request).filter(**lookup).count()
            if count:
                opts = model._meta
                url = reverse(f"{self.name}:{opts.app_label}_{opts.model_name}_changelist")
                rows.append({"title": title, "count": count, "url": f"{url}?{urlencode(lookup)}"})
        return rows


# The lists where something waits for someone's decision, in the order the index shows them:
# (model, lookup of the waiting rows, what the reader is asked to do).
WAITING = (
    (
        "reports.MemberReport",
        {"state__exact": "submitted"},
        _("Members' half-year reports to review"),
    ),
    (
        "reports.OrganizationReport",
        {"state__exact": "submitted"},
        _("Organizations' yearly reports to review"),
    ),
    (
        "members.CommunityRegistration",
        {"state__exact": "pending"},
        _("Community registrations to confirm"),
    ),
    ("wishes.Wish", {"state__exact": "submitted"}, _("Micro-wishes to review")),
    ("orders.ServiceOrder", {"state__exact": "submitted"}, _("Service orders to accept")),
    ("projects.Need", {"state__exact": "submitted"}, _("Needs to triage")),
    ("projects.Resource", {"state__exact": "offered"}, _("Resources offered, to confirm")),
    ("checkins.Attendance", {"state__exact": "review"}, _("Attendances to review")),
)
