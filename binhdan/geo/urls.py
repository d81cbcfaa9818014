from django.urls import path

from binhdan.geo import views

# Included by core.urls under the "console" namespace.
urlpatterns = [
    path("don-vi/<str:code>/", views.unit_detail, name="unit"),
    path("don-vi/<str:code>/them-thon/", views.village_create, name="village-create"),
    path("don-vi/<str:code>/nhap-thon/", views.village_import, name="village-import"),
    path("don-vi/<str:code>/sua/", views.village_edit, name="village-edit"),
    path("don-vi/<str:code>/dong/", views.unit_close, name="unit-close"),
    path("to-chuc/", views.organisation_list, name="organisations"),
    path("to-chuc/<uuid:uuid>/", views.organisation_detail, name="organisation"),
    path("to-chuc/<uuid:uuid>/sua/", views.organisation_edit, name="organisation-edit"),
    path("don-vi/<str:code>/them-to-chuc/", views.organisation_create, name="organisation-create"),
]
