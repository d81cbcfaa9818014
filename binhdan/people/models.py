"""Households and people of each village, kept current with history."""

import datetime
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from binhdan.core.models import PlacedModel, TimeStampedModel
from binhdan.core.text import fold
from binhdan.people.ethnicity import ETHNICITY_CHOICES, KINH
from binhdan.people.querysets import HouseholdQuerySet, PersonQuerySet

ELDERLY_AGE = 60
ADULT_AGE = 15


class EndReason(models.TextChoices):
    MOVED = "moved", _("moved away")
    DECEASED = "deceased", _("deceased")
    REMOVED = "removed", _("removed (entered by mistake)")
    MERGED = "merged", _("merged into another record")


class Household(PlacedModel, TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("household code"), max_length=32, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    head = models.ForeignKey(
        "people.Person", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("head of household")
    )
    valid_to = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=16, choices=EndReason.choices, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["village", "valid_to"])]

    def __str__(self) -> str:
        head = self.head.full_name if self.head_id and self.head else ""
        return _("Household of %(name)s") % {"name": head} if head else (self.code or str(self.uuid)[:8])


class Person(PlacedModel, TimeStampedModel):
    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class Relation(models.TextChoices):
        HEAD = "head", _("head of household")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        GRANDCHILD = "grandchild", _("grandchild")
        SIBLING = "sibling", _("sibling")
        CHILD_IN_LAW = "child_in_law", _("son- or daughter-in-law")
        OTHER = "other", _("other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, db_index=True, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITY_CHOICES, default=KINH)
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("household")
    )
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices, blank=True)
    # Segments named by the plans' targets.
    is_official = models.BooleanField(_("public official"), default=False)
    is_student = models.BooleanField(_("student"), default=False)
    is_worker = models.BooleanField(_("enterprise or cooperative worker"), default=False)
    is_trader = models.BooleanField(_("small trader"), default=False)
    is_farmer = models.BooleanField(_("farmer"), default=False)
    has_disability = models.BooleanField(_("person with disability"), default=False)
    valid_to = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=16, choices=EndReason.choices, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["village", "valid_to"]), models.Index(fields=["commune", "name_folded"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        super().save(*args, **kwargs)

    def age(self, on: datetime.date | None = None) -> int | None:
        on = on or datetime.date.today()
        if self.birth_date:
            b = self.birth_date
            return on.year - b.year - ((on.month, on.day) < (b.month, b.day))
        if self.birth_year:
            return on.year - self.birth_year
        return None

    @property
    def is_elderly(self) -> bool:
        age = self.age()
        return age is not None and age >= ELDERLY_AGE
