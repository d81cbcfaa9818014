"""Community digital teams. Mounted at /doi/ (the service worker's scope)."""

from django.urls import path

from binhdan.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="sw"),
    path("ghi-nhan/", views.log, name="log"),
    path("ghi-nhan/<uuid:uuid>/", views.session_detail, name="session"),
    path("tham-ho/", views.visits, name="visits"),
    path("tham-ho/hen-lai/", views.follow_ups, name="follow_ups"),
    path("tham-ho/<uuid:uuid>/", views.visit, name="visit"),
    path("xem-lai/", views.conflicts, name="conflicts"),
    path("lop/", views.classes, name="classes"),
    path("lop/moi/", views.class_new, name="class_new"),
    path("lop/<uuid:uuid>/", views.class_detail, name="class"),
    path("thiet-bi/", views.devices, name="devices"),
    path("xac-nhan/", views.confirm, name="confirm"),
    path("xac-nhan/<str:code>/", views.confirm, name="confirm_code"),
    path("to/", views.teams, name="teams"),
    path("to/moi/", views.team_new, name="team_new"),
    path("to/<uuid:uuid>/", views.team_detail, name="team"),
    path("to/<uuid:uuid>/sua/", views.team_edit, name="team_edit"),
    path("to/<uuid:uuid>/trang-thai/", views.team_status, name="team_status"),
    path("to/<uuid:uuid>/thanh-vien/", views.member_add, name="member_add"),
    path("thanh-vien/<uuid:uuid>/phan-cong/", views.member_assign, name="member_assign"),
    path("thanh-vien/<uuid:uuid>/roi-to/", views.member_end, name="member_end"),
    path("thanh-vien/<uuid:uuid>/nguoi-ban-so/", views.champion_add, name="champion_add"),
    path("xa/<str:code>/", views.commune_report, name="commune"),
    path("xa/<str:code>/xlsx/", views.commune_xlsx, name="commune_xlsx"),
]
