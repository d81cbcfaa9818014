"""Learning API: learners, attempts, achievements and certificates in the user's scope; lesson statistics."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from binhdan.core.api import ScopedViewSetMixin
from binhdan.learning import services, stats
from binhdan.learning.models import Achievement, Attempt, Certificate, LearnerAccount


class LearnerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    person = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    has_phone = serializers.SerializerMethodField()

    class Meta:
        model = LearnerAccount
        fields = ["id", "full_name", "province", "commune", "village", "person", "has_phone", "created_at"]

    def get_has_phone(self, obj) -> bool:
        return bool(obj.phone_hash)


class AttemptSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    learner = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    level = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Attempt
        fields = ["id", "learner", "level", "status", "started_at", "finished_at", "total", "correct", "passed"]


class AchievementSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    learner = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    person = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    skill = serializers.SlugRelatedField(slug_field="code", read_only=True)
    counted = serializers.BooleanField(read_only=True)

    class Meta:
        model = Achievement
        fields = ["id", "learner", "person", "skill", "method", "counted", "evidence", "at"]


class CertificateSerializer(serializers.ModelSerializer):
    learner = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    valid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Certificate
        fields = ["code", "learner", "level", "full_name", "commune_name", "issued_on", "valid", "revoked_at",
                  "revoke_reason"]


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class LearnerViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = LearnerAccount.objects.select_related("province", "commune", "village", "person")
    serializer_class = LearnerSerializer
    lookup_field = "uuid"


class AttemptViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Attempt.objects.select_related("learner", "level")
    serializer_class = AttemptSerializer
    lookup_field = "uuid"


class AchievementViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Achievement.objects.select_related("learner", "person", "skill")
    serializer_class = AchievementSerializer
    lookup_field = "uuid"


class CertificateViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    queryset = Certificate.objects.select_related("learner", "level")
    serializer_class = CertificateSerializer
    lookup_field = "code"

    @action(detail=True, methods=["post"], serializer_class=RevokeSerializer)
    def revoke(self, request, code=None):
        cert = self.get_object()  # a write: 403 outside the user's change scope
        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.revoke_certificate(cert, request.user, data.validated_data["reason"])
        except services.LearningError as exc:
            raise ValidationError({"reason": [exc.message]}) from exc
        return Response(CertificateSerializer(cert).data)


class StatsSerializer(serializers.Serializer):
    learners = serializers.IntegerField()
    per_level = serializers.ListField(child=serializers.DictField(), help_text="tests, passed, rate per level")
    lessons = serializers.ListField(child=serializers.DictField(), help_text="right answers per lesson")
    hardest = serializers.ListField(child=serializers.DictField(), help_text="hardest questions first")
    change = serializers.ListField(child=serializers.DictField(), help_text="self-assessment before/after")


class LearningStatsViewSet(viewsets.ViewSet):
    """Pass rates per level, right answers per lesson, the hardest questions, self-assessment change."""

    serializer_class = StatsSerializer

    @extend_schema(responses=StatsSerializer)
    def list(self, request):
        data = stats.for_user(request.user)
        if data is None:
            raise PermissionDenied
        return Response(data)


def register(router) -> None:
    router.register("learning/learners", LearnerViewSet, basename="learning-learner")
    router.register("learning/attempts", AttemptViewSet, basename="learning-attempt")
    router.register("learning/achievements", AchievementViewSet, basename="learning-achievement")
    router.register("learning/certificates", CertificateViewSet, basename="learning-certificate")
    router.register("learning/stats", LearningStatsViewSet, basename="learning-stats")
