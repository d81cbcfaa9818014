"""Roles a user can hold on an administrative unit (covering its whole subtree)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    ORGANISATION_OFFICER = "organisation_officer", _("Organisation officer")
    TEAM_LEADER = "team_leader", _("Team leader")
    TEAM_MEMBER = "team_member", _("Team member")
    LEARNER = "learner", _("Learner")


STAFF_ROLES = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.PROVINCE_OFFICER,
        Role.COMMUNE_OFFICER,
        Role.ORGANISATION_OFFICER,
        Role.TEAM_LEADER,
        Role.TEAM_MEMBER,
    }
)
OFFICER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER})
FIELD_ROLES = frozenset({Role.TEAM_LEADER, Role.TEAM_MEMBER})

# Who may do what, by default, on a record in their subtree. A model may declare its own
# `scope_policy` with the same keys.
DEFAULT_POLICY = {
    "view": STAFF_ROLES,
    "change": OFFICER_ROLES,
}
