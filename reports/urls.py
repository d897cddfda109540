from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("my/", views.my_reports, name="my_reports"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/print/", views.report_print, name="report_print"),
    path("<int:pk>/draft/", views.report_draft, name="report_draft"),
    path("staff/evaluations/", views.evaluations, name="evaluations"),
    path("staff/evaluations/bulk/", views.evaluate_bulk, name="evaluate_bulk"),
    path("staff/evaluations/<int:member_pk>/", views.evaluate, name="evaluate"),
]
