from django.db import transaction
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from binhdan.core.api import ScopedViewSetMixin
from binhdan.geo import services
from binhdan.geo.models import VILLAGE_KINDS, AdminUnit, Level, Organisation


class AdminUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AdminUnit
        fields = ["code", "name", "level", "kind", "parent", "path", "valid_from", "valid_to", "successor"]
        read_only_fields = ["code", "level", "path", "valid_from", "valid_to", "successor"]


class VillageCreateSerializer(serializers.Serializer):
    parent = serializers.CharField(help_text="Commune code")
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in VILLAGE_KINDS], default="thon")


class AdminUnitViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    queryset = AdminUnit.objects.select_related("parent", "successor")
    serializer_class = AdminUnitSerializer
    lookup_field = "code"
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["level", "parent"]

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("level"):
            qs = qs.filter(level=params["level"])
        if params.get("parent"):
            qs = qs.filter(parent__code=params["parent"])
        return qs

    def get_serializer_class(self):
        return VillageCreateSerializer if self.action == "create" else AdminUnitSerializer

    def create(self, request, *args, **kwargs):
        data = VillageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commune = AdminUnit.objects.for_user(request.user, "change").filter(
            code=data.validated_data["parent"], level=Level.COMMUNE
        ).first()
        if commune is None:
            raise PermissionDenied
        if AdminUnit.objects.filter(parent=commune, name_folded=services.fold(data.validated_data["name"]),
                                    valid_to__isnull=True).exists():
            raise ValidationError({"name": ["A village with this name already exists in the commune."]})
        with transaction.atomic():
            village = services.create_village(request.user, commune, data.validated_data["name"],
                                              data.validated_data["kind"])
        from rest_framework.response import Response

        return Response(AdminUnitSerializer(village).data, status=201)

    def perform_update(self, serializer):
        from binhdan.core import audit

        instance = serializer.instance
        for key, value in serializer.validated_data.items():
            setattr(instance, key, value)
        audit.audited_save(self.request.user, instance)


class OrganisationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "unit", "active"]


class OrganisationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.select_related("unit")
    serializer_class = OrganisationSerializer
    lookup_field = "uuid"


def register(router) -> None:
    router.register("units", AdminUnitViewSet, basename="unit")
    router.register("organisations", OrganisationViewSet, basename="organisation")
