from django.urls import path

from binhdan.kpi import views

app_name = "kpi"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/xuat.xlsx", views.export_xlsx, name="export"),
    path("<str:code>/chi-tieu/", views.targets, name="targets"),
    path("<str:code>/chi-tieu/nhap/", views.target_import, name="target-import"),
    path("<str:code>/chi-tieu/mau.xlsx", views.target_template, name="target-template"),
    path("<str:code>/chi-tieu/<uuid:uuid>/xoa/", views.target_delete, name="target-delete"),
    path("<str:code>/chat-luong/", views.quality, name="quality"),
    path("<str:code>/chat-luong/<str:what>/", views.quality_list, name="quality-list"),
    path("<str:code>/<str:indicator>/", views.people, name="people"),
]
