from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.dashboard, name="dashboard"),
    path("me/registrations/", views.registration_create, name="registration_create"),
    path("staff/", views.staff_home, name="staff_home"),
    path("organization/", views.org_home, name="org_home"),
    path("staff/wishes/<int:pk>/to-need/", views.wish_to_need, name="wish_to_need"),
    path("insight/", views.insight_page, name="insight"),
    path("insight/summary.pdf", views.insight_pdf, name="insight_pdf"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
]
