"""Mounted at /quan-ly/ke-hoach/."""

from django.urls import path

from binhdan.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("ke-hoach/", views.plan_list, name="plans"),
    path("ke-hoach/tao/", views.plan_create, name="plan-create"),
    path("ke-hoach/<uuid:uuid>/", views.plan_detail, name="plan"),
    path("ke-hoach/<uuid:uuid>/sua/", views.plan_edit, name="plan-edit"),
    path("ke-hoach/<uuid:uuid>/giai-doan/", views.phase_add, name="phase-add"),
    path("ke-hoach/<uuid:uuid>/nhiem-vu/", views.task_add, name="task-add"),
    path("ke-hoach/<uuid:uuid>/nhap/", views.plan_import, name="plan-import"),
    path("nhiem-vu/", views.my_tasks, name="tasks"),
    path("nhiem-vu/<uuid:uuid>/", views.task_detail, name="task"),
    path("minh-chung/<uuid:uuid>/", views.evidence_file, name="evidence"),
    path("hoat-dong/", views.activity_list, name="activities"),
    path("hoat-dong/tao/", views.activity_create, name="activity-create"),
    path("bao-cao/", views.report_list, name="reports"),
    path("bao-cao/tao/", views.report_create, name="report-create"),
    path("bao-cao/<uuid:uuid>/", views.report_detail, name="report"),
    path("bao-cao/<uuid:uuid>/bao-cao.docx", views.report_docx, name="report-docx"),
    path("bao-cao/<uuid:uuid>/phu-luc.xlsx", views.report_xlsx, name="report-xlsx"),
    path("bao-cao/<uuid:uuid>/gui/", views.report_submit, name="report-submit"),
    path("bao-cao/<uuid:uuid>/<slug:action>/", views.report_review, name="report-review"),
    path("tong-hop/<str:code>/<str:period>/", views.province_overview, name="province"),
    path("khen-thuong/", views.commendation_list, name="commendations"),
    path("khen-thuong/de-nghi/", views.commendation_create, name="commendation-create"),
    path("khen-thuong/danh-sach/", views.commendation_print, name="commendation-print"),
    path("khen-thuong/<uuid:uuid>/", views.commendation_detail, name="commendation"),
    path("khen-thuong/<uuid:uuid>/giay-khen.pdf", views.commendation_pdf, name="commendation-pdf"),
]
