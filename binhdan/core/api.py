"""API plumbing shared by every app, and the audit trail endpoint."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from binhdan.core.models import AuditLog


class ScopedViewSetMixin:
    """Lists and reads only what `for_user(user, "view")` returns (else 404); writes need
    `for_user(user, "change")` (else 403)."""

    queryset = None

    def get_queryset(self):
        return self.queryset.for_user(self.request.user, "view")

    def get_object(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return super().get_object()
        lookup = self.lookup_url_kwarg or self.lookup_field
        obj = self.queryset.for_user(self.request.user, "change").filter(
            **{self.lookup_field: self.kwargs[lookup]}
        ).first()
        if obj is None:
            raise PermissionDenied
        self.check_object_permissions(self.request, obj)
        return obj


class AuditLogSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    user = serializers.CharField(source="user.username", default=None, read_only=True)

    class Meta:
        model = AuditLog
        fields = ["id", "at", "user", "action", "model", "object_id", "object_repr", "before", "after", "note"]


class AuditLogViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = AuditLog.objects.select_related("user")
    serializer_class = AuditLogSerializer
    lookup_field = "uuid"


def register(router) -> None:
    router.register("audit", AuditLogViewSet, basename="audit")
