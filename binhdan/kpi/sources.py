"""Records of other apps that indicators read: community teams and outreach activity.

The outreach app owns teams, coaching sessions, classes, champions and the device drive.
Until its models exist, "villages with an active team" counts no team and the count
indicators are kept by `bump()` only (the reconciliation cannot recompute them and says so).
"""

from __future__ import annotations

from django.apps import apps


def _model(name: str):
    try:
        return apps.get_model("outreach", name)
    except LookupError:
        return None


def teams_available() -> bool:
    return _model("Team") is not None


def active_team_villages(village_ids=None) -> set[int]:
    """Villages (of `village_ids`, or all) covered by at least one active community team."""
    Team = _model("Team")
    if Team is None:
        return set()
    field = Team._meta.get_field("villages") if any(f.name == "villages" for f in Team._meta.get_fields()) else None
    if field is None:
        return set()
    through = Team.villages.through
    qs = through.objects.all()
    team_fk = [f.name for f in through._meta.fields if f.related_model is Team][0]
    unit_fk = [f.name for f in through._meta.fields if f.related_model is not Team and f.name != "id"][0]
    if any(f.name == "active" for f in Team._meta.fields):
        qs = qs.filter(**{f"{team_fk}__active": True})
    if village_ids is not None:
        qs = qs.filter(**{f"{unit_fk}_id__in": list(village_ids)})
    return set(qs.values_list(f"{unit_fk}_id", flat=True).distinct())


def count_sources() -> dict:
    """{indicator code: function(village_ids or None) -> {village id: count}} for the count
    indicators the outreach records can recompute. Empty until those records exist."""
    return {}
