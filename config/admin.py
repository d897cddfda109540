"""The Django admin site, opened to every role that works in it (not only `is_staff` users)."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
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
