from django.urls import path

from . import views

app_name = "wishes"
urlpatterns = [
    path("", views.wall, name="wall"),
    path("stories/", views.stories, name="stories"),
    path("submit/", views.submit, name="submit"),
    path("submit/thanks/", views.submit_done, name="submit_done"),
    path("track/", views.track, name="track"),
    path("community/<int:pk>/", views.community_wishes, name="community_wishes"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("photos/<str:kind>/<int:pk>/<str:size>/", views.photo, name="photo"),
    path("mine/", views.my_claims, name="my_claims"),
    path("claims/<int:pk>/fulfil/", views.fulfil, name="fulfil"),
    path("claims/<int:pk>/release/", views.release, name="release"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/bulk/", views.staff_bulk, name="staff_bulk"),
    path("staff/review/", views.review_queue, name="review_queue"),
    path("staff/new/", views.post_wish, name="post"),
    path("staff/export/", views.export, name="export"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/satisfaction/", views.satisfaction, name="satisfaction"),
]
