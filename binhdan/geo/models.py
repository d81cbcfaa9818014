"""The administrative tree of Vietnam: nation → province → commune → village."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from binhdan.core.models import PlacedModel, TimeStampedModel
from binhdan.core.text import fold
from binhdan.geo.querysets import AdminUnitQuerySet, OrganisationQuerySet


class Level(models.IntegerChoices):
    NATION = 0, _("Nation")
    PROVINCE = 1, _("Province")
    COMMUNE = 2, _("Commune")
    VILLAGE = 3, _("Village")


class Kind(models.TextChoices):
    NATION = "nation", _("nation")
    PROVINCE = "province", _("province")
    CITY = "city", _("centrally-run city")
    COMMUNE = "commune", _("commune")
    WARD = "ward", _("ward")
    SPECIAL_ZONE = "special_zone", _("special zone")
    THON = "thon", _("hamlet (thôn)")
    BAN = "ban", _("village (bản)")
    TO_DAN_PHO = "to_dan_pho", _("residential group (tổ dân phố)")
    AP = "ap", _("hamlet (ấp)")
    KHU_PHO = "khu_pho", _("quarter (khu phố)")
    BUON = "buon", _("village (buôn)")
    LANG = "lang", _("village (làng)")
    XOM = "xom", _("hamlet (xóm)")
    KHOM = "khom", _("quarter (khóm)")
    PLEI = "plei", _("village (plei)")


VILLAGE_KINDS = [
    Kind.THON, Kind.BAN, Kind.TO_DAN_PHO, Kind.AP, Kind.KHU_PHO,
    Kind.BUON, Kind.LANG, Kind.XOM, Kind.KHOM, Kind.PLEI,
]


class AdminUnit(TimeStampedModel):
    """One node of the tree. Public identifier: its code (official for provinces and communes)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    province = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    commune = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("closed on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="predecessors", verbose_name=_("merged into")
    )

    objects = AdminUnitQuerySet.as_manager()

    scope_policy = {
        "view": frozenset(
            {"system_admin", "province_officer", "commune_officer", "organisation_officer",
             "team_leader", "team_member"}
        ),
        "change": frozenset({"system_admin", "province_officer", "commune_officer"}),
    }

    class Meta:
        ordering = ["level", "name_folded"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        indexes = [models.Index(fields=["parent", "level"])]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=models.Q(valid_to__isnull=True),
                name="unique_open_unit_name_per_parent",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        if self.parent_id and self.parent is not None:
            parent = self.parent
            self.path = f"{parent.path}{self.code}/"
            if parent.level == Level.PROVINCE:
                self.province_id, self.commune_id = parent.pk, None
            elif parent.level == Level.COMMUNE:
                self.province_id, self.commune_id = parent.province_id, parent.pk
            else:
                self.province_id, self.commune_id = None, None
        else:
            self.path = f"/{self.code}/"
            self.province_id = self.commune_id = None
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.valid_to is None

    def place_ids(self) -> tuple[int | None, int | None, int | None]:
        """(province, commune, village) ids for a record that belongs to this unit."""
        if self.level == Level.PROVINCE:
            return self.pk, None, None
        if self.level == Level.COMMUNE:
            return self.province_id, self.pk, None
        if self.level == Level.VILLAGE:
            return self.province_id, self.commune_id, self.pk
        return None, None, None

    def audit_place(self) -> dict:
        return dict(zip(("province_id", "commune_id", "village_id"), self.place_ids(), strict=True))

    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.strip("/").split("/")][:-1]

    def ancestors(self):
        codes = self.ancestor_codes()
        units = {u.code: u for u in AdminUnit.objects.filter(code__in=codes)}
        return [units[c] for c in codes if c in units]


class Organisation(PlacedModel, TimeStampedModel):
    """An organisation named by the plans, attached to a unit."""

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
        CULTURE_SOCIETY_OFFICE = "culture_society_office", _("Culture–Society Office")
        ECONOMIC_OFFICE = "economic_office", _("Economic Office")
        PUBLIC_SERVICE_CENTRE = "public_service_centre", _("Public Administrative Service Centre")
        FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front Committee")
        YOUTH_UNION = "youth_union", _("Youth Union")
        WOMENS_UNION = "womens_union", _("Women's Union")
        FARMERS_UNION = "farmers_union", _("Farmers' Union")
        VETERANS_ASSOCIATION = "veterans_association", _("Veterans' Association")
        ELDERLY_ASSOCIATION = "elderly_association", _("Elderly Association")
        POLICE = "police", _("Commune police")
        SCHOOL = "school", _("School")
        HEALTH_STATION = "health_station", _("Health station")
        ENTERPRISE = "enterprise", _("Enterprise")
        COOPERATIVE = "cooperative", _("Cooperative")
        PROPAGANDA_BOARD = "propaganda_board", _("Propaganda and Mass Mobilisation Board")
        DEPARTMENT = "department", _("Provincial department")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(AdminUnit, models.PROTECT, related_name="organisations", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("office phone"), max_length=32, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="unique_organisation_name_per_unit")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.set_place(self.unit)
        super().save(*args, **kwargs)
