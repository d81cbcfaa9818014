from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from binhdan.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("binhdan.accounts.urls")),
    path("quan-ly/", include("binhdan.core.urls")),
    path("quan-ly/", include("binhdan.people.urls")),
    path("", include("binhdan.learning.urls")),
    path("doi/", include("binhdan.outreach.urls")),
    path("quan-ly/chi-so/", include("binhdan.kpi.urls")),
    path("quan-ly/ke-hoach/", include("binhdan.campaigns.urls")),
    path("api/", include("binhdan.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
