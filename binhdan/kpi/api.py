"""The dashboard figures through the API, and targets.

    GET  /api/kpi/indicators/                      the registry
    GET  /api/kpi/units/{code}/?year=&as_of=       indicator rows of a unit (query.indicator_rows)
    GET  /api/kpi/units/{code}/children/?year=     the same for each open child unit
    GET  /api/kpi/units/{code}/breakdown/?i=code   breakdown of a person indicator
    GET  /api/kpi/targets/?unit=&year=             targets set in the user's area
    POST /api/kpi/targets/                         {indicator, unit, year, quarter?, value, note?}
    DELETE /api/kpi/targets/{id}/
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from binhdan.core.api import ScopedViewSetMixin
from binhdan.geo.models import AdminUnit
from binhdan.kpi import query, services
from binhdan.kpi import registry as reg
from binhdan.kpi.models import Target


def _row(row: dict) -> dict:
    return {k: v for k, v in row.items() if k in (
        "code", "name", "kind", "subject", "numerator", "denominator", "value", "target", "target_unit",
        "inherited", "gap", "status")}


class IndicatorViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([{"code": i.code, "name": str(i.name), "short": str(i.short), "kind": i.kind,
                          "subject": i.subject, "rule": str(i.rule), "breakdown": i.sliced}
                         for i in reg.INDICATORS])


class UnitIndicatorsViewSet(viewsets.ViewSet):
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def _unit(self, request, code):
        unit = AdminUnit.objects.for_user(request.user, "view").filter(code=code).first()
        if unit is None:
            raise Http404
        return unit

    def _params(self, request):
        out = {}
        try:
            if request.query_params.get("year"):
                out["year"] = int(request.query_params["year"])
            if request.query_params.get("as_of"):
                out["as_of"] = datetime.date.fromisoformat(request.query_params["as_of"])
        except ValueError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return out

    def retrieve(self, request, code=None):
        unit = self._unit(request, code)
        params = self._params(request)
        rows = query.indicator_rows(unit, **params)
        return Response({"unit": unit.code, "name": unit.name, "level": unit.level, "year": params.get("year"),
                         "as_of": params.get("as_of"), "indicators": [_row(r) for r in rows]})

    @action(detail=True)
    def children(self, request, code=None):
        unit = self._unit(request, code)
        params = self._params(request)
        return Response([{"unit": c["code"], "name": c["name"], "indicators": [_row(r) for r in c["rows"]]}
                         for c in query.child_rows(unit, **params)])

    @action(detail=True)
    def breakdown(self, request, code=None):
        unit = self._unit(request, code)
        ind = reg.BY_CODE.get(request.query_params.get("i", ""))
        if ind is None:
            raise ValidationError({"i": "unknown indicator"})
        split = query.breakdown(unit, ind.code)
        return Response([{"slice": s, "label": str(reg.slice_label(s)), "numerator": n, "denominator": d,
                          "value": query.value_of(ind, n, d)} for s, (n, d) in sorted(split.items())])


class TargetSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    unit = serializers.CharField(source="unit.code")

    class Meta:
        model = Target
        fields = ["id", "indicator", "unit", "year", "quarter", "value", "note"]


class TargetViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                    viewsets.GenericViewSet):
    queryset = Target.objects.select_related("unit")
    serializer_class = TargetSerializer
    lookup_field = "uuid"

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.query_params.get("unit"):
            qs = qs.filter(unit__code=self.request.query_params["unit"])
        if self.request.query_params.get("year"):
            try:
                qs = qs.filter(year=int(self.request.query_params["year"]))
            except ValueError:
                qs = qs.none()
        return qs.order_by("unit__path", "indicator", "year", "quarter")

    def create(self, request):
        data = request.data
        unit = AdminUnit.objects.filter(code=str(data.get("unit", ""))).first()
        if unit is None:
            raise ValidationError({"unit": _("No administrative unit has this code.")})
        try:
            target = services.set_target(request.user, indicator=data.get("indicator", ""), unit=unit,
                                         year=data.get("year"), value=data.get("value"),
                                         quarter=data.get("quarter") or None, note=str(data.get("note") or ""))
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(TargetSerializer(target).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_target(self.request.user, instance)


def register(router) -> None:
    router.register("kpi/indicators", IndicatorViewSet, basename="kpi-indicator")
    router.register("kpi/units", UnitIndicatorsViewSet, basename="kpi-unit")
    router.register("kpi/targets", TargetViewSet, basename="kpi-target")
