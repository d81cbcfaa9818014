"""API of the register: the same scope, masking and validation as the pages.

Responses carry masked values only (`id_masked`, `phone_masked`); the full phone comes from
POST people/{id}/reveal/ for roles allowed to see it, and each reveal is audited.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from binhdan.core.api import ScopedViewSetMixin
from binhdan.geo.models import AdminUnit, Level
from binhdan.people import forms, services
from binhdan.people.models import Household, Person
from binhdan.people.views import filter_people, may


class HouseholdSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    head = serializers.UUIDField(source="head.uuid", read_only=True, default=None)
    head_name = serializers.CharField(source="head.full_name", read_only=True, default="")
    members = serializers.IntegerField(source="n_members", read_only=True)

    class Meta:
        model = Household
        fields = ["id", "code", "village", "address", "head", "head_name", "members", "valid_to", "end_reason"]


class PersonSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    household = serializers.UUIDField(source="household.uuid", read_only=True, default=None)
    id_masked = serializers.CharField(read_only=True)
    is_elderly = serializers.BooleanField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "birth_date", "birth_year", "sex", "ethnicity", "village", "household",
                  "relation", "is_official", "is_student", "is_worker", "is_trader", "is_farmer", "has_disability",
                  "is_elderly", "has_smartphone", "vneid_level", "has_bank_account", "uses_email", "uses_zalo",
                  "id_masked", "phone_masked", "consent_at", "consent_source", "valid_from", "valid_to",
                  "end_reason"]
        read_only_fields = fields


class PersonWriteSerializer(serializers.Serializer):
    """Checked by the page's form, so the API accepts exactly what the pages and importer accept."""

    full_name = serializers.CharField(max_length=150)
    birth = serializers.CharField(required=False, allow_blank=True, help_text="dd/mm/yyyy or a year")
    sex = serializers.ChoiceField(choices=[("", "—"), *Person.Sex.choices], required=False, allow_blank=True)
    ethnicity = serializers.CharField(required=False, default="01")
    village = serializers.CharField(help_text="Village code")
    household = serializers.UUIDField(required=False, allow_null=True)
    new_household = serializers.BooleanField(required=False, default=False)
    relation = serializers.CharField(required=False, allow_blank=True)
    id_number = serializers.CharField(required=False, allow_blank=True, write_only=True)
    phone = serializers.CharField(required=False, allow_blank=True, write_only=True)
    has_smartphone = serializers.BooleanField(required=False, default=False)
    vneid_level = serializers.IntegerField(required=False, default=0)
    has_bank_account = serializers.BooleanField(required=False, default=False)
    uses_email = serializers.BooleanField(required=False, default=False)
    uses_zalo = serializers.BooleanField(required=False, default=False)
    is_official = serializers.BooleanField(required=False, default=False)
    is_student = serializers.BooleanField(required=False, default=False)
    is_worker = serializers.BooleanField(required=False, default=False)
    is_trader = serializers.BooleanField(required=False, default=False)
    is_farmer = serializers.BooleanField(required=False, default=False)
    has_disability = serializers.BooleanField(required=False, default=False)
    consent_at = serializers.DateField(required=False, allow_null=True)
    consent_source = serializers.CharField(required=False, allow_blank=True)


class EndSerializer(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.ChoiceField(choices=Person._meta.get_field("end_reason").choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


def _form_data(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, bool):
            if value:
                out[key] = "on"
        elif value is None:
            continue
        elif hasattr(value, "strftime"):
            out[key] = value.strftime("%d/%m/%Y")
        else:
            out[key] = str(value)
    return out


class PersonViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                    viewsets.ReadOnlyModelViewSet):
    """People in scope. Filters: village, commune, q (diacritics-insensitive), segment, age
    (0-14, 15-35, 36-59, 60+, 16+), sex, ethnicity, digital, status (current|ended)."""

    queryset = Person.objects.select_related("village", "household")
    serializer_class = PersonSerializer
    lookup_field = "uuid"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            return qs
        params = self.request.query_params
        if params.get("commune"):
            qs = qs.filter(commune__code=params["commune"])
        return filter_people(qs, params).order_by("name_folded", "pk")

    def get_object(self):
        """404 on read outside scope; 403 on write (whether or not the record exists)."""
        from django.http import Http404

        try:
            return super().get_object()
        except Http404:
            if self.request.method not in ("GET", "HEAD", "OPTIONS"):
                raise PermissionDenied from None
            raise

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return PersonWriteSerializer
        if self.action == "end":
            return EndSerializer
        return PersonSerializer

    def _save(self, request, person: Person | None):
        incoming = PersonWriteSerializer(data=request.data, partial=person is not None)
        incoming.is_valid(raise_exception=True)
        village_code = incoming.validated_data.get("village") or (person.village.code if person else "")
        village = AdminUnit.objects.for_user(request.user, "view").filter(code=village_code,
                                                                          level=Level.VILLAGE).first()
        if village is None or not may(request.user, "change", village):
            raise PermissionDenied
        merged = _form_data(forms.initial_for(person)) if person is not None else {}
        for key in incoming.validated_data:
            merged.pop(key, None)
        merged.update(_form_data(incoming.validated_data))
        merged["village"] = village.code
        form = forms.PersonForm(merged, commune=village.parent, person=person, village=village)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        saved = services.save_person(request.user, person or Person(), **form.service_kwargs())
        saved = Person.objects.select_related("village", "household").get(pk=saved.pk)
        return Response(PersonSerializer(saved).data, status=201 if person is None else 200)

    def create(self, request, *args, **kwargs):
        return self._save(request, None)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()  # 404 outside scope; 403 without the right to change
        return self._save(request, person)

    @action(detail=True, methods=["post"])
    def reveal(self, request, uuid=None):
        """The full phone number (audited). Only commune officers and system administrators."""
        person = self.get_object()
        if not Person.objects.for_user(request.user, "reveal").filter(pk=person.pk).exists():
            raise PermissionDenied(_("Your role may not see full phone numbers."))
        response = Response({"id": str(person.uuid), "phone": services.reveal_phone(request.user, person)})
        response["Cache-Control"] = "no-store"
        return response

    @action(detail=True, methods=["post"])
    def end(self, request, uuid=None):
        """Moved away, deceased or removed: the record is kept and stops being counted."""
        person = self.get_object()
        data = EndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.end_person(request.user, person, **data.validated_data)
        except ValueError as exc:
            raise serializers.ValidationError({"reason": [str(exc)]}) from exc
        person = Person.objects.select_related("village", "household").get(pk=person.pk)
        return Response(PersonSerializer(person).data)


class HouseholdViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Households in scope, with their number of current members. Filters: village, commune."""

    queryset = Household.objects.select_related("village", "head").annotate(
        n_members=Count("members", filter=Q(members__valid_to__isnull=True)))
    serializer_class = HouseholdSerializer
    lookup_field = "uuid"

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("village"):
            qs = qs.filter(village__code=params["village"])
        if params.get("commune"):
            qs = qs.filter(commune__code=params["commune"])
        if params.get("status") != "ended":
            qs = qs.filter(valid_to__isnull=True)
        return qs.order_by("code", "pk")


def register(router) -> None:
    """Registers the population register's API endpoints."""
    router.register("people", PersonViewSet, basename="person")
    router.register("households", HouseholdViewSet, basename="household")
