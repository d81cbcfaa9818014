"""One router for the whole API: each app registers its viewsets in `<app>/api.py`."""

import importlib
import importlib.util

from rest_framework.routers import DefaultRouter

APPS = ["core", "geo", "people", "learning", "outreach", "kpi", "campaigns"]

router = DefaultRouter()
for app in APPS:
    if importlib.util.find_spec(f"binhdan.{app}.api") is not None:
        importlib.import_module(f"binhdan.{app}.api").register(router)

urlpatterns = router.urls
