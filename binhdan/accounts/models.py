import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhdan.core.models import PlacedModel, TimeStampedModel
from binhdan.core.querysets import NATION, ScopedQuerySet
from binhdan.core.roles import Role


class User(AbstractUser):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)

    audit_exclude = ("password", "last_login")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class RoleAssignmentQuerySet(ScopedQuerySet):
    def _scope_q(self, level, unit_id, path):
        if level == NATION:
            return None
        return models.Q(unit__path__startswith=path)


class RoleAssignment(PlacedModel, TimeStampedModel):
    """A role on a unit, covering the unit's whole subtree."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, models.CASCADE, related_name="assignments", verbose_name=_("user"))
    unit = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="assignments", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "geo.Organisation", models.SET_NULL, null=True, blank=True, related_name="assignments",
        verbose_name=_("organisation"),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = RoleAssignmentQuerySet.as_manager()
    scope_policy = {
        "view": frozenset({"system_admin", "province_officer", "commune_officer"}),
        "change": frozenset({"system_admin", "province_officer", "commune_officer"}),
    }

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_role_per_unit")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.set_place(self.unit)
        super().save(*args, **kwargs)
