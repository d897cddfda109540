from django.urls import path

from . import views

app_name = "records"
# Under /reports/, where these pages have always been.
urlpatterns = [
    path("my/service/", views.my_service, name="my_service"),
    path("staff/records/", views.staff_records, name="staff_records"),
]
