"""Scoping for the field: a team member sees and changes what lies in "their villages".

Their villages are the village(s) of their team-member or team-leader role assignment, plus
the villages covered by the active teams they belong to. Officers keep the usual subtree
scope of `ScopedQuerySet`.
"""

from __future__ import annotations

from django.db.models import Q

from binhdan.core.querysets import VILLAGE, ScopedQuerySet, assignments
from binhdan.core.roles import FIELD_ROLES


def field_village_ids(user) -> frozenset[int]:
    """Ids of the villages a team member or leader works in (cached on the user)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_outreach_villages", None)
    if cached is not None:
        return cached
    from binhdan.geo.models import AdminUnit, Level
    from binhdan.outreach.models import Team

    ids: set[int] = set()
    paths = []
    for role, unit_id, level, path in assignments(user):
        if role not in FIELD_ROLES:
            continue
        if level == VILLAGE:
            ids.add(unit_id)
        else:
            paths.append(path)
    for path in paths:
        ids |= set(AdminUnit.objects.filter(path__startswith=path, level=Level.VILLAGE).values_list("pk", flat=True))
    ids |= set(
        Team.villages.through.objects.filter(
            team__members__user=user, team__members__active=True, team__status=Team.Status.ACTIVE
        ).values_list("adminunit_id", flat=True)
    )
    cached = frozenset(ids)
    user._outreach_villages = cached
    return cached


class FieldQuerySet(ScopedQuerySet):
    """`for_user` where field roles reach their villages (see module docstring)."""

    def _village_q(self, village_ids) -> Q:
        prefix = getattr(self.model, "scope_prefix", "")
        return Q(**{prefix + "village_id__in": sorted(village_ids)})

    def _assignment_q(self, user, role, level, unit_id, path):
        if role in FIELD_ROLES:
            return self._village_q(field_village_ids(user))
        return super()._assignment_q(user, role, level, unit_id, path)


class TeamQuerySet(FieldQuerySet):
    """A team is placed at its commune; a field member sees the teams covering their villages
    and the teams they belong to."""

    def _village_q(self, village_ids) -> Q:
        from binhdan.outreach.models import Team

        covering = Team.villages.through.objects.filter(adminunit_id__in=sorted(village_ids)).values("team_id")
        return Q(pk__in=covering)

    def active(self):
        return self.filter(status=self.model.Status.ACTIVE)


class MemberQuerySet(FieldQuerySet):
    def _village_q(self, village_ids) -> Q:
        from binhdan.outreach.models import Team

        covering = Team.villages.through.objects.filter(adminunit_id__in=sorted(village_ids)).values("team_id")
        return Q(team_id__in=covering)
