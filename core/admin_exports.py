"""Every admin list exports to Excel: what the list shows (its filters, search and the user's
scope, since the changelist's queryset is the scoped one), streamed, text kept as text.

    class ServiceRecordAdmin(ExportableAdmin, ScopedModelAdmin):
        export_columns = [(_("date"), "served_on"), (_("member"), "member.real_name"), …]

An "Export to Excel" link above the list exports every row the current filters show; the action
"Export selected to Excel" exports the rows ticked.
"""

from __future__ import annotations

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exports import xlsx_stream_response

CHUNK = 2000


def _value(obj, accessor):
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        display = getattr(value, f"get_{part}_display", None)
        value = display() if display is not None else getattr(value, part)
    return value


def field_columns(model, *names: str) -> list:
    """Export columns of a model's own fields, headed by their verbose names: a choice gives
    its label, a related row its name, a date stays a date."""
    return [(model._meta.get_field(name).verbose_name, name) for name in names]


class ExportableAdmin:
    """A ModelAdmin mixin: the list and its selection export to Excel."""

    # (header, "attribute.path" or function(obj)); a choice field gives its label.
    export_columns: list = []
    change_list_template = "admin/exportable_change_list.html"

    def _export_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_export"

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name=self._export_name(),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "export_url": reverse(f"admin:{self._export_name()}"),
        }
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_view_permission(request):
            actions["export_selected_xlsx"] = (
                ExportableAdmin._export_selected,
                "export_selected_xlsx",
                _("Export selected to Excel"),
            )
        return actions

    @staticmethod
    def _export_selected(modeladmin, request, queryset):
        return modeladmin.export_response(queryset)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            opts = self.model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            return HttpResponseRedirect(f"{url}?{ERROR_FLAG}=1")
        return self.export_response(changelist.get_queryset(request))

    def export_rows(self, queryset):
        columns = [accessor for _header, accessor in self.export_columns]
        for obj in queryset.iterator(chunk_size=CHUNK):
            yield [_value(obj, accessor) for accessor in columns]

    def export_response(self, queryset):
        opts = self.model._meta
        return xlsx_stream_response(
            filename=f"{opts.model_name}-{timezone.localdate():%Y%m%d}.xlsx",
            title=str(opts.verbose_name_plural),
            headers=[str(header) for header, _accessor in self.export_columns],
            rows=self.export_rows(queryset),
        )
