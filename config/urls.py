from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from records import views as records_views

urlpatterns = [
    # What browsers ask for before reading a page's <link rel="icon"> (and on a PDF or an image).
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Service records and point rules moved from the reports app to records: old links follow.
    re_path(
        r"^admin/reports/(?P<model>servicerecord|pointrule)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/records/%(model)s/%(rest)s", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("wishes/", include("wishes.urls")),
    path("projects/", include("projects.urls")),
    path("orders/", include("orders.urls")),
    path("checkins/", include("checkins.urls")),
    path("reports/", include("records.urls")),
    # The public check of a certificate's paper copy (its QR code opens it).
    path("boards/", records_views.boards, name="boards"),
    path("verify/", records_views.certificate_verify, name="certificate_verify_form"),
    path("verify/<str:code>/", records_views.certificate_verify, name="certificate_verify"),
    path("reports/", include("reports.urls")),
    path("", include("portal.urls")),
    path("", include("members.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
