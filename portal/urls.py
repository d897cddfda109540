from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.dashboard, name="dashboard"),
    path("me/registrations/", views.registration_create, name="registration_create"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/wishes/<int:pk>/to-need/", views.wish_to_need, name="wish_to_need"),
]
