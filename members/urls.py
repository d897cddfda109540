from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("communities/", views.community_list, name="community_list"),
    path("communities/<int:pk>/", views.community_detail, name="community_detail"),
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path(
        "me/registrations/<int:pk>/withdraw/",
        views.registration_withdraw,
        name="registration_withdraw",
    ),
    path("staff/members/", views.staff_members, name="staff_members"),
    path("staff/members/export.xlsx", views.staff_members_export, name="staff_members_export"),
    path(
        "staff/registrations/<int:pk>/confirm/",
        views.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "staff/registrations/<int:pk>/decline/",
        views.registration_decline,
        name="registration_decline",
    ),
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path(
        "partnerships/<int:pk>/agreement/",
        views.partnership_agreement,
        name="partnership_agreement",
    ),
]
