"""One router for the whole API; each app registers its viewsets in its api.py."""

from rest_framework.routers import DefaultRouter

from binhdan.core.api import register as register_core
from binhdan.geo.api import register as register_geo
from binhdan.people.api import register as register_people

router = DefaultRouter()
for register in (register_core, register_geo, register_people):
    register(router)

urlpatterns = router.urls
