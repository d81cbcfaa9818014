from django.urls import path

from binhdan.people import views

app_name = "people"
urlpatterns = [
    path("dan-cu/<str:code>/", views.people_list, name="list"),
    path("dan-cu/<str:code>/ho/", views.household_list, name="households"),
    path("dan-cu/<str:code>/them/", views.person_create, name="person-create"),
    path("dan-cu/<str:code>/xuat.xlsx", views.export, name="export"),
    path("dan-cu/<str:code>/nhap/", views.import_start, name="import-start"),
    path("nhap-danh-sach/<uuid:uuid>/", views.import_detail, name="import"),
    path("nhap-danh-sach/<uuid:uuid>/loi.xlsx", views.import_problems, name="import-problems"),
    path("nguoi/<uuid:uuid>/", views.person_detail, name="person"),
    path("nguoi/<uuid:uuid>/sua/", views.person_edit, name="person-edit"),
    path("nguoi/<uuid:uuid>/ket-thuc/", views.person_end, name="person-end"),
    path("ho/<uuid:uuid>/", views.household_detail, name="household"),
]
