"""Counters, snapshots, targets and the derived facts indicators read.

* `PersonFacts` — a person's derived level and national confirmation, kept by `track()`.
* `Counter` — per village, indicator and breakdown slice ("" is the total): numerator and
  denominator, changed in the same transaction as the record that moves them.
  Commune, province and nation are sums (GROUP BY on the denormalised place).
* `Snapshot` — per commune, day and indicator: the totals at the end of that day.
* `Target` — per indicator, unit, year (and optionally quarter); a unit without its own
  target inherits its nearest ancestor's.
* `ReconcileRun` — the outcome of each reconciliation.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhdan.core.models import PlacedModel, TimeStampedModel
from binhdan.core.querysets import ScopedQuerySet
from binhdan.core.roles import OFFICER_ROLES, STAFF_ROLES

KPI_POLICY = {"view": STAFF_ROLES, "change": OFFICER_ROLES}


class PersonFacts(models.Model):
    """What indicators read about a person, derived from counted achievements."""

    person = models.OneToOneField("people.Person", models.CASCADE, primary_key=True, related_name="kpi_facts",
                                  verbose_name=_("person"))
    level = models.PositiveSmallIntegerField(_("level reached"), default=0)
    national = models.BooleanField(_("confirmed on the national platform"), default=False)

    class Meta:
        verbose_name = _("derived facts of a person")
        verbose_name_plural = _("derived facts of people")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.level}"


class Counter(models.Model):
    village = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("village"))
    commune = models.ForeignKey("geo.AdminUnit", models.CASCADE, null=True, related_name="+",
                                verbose_name=_("commune"))
    province = models.ForeignKey("geo.AdminUnit", models.CASCADE, null=True, related_name="+",
                                 verbose_name=_("province"))
    indicator = models.CharField(_("indicator"), max_length=40)
    slice = models.CharField(_("breakdown"), max_length=24, blank=True, default="")
    numerator = models.BigIntegerField(_("numerator"), default=0)
    denominator = models.BigIntegerField(_("denominator"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [models.UniqueConstraint(fields=["village", "indicator", "slice"],
                                               name="kpi_counter_unique_village_indicator_slice")]
        # Covering indexes (PostgreSQL): dashboards sum counters with index-only scans.
        indexes = [
            models.Index(fields=["province", "slice", "indicator"], include=["commune", "numerator", "denominator"],
                         name="kpi_counter_province"),
            models.Index(fields=["commune", "slice", "indicator"], include=["village", "numerator", "denominator"],
                         name="kpi_counter_commune"),
            models.Index(fields=["province", "indicator", "slice"], include=["numerator", "denominator"],
                         name="kpi_counter_province_ind"),
            models.Index(fields=["commune", "indicator", "slice"], include=["numerator", "denominator"],
                         name="kpi_counter_commune_ind"),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.indicator} {self.slice}: {self.numerator}/{self.denominator}"


class CommuneCounter(models.Model):
    """The sum of a commune's village counters, kept in the same statement as they are, so a
    province dashboard reads a hundred communes instead of three thousand villages."""

    commune = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("commune"))
    province = models.ForeignKey("geo.AdminUnit", models.CASCADE, null=True, related_name="+",
                                 verbose_name=_("province"))
    indicator = models.CharField(_("indicator"), max_length=40)
    slice = models.CharField(_("breakdown"), max_length=24, blank=True, default="")
    numerator = models.BigIntegerField(_("numerator"), default=0)
    denominator = models.BigIntegerField(_("denominator"), default=0)

    class Meta:
        verbose_name = _("commune counter")
        verbose_name_plural = _("commune counters")
        constraints = [models.UniqueConstraint(fields=["commune", "indicator", "slice"],
                                               name="kpi_communecounter_unique")]
        indexes = [
            models.Index(fields=["province", "slice", "indicator"], include=["commune", "numerator", "denominator"],
                         name="kpi_ccounter_province"),
            models.Index(fields=["province", "indicator", "slice"], include=["numerator", "denominator"],
                         name="kpi_ccounter_province_ind"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.indicator} {self.slice}: {self.numerator}/{self.denominator}"


class Snapshot(models.Model):
    commune = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("commune"))
    province = models.ForeignKey("geo.AdminUnit", models.CASCADE, null=True, related_name="+",
                                 verbose_name=_("province"))
    date = models.DateField(_("date"))
    indicator = models.CharField(_("indicator"), max_length=40)
    numerator = models.BigIntegerField(_("numerator"), default=0)
    denominator = models.BigIntegerField(_("denominator"), default=0)

    class Meta:
        verbose_name = _("daily snapshot")
        verbose_name_plural = _("daily snapshots")
        constraints = [models.UniqueConstraint(fields=["commune", "date", "indicator"],
                                               name="kpi_snapshot_unique_commune_date_indicator")]
        indexes = [models.Index(fields=["province", "date"], name="kpi_snapshot_province_date"),
                   models.Index(fields=["date"], name="kpi_snapshot_date")]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.date} {self.indicator}"


class TargetQuerySet(ScopedQuerySet):
    pass


class Target(PlacedModel, TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    indicator = models.CharField(_("indicator"), max_length=40)
    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="kpi_targets", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000),
                                                                   MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True,
                                               validators=[MinValueValidator(1), MaxValueValidator(4)])
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    note = models.CharField(_("source or note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))

    objects = TargetQuerySet.as_manager()
    scope_policy = KPI_POLICY

    class Meta:
        ordering = ["unit__path", "indicator", "year", "quarter"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year", "quarter"],
                                    name="kpi_target_unique_with_quarter"),
            models.UniqueConstraint(fields=["indicator", "unit", "year"], condition=models.Q(quarter__isnull=True),
                                    name="kpi_target_unique_year"),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="kpi_target_unit_year")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit_id} {self.year}: {self.value}"


class ReconcileRun(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    scope = models.CharField(_("scope"), max_length=64, blank=True)
    differences = models.PositiveIntegerField(_("differences"), default=0)
    fixed = models.BooleanField(_("corrected"), default=False)
    seconds = models.FloatField(_("duration (s)"), default=0)
    details = models.JSONField(_("details"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.differences}"


class State(models.Model):
    """Small key/value facts of the counters (e.g. the year they were counted for)."""

    key = models.CharField(max_length=40, unique=True)
    value = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
