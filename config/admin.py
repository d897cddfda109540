"""The Django admin site, opened to every role that works in it (not only `is_staff` users)."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members.models import Community
from members.permissions import can, get_roles, has_scope, scope


def _action(model, verb: str) -> str:
    """The permission action of an admin verb on a model: "<app>.<model>.<verb>"."""
    opts = model._meta
    return f"{opts.app_label}.{opts.model_name}.{verb}"


def own_community(request):
    """For `fk_choices`: the one community a staff member may add records to."""
    return Community.objects.filter(pk=get_roles(request.user).staff_community_id)


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


class ScopedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows, choices and permissions come from `members.permissions`.

    Each model registers the rules `<app>.<model>.view|add|change|delete` and a scoper; this
    class asks them, so a role sees and edits in admin exactly what it may on the site.
    """

    def _action(self, verb):
        return _action(self.model, verb)

    def get_queryset(self, request):
        return scope(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return can(request.user, self._action("view"), obj) or self.has_change_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return can(request.user, self._action("change"), obj)

    def has_add_permission(self, request):
        return can(request.user, self._action("add"))

    def has_delete_permission(self, request, obj=None):
        return can(request.user, self._action("delete"), obj)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    # The rows a foreign key offers are those the user may see (the related model's scoper).
    # Where a role may see more than it may attach a record to (every community's name is
    # public), `fk_choices` narrows a field for everyone but superusers:
    # {"community": function(request) -> queryset, or None to keep the scoped rows}. A field
    # narrowed this way is required, so that a record cannot escape to "no community".
    fk_choices: dict = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        narrow = self.fk_choices.get(db_field.name)
        if "queryset" not in kwargs and narrow and not request.user.is_superuser:
            queryset = narrow(request)
            if queryset is not None:
                kwargs["queryset"] = queryset
                kwargs["required"] = True
        related = db_field.remote_field.model
        if "queryset" not in kwargs and has_scope(related):
            kwargs["queryset"] = scope(request.user, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInline:
    """Inline admins follow their parent's permission: viewing it lets you see them. Their rows
    are still only those the user may see (a member's registrations with other communities stay
    hidden from this community's staff)."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope(request.user, qs) if has_scope(self.model) else qs

    def has_view_permission(self, request, obj=None):
        return True if obj is None else can(request.user, _action(self.parent_model, "view"), obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
