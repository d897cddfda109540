from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    # Residents, without an account.
    path("", views.start, name="start"),
    path("c/<int:community_pk>/", views.menu, name="menu"),
    path("c/<int:community_pk>/new/", views.order_new, name="new"),
    path("thanks/", views.thanks, name="thanks"),
    path("track/", views.track, name="track"),
    # One order.
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/hold/", views.hold, name="hold"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("<int:pk>/open-to-grab/", views.open_to_grab, name="open_to_grab"),
    path("<int:pk>/grab/", views.grab, name="grab"),
    path("<int:pk>/start/", views.start_service, name="start_service"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/confirm-hours/", views.confirm_hours, name="confirm_hours"),
    path("<int:pk>/rating/", views.record_rating, name="record_rating"),
    path("photos/<int:pk>/<str:size>/", views.photo, name="photo"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("offers/<int:pk>/pass-on/", views.pass_on, name="pass_on"),
    # Members, organization admins, staff, committee.
    path("mine/", views.mine, name="mine"),
    path("unit/", views.unit, name="unit"),
    path("staff/", views.intake, name="intake"),
    path("staff/board/", views.board, name="board"),
    path("staff/overdue/", views.overdue, name="overdue"),
    path("staff/export.xlsx", views.staff_export, name="staff_export"),
    path("staff/new/", views.enter, name="enter"),
    path("staff/menu/", views.menu_edit, name="menu_edit"),
    path("staff/menu/items/<int:pk>/", views.menu_item_edit, name="menu_item_edit"),
    path("committee/", views.committee, name="committee"),
]
