"""API: plans with their tasks, outreach activities, reports (with submit / return / accept), commendations."""

from __future__ import annotations

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from binhdan.campaigns import services
from binhdan.campaigns.models import Activity, Commendation, Plan, Report, Task
from binhdan.core.api import ScopedViewSetMixin
from binhdan.geo.models import AdminUnit, Organisation


class PlanSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "unit", "number", "issued_on", "issuing_body", "title", "summary"]


class TaskSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    plan = serializers.UUIDField(source="plan.uuid", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "plan", "position", "title", "lead_text", "partners_text", "time_text", "starts_on",
                  "due_on", "note", "status", "progress", "result", "overdue"]
        read_only_fields = ["position", "title", "lead_text", "partners_text", "time_text", "starts_on", "due_on",
                            "note"]


class ActivitySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", queryset=AdminUnit.objects.all())
    organiser = serializers.SlugRelatedField(slug_field="uuid", queryset=Organisation.objects.all(),
                                             required=False, allow_null=True)

    class Meta:
        model = Activity
        fields = ["id", "kind", "on", "unit", "organiser", "title", "quantity", "people_reached", "evidence_url"]


class ReportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Report
        fields = ["id", "unit", "period_kind", "year", "number", "status", "due_on", "symbol", "dated", "title",
                  "data_as_of", "first_submitted_at", "submitted_at", "accepted_at", "on_time", "review_comment"]


class ReportDetailSerializer(ReportSerializer):
    class Meta(ReportSerializer.Meta):
        fields = ReportSerializer.Meta.fields + ["results_text", "limitations_text", "causes_text", "proposals_text",
                                                 "figures"]


class CommendationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Commendation
        fields = ["id", "unit", "year", "subject", "category", "name", "achievements", "status", "level",
                  "decision", "decided_on"]


class PlanViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Plan.objects.select_related("unit")
    serializer_class = PlanSerializer
    lookup_field = "uuid"


class TaskViewSet(ScopedViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Task.objects.select_related("plan")
    serializer_class = TaskSerializer
    lookup_field = "uuid"
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.update_task(self.request.user, serializer.instance,
                                                       status=data.get("status"), progress=data.get("progress"),
                                                       result=data.get("result"))
        except services.CampaignError as exc:
            raise ValidationError(exc.message) from exc


class ActivityViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Activity.objects.select_related("unit", "organiser")
    serializer_class = ActivitySerializer
    lookup_field = "uuid"

    def perform_create(self, serializer):
        data = serializer.validated_data
        unit = data["unit"]
        from binhdan.campaigns.forms import units_for
        from binhdan.campaigns.models import RECORDERS

        if not units_for(self.request.user, RECORDERS).filter(pk=unit.pk).exists():
            raise PermissionDenied
        try:
            serializer.instance = services.record_activity(self.request.user, **data)
        except services.CampaignError as exc:
            raise ValidationError(exc.message) from exc


class ReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Report.objects.select_related("unit")
    lookup_field = "uuid"

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def _act(self, request, uuid, fn, *args):
        report = Report.objects.for_user(request.user, "change").select_related("unit").filter(uuid=uuid).first()
        if report is None:
            raise PermissionDenied
        try:
            report = fn(request.user, report, *args)
        except services.CampaignError as exc:
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
        return Response(ReportSerializer(report).data)

    @action(detail=True, methods=["post"])
    def submit(self, request, uuid=None):
        report = Report.objects.for_user(request.user, "change").select_related("unit").filter(uuid=uuid).first()
        if report is None or not services.may_write_report(request.user, report.unit):
            raise PermissionDenied
        return self._act(request, uuid, services.submit_report)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, uuid=None):
        return self._act(request, uuid, services.return_report, str(request.data.get("comment", "")))

    @action(detail=True, methods=["post"])
    def accept(self, request, uuid=None):
        return self._act(request, uuid, services.accept_report, str(request.data.get("comment", "")))


class CommendationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Commendation.objects.select_related("unit")
    serializer_class = CommendationSerializer
    lookup_field = "uuid"


def register(router) -> None:
    router.register("plans", PlanViewSet, basename="plan")
    router.register("plan-tasks", TaskViewSet, basename="plan-task")
    router.register("outreach-activities", ActivityViewSet, basename="outreach-activity")
    router.register("reports", ReportViewSet, basename="periodic-report")
    router.register("commendations", CommendationViewSet, basename="commendation")
