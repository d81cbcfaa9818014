from django.urls import path

from binhdan.core import views

app_name = "console"
urlpatterns = [
    path("", views.console_index, name="index"),
    path("nhat-ky/", views.audit_list, name="audit"),
    path("nhat-ky/<uuid:uuid>/", views.audit_detail, name="audit-detail"),
]

# The console's unit and organisation pages live in geo but share the "console" namespace.
from binhdan.geo.urls import urlpatterns as geo_urlpatterns  # noqa: E402

urlpatterns += geo_urlpatterns
