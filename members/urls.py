from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.home, name="home"),
    path("communities/", views.community_list, name="community_list"),
    path("communities/<int:pk>/", views.community_detail, name="community_detail"),
    path("me/", views.dashboard, name="dashboard"),
    path("staff/", views.staff_home, name="staff_home"),
]
