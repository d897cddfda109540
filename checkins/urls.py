from django.urls import path

from . import views

app_name = "checkins"
urlpatterns = [
    # Members
    path("", views.activity_list, name="activities"),
    path("<int:pk>/", views.activity_detail, name="activity"),
    path("<int:pk>/signup/", views.signup, name="signup"),
    path("signups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("mine/", views.mine, name="mine"),
    path("code/", views.my_code, name="my_code"),
    path("code/renew/", views.my_code_renew, name="my_code_renew"),
    path("c/<str:secret>/", views.code_landing, name="code_landing"),
    path("venues/<int:pk>/join/", views.join, name="join"),
    path("venues/<int:pk>/team/", views.team, name="team"),
    # Hosts
    path("host/", views.host_home, name="host_home"),
    path("host/sw.js", views.service_worker, name="service_worker"),
    path("host/venues/<int:pk>/scanner/", views.scanner, name="scanner"),
    path("host/venues/<int:pk>/scan/", views.scan, name="scan"),
    path("host/venues/<int:pk>/sync/", views.sync, name="sync"),
    path("host/venues/<int:pk>/roster.json", views.roster_json, name="roster_json"),
    path("host/venues/<int:pk>/recent/", views.recent, name="recent"),
    path("host/venues/<int:pk>/search/", views.search, name="search"),
    path("host/venues/<int:pk>/check/", views.check_member, name="check_member"),
    path("host/venues/<int:pk>/roster/", views.roster, name="roster"),
    path("host/venues/<int:pk>/roster/bulk/", views.roster_bulk, name="roster_bulk"),
    path("host/venues/<int:pk>/code/", views.venue_display, name="venue_display"),
    path("host/venues/<int:pk>/sheet/", views.sheet, name="sheet"),
    path("host/venues/<int:pk>/sheet.pdf", views.sheet_pdf, name="sheet_pdf"),
    path("host/venues/<int:pk>/sheet/enter/", views.sheet_enter, name="sheet_enter"),
    path("host/scans/<int:pk>/undo/", views.scan_undo, name="scan_undo"),
    # Organizers and the committee
    path("organize/", views.organizer_home, name="organizer_home"),
    path("organize/new/", views.activity_new, name="activity_new"),
    path("organize/<int:pk>/", views.manage, name="manage"),
    path("organize/<int:pk>/venues/", views.venue_add, name="venue_add"),
    path("organize/venues/<int:pk>/hosts/", views.host_add, name="host_add"),
    path("organize/<int:pk>/step/<str:step>/", views.activity_step, name="activity_step"),
    path("organize/<int:pk>/review/", views.review, name="review"),
    path("organize/<int:pk>/attendances/", views.attendance_list, name="attendances"),
    path("organize/attendances/<int:pk>/confirm/", views.attendance_confirm, name="confirm"),
    path("organize/attendances/<int:pk>/correct/", views.attendance_correct, name="correct"),
    path("organize/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("organize/<int:pk>/dashboard/live/", views.dashboard_fragment, name="dashboard_live"),
    path("organize/<int:pk>/export.xlsx", views.export, name="export"),
    path("committee/", views.committee, name="committee"),
]
