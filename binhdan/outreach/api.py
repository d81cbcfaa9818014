"""API of community digital teams.

- GET  /api/outreach/field/bundle/  what the phone keeps for offline work: the member's villages,
  their households (visit status, version, "Gia đình số") and people (masked), the skills, classes.
- POST /api/outreach/field/sync/    {"records": [...]} the queue kept on the phone; each record
  carries its own UUID; the answer gives one result per record (created, duplicate, updated,
  conflict or rejected with a reason).
- Read-only lists: teams, sessions, visits, classes, devices, conflicts (the user's own).
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from binhdan.core.api import ScopedViewSetMixin
from binhdan.kpi.levels import digital_households
from binhdan.learning.models import Skill
from binhdan.outreach import services, sync
from binhdan.outreach.models import (
    CoachingSession,
    CommunityClass,
    DeviceGift,
    HouseholdVisit,
    SessionSkill,
    SyncConflict,
    Team,
    TeamMember,
    VisitStatus,
)
from binhdan.outreach.services import OutreachError

BUNDLE_LIMIT = 5000  # households per bundle: a team's villages, never a whole province


def field_bundle(user) -> dict:
    villages = list(services.villages_for(user).values("pk", "code", "name")[:200])
    field_ids = services.field_village_ids(user)
    ids = [v["pk"] for v in villages if not field_ids or v["pk"] in field_ids][:50]
    households = list(
        services.households_for(user).filter(village_id__in=ids)
        .values("pk", "uuid", "code", "address", "village_id", "head__full_name", "outreach_status__status",
                "outreach_status__version", "outreach_status__follow_up_on")[:BUNDLE_LIMIT]
    )
    people = list(services.people_for(user).filter(village_id__in=ids)
                  .values("uuid", "full_name", "name_folded", "birth_year", "sex", "household__uuid", "village_id",
                          "phone_masked")[:BUNDLE_LIMIT * 4])
    digital = digital_households([h["pk"] for h in households])
    codes = {v["pk"]: v["code"] for v in villages}
    skills = list(Skill.objects.filter(active=True).order_by("level__position", "position")
                  .values("code", "title", "level__code"))
    classes = list(CommunityClass.objects.for_user(user, "view").filter(active=True)
                   .prefetch_related(Prefetch("learners", to_attr="people"), "skills")[:100])
    return {
        "villages": [{"code": v["code"], "name": v["name"]} for v in villages if v["pk"] in ids],
        "households": [{
            "id": str(h["uuid"]), "code": h["code"], "address": h["address"], "village": codes.get(h["village_id"]),
            "head": h["head__full_name"] or "", "status": h["outreach_status__status"] or VisitStatus.NOT_VISITED,
            "version": h["outreach_status__version"] or 0,
            "follow_up_on": h["outreach_status__follow_up_on"].isoformat()
            if h["outreach_status__follow_up_on"] else None,
            "digital": h["pk"] in digital,
        } for h in households],
        "people": [{
            "id": str(p["uuid"]), "name": p["full_name"], "folded": p["name_folded"], "birth_year": p["birth_year"],
            "sex": p["sex"], "household": str(p["household__uuid"]) if p["household__uuid"] else None,
            "village": codes.get(p["village_id"]), "phone": p["phone_masked"],
        } for p in people],
        "skills": [{"code": s["code"], "title": s["title"], "level": s["level__code"]} for s in skills],
        "classes": [{"id": str(c.uuid), "name": c.name, "learners": [str(p.uuid) for p in c.people],
                     "skills": [s.code for s in c.skills.all()]} for c in classes],
        "statuses": [{"code": c, "label": str(label)} for c, label in VisitStatus.choices],
    }


class SyncRequestSerializer(serializers.Serializer):
    records = serializers.ListField(child=serializers.DictField(), help_text=(
        "Records made on the phone: {kind: person|visit|session|session_edit|meeting|device, id: <uuid>, ...}"))


class SyncResultSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "duplicate", "updated", "conflict", "rejected", "retry"])
    reason = serializers.CharField(required=False)
    server = serializers.DictField(required=False)


class SyncResponseSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True)
    summary = serializers.DictField(child=serializers.IntegerField())


class FieldViewSet(viewsets.ViewSet):
    """The phone's two calls: the offline bundle, and the sync of its queue."""

    serializer_class = SyncResponseSerializer

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def bundle(self, request):
        if not services.is_officer(request.user) and not services.field_roles(request.user):
            return Response(status=status.HTTP_403_FORBIDDEN)
        return Response(field_bundle(request.user))

    @extend_schema(request=SyncRequestSerializer, responses=SyncResponseSerializer)
    @action(detail=False, methods=["post"])
    def sync(self, request):
        if not services.is_officer(request.user) and not services.field_roles(request.user):
            return Response(status=status.HTTP_403_FORBIDDEN)
        records = request.data.get("records") if isinstance(request.data, dict) else None
        try:
            results = sync.apply_batch(request.user, records)
        except OutreachError as exc:
            raise ValidationError({"records": [exc.message]}) from exc
        summary = {}
        for r in results:
            summary[r["status"]] = summary.get(r["status"], 0) + 1
        return Response({"results": results, "summary": summary})


class TeamSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    commune = serializers.CharField(source="commune.code", read_only=True)
    villages = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.name", default=None, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "kind", "status", "founded_on", "closed_on", "commune", "villages", "organisation",
                  "members"]

    def get_villages(self, team) -> list[str]:
        return [v.code for v in team.villages.all()]

    def get_members(self, team) -> list[dict]:
        return [{"id": str(m.uuid), "full_name": m.full_name, "role": m.role, "active": m.active}
                for m in team.members.all()]


class TeamViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Team.objects.select_related("commune", "organisation").prefetch_related(
        "villages", Prefetch("members", queryset=TeamMember.objects.order_by("role", "full_name")))
    serializer_class = TeamSerializer
    lookup_field = "uuid"


class SessionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    village = serializers.CharField(source="village.code", read_only=True)
    member = serializers.CharField(source="member.full_name", default=None, read_only=True)
    skills = serializers.SerializerMethodField()
    confirmed = serializers.BooleanField(read_only=True)

    class Meta:
        model = CoachingSession
        fields = ["id", "person", "village", "member", "mode", "date", "start_time", "minutes", "note", "skills",
                  "confirmed", "version"]

    def get_skills(self, session) -> list[dict]:
        return [{"code": s.skill.code, "observed": s.observed} for s in session.skills.all()]


class SessionViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Sessions in scope; POST one session (same fields as a sync record; idempotent on "id")."""

    queryset = CoachingSession.objects.select_related("person", "village", "member").prefetch_related(
        Prefetch("skills", queryset=SessionSkill.objects.select_related("skill")))
    serializer_class = SessionSerializer
    lookup_field = "uuid"

    def create(self, request, *args, **kwargs):
        record = dict(request.data) if isinstance(request.data, dict) else {}
        record["kind"] = "session"
        try:
            [result] = sync.apply_batch(request.user, [record])
        except OutreachError as exc:
            raise ValidationError({"detail": exc.message}) from exc
        if result["status"] == "rejected":
            if result.get("code") == "scope":
                return Response(result, status=status.HTTP_403_FORBIDDEN)
            return Response(result, status=status.HTTP_400_BAD_REQUEST)
        code = status.HTTP_201_CREATED if result["status"] == "created" else status.HTTP_200_OK
        return Response(result, status=code)


class VisitSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    household = serializers.UUIDField(source="household.uuid", read_only=True)
    village = serializers.CharField(source="village.code", read_only=True)

    class Meta:
        model = HouseholdVisit
        fields = ["id", "household", "village", "date", "status", "follow_up_on", "note", "conflict"]


class VisitViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = HouseholdVisit.objects.select_related("household", "village")
    serializer_class = VisitSerializer
    lookup_field = "uuid"


class ClassSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    village = serializers.CharField(source="village.code", default=None, read_only=True)
    learners = serializers.IntegerField(source="n_learners", read_only=True)
    meetings = serializers.IntegerField(source="n_meetings", read_only=True)

    class Meta:
        model = CommunityClass
        fields = ["id", "name", "kind", "venue", "schedule", "village", "learners", "meetings", "active"]


class ClassViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = CommunityClass.objects.select_related("village").annotate(
        n_learners=Count("learners", distinct=True), n_meetings=Count("meetings", distinct=True))
    serializer_class = ClassSerializer
    lookup_field = "uuid"


class DeviceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    household = serializers.UUIDField(source="household.uuid", read_only=True)
    village = serializers.CharField(source="village.code", read_only=True)

    class Meta:
        model = DeviceGift
        fields = ["id", "household", "village", "donor", "device", "condition", "given_on", "note"]


class DeviceViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = DeviceGift.objects.select_related("household", "village")
    serializer_class = DeviceSerializer
    lookup_field = "uuid"


class ConflictSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = SyncConflict
        fields = ["id", "kind", "record", "sent", "server", "created_at", "resolved_at"]


class ConflictViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own offline changes that met a newer change on the server."""

    serializer_class = ConflictSerializer

    def get_queryset(self):
        return SyncConflict.objects.filter(Q(user=self.request.user), resolved_at__isnull=True)


def register(router) -> None:
    router.register("outreach/field", FieldViewSet, basename="outreach-field")
    router.register("outreach/teams", TeamViewSet, basename="outreach-team")
    router.register("outreach/sessions", SessionViewSet, basename="outreach-session")
    router.register("outreach/visits", VisitViewSet, basename="outreach-visit")
    router.register("outreach/classes", ClassViewSet, basename="outreach-class")
    router.register("outreach/devices", DeviceViewSet, basename="outreach-device")
    router.register("outreach/conflicts", ConflictViewSet, basename="outreach-conflict")
