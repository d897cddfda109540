from django.urls import path

from . import views

app_name = "records"
# Under /reports/, where these pages have always been.
urlpatterns = [
    path("my/service/", views.my_service, name="my_service"),
    path("my/certificates/", views.my_certificates, name="my_certificates"),
    path("my/certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("staff/records/", views.staff_records, name="staff_records"),
    path("staff/records/members/", views.staff_record_members, name="staff_record_members"),
    path("staff/records/export.xlsx", views.staff_records_export, name="staff_records_export"),
    path("staff/certificates/", views.staff_certificates, name="staff_certificates"),
    path(
        "staff/certificates/<int:pk>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
]
