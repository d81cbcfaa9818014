"""Scoping: every view and API endpoint fetches through `for_user(user, action)`.

A role assignment on a unit covers that unit's whole subtree. Records carry their
province, commune and village, so "everything under X" is one indexed filter.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from binhdan.core.roles import DEFAULT_POLICY

NATION, PROVINCE, COMMUNE, VILLAGE = 0, 1, 2, 3
_LEVEL_FIELD = {PROVINCE: "province_id", COMMUNE: "commune_id", VILLAGE: "village_id"}


def assignments(user) -> list[tuple[str, int, int, str]]:
    """(role, unit id, unit level, unit path) for each active assignment, cached on the user."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_binhdan_assignments", None)
    if cached is None:
        from binhdan.accounts.models import RoleAssignment

        cached = list(
            RoleAssignment.objects.filter(user=user, active=True).values_list(
                "role", "unit_id", "unit__level", "unit__path"
            )
        )
        user._binhdan_assignments = cached
    return cached


def roles_of(user) -> set[str]:
    return {role for role, *_ in assignments(user)}


class ScopedQuerySet(models.QuerySet):
    """Adds `for_user(user, action)`.

    A model may set `scope_policy` ({action: roles}) and `scope_prefix` (the path to the
    record's place fields, e.g. "person__"); by default the place fields are its own.
    """

    def _scope_q(self, level: int, unit_id: int, path: str) -> Q | None:
        prefix = getattr(self.model, "scope_prefix", "")
        if level == NATION:
            return None
        return Q(**{prefix + _LEVEL_FIELD[level]: unit_id})

    def _assignment_q(self, user, role: str, level: int, unit_id: int, path: str) -> Q | None:
        """What one role assignment lets the user reach (None: everything). By default the
        unit's subtree; an app may reach differently for some roles (see outreach)."""
        return self._scope_q(level, unit_id, path)

    def for_user(self, user, action: str = "view"):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        policy = getattr(self.model, "scope_policy", DEFAULT_POLICY)
        allowed = policy.get(action, frozenset())
        parts: list[Q] = []
        for role, unit_id, level, path in assignments(user):
            if role not in allowed:
                continue
            q = self._assignment_q(user, role, level, unit_id, path)
            if q is None:
                return self.all()
            if q not in parts:
                parts.append(q)
        if not parts:
            return self.none()
        condition = parts[0]
        for q in parts[1:]:
            condition |= q
        return self.filter(condition)
