"""Records of the outreach app that indicators read: teams, and the events behind the counts.

* "Villages with an active community digital team": a village is covered when a team with
  status "active" lists it among its villages.
* Count indicators are bumped by the outreach services in the same transaction as the record;
  the reconciliation recounts them from the records here:
    coaching_sessions     CoachingSession rows, by the session's village
    people_coached        people with at least one session, by the village of their first session
    confirmed_sessions    sessions with `confirmed_at`, by the session's village
    classes_held          ClassMeeting rows of a class placed in a village, by that village
    champions_recognised  Champion rows, by the champion's village
    devices_given         DeviceGift rows, by the gift's village (the household's at the time)
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Count, Min


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
    through = Team.villages.through
    qs = through.objects.filter(team__status=Team.Status.ACTIVE)
    if village_ids is not None:
        qs = qs.filter(adminunit_id__in=list(village_ids))
    return set(qs.values_list("adminunit_id", flat=True).distinct())


def _by_village(qs, villages) -> dict[int, int]:
    qs = qs.filter(village_id__isnull=False)
    if villages is not None:
        qs = qs.filter(village_id__in=list(villages))
    return {v: n for v, n in qs.values("village_id").annotate(n=Count("pk")).values_list("village_id", "n").order_by()}


def _coaching_sessions(villages):
    return _by_village(_model("CoachingSession").objects.all(), villages)


def _confirmed_sessions(villages):
    return _by_village(_model("CoachingSession").objects.filter(confirmed_at__isnull=False), villages)


def _people_coached(villages):
    Session = _model("CoachingSession")
    firsts = Session.objects.values("person_id").annotate(first=Min("pk")).values("first")
    return _by_village(Session.objects.filter(pk__in=firsts), villages)


def _classes_held(villages):
    return _by_village(_model("ClassMeeting").objects.all(), villages)


def _champions(villages):
    return _by_village(_model("Champion").objects.all(), villages)


def _devices(villages):
    return _by_village(_model("DeviceGift").objects.all(), villages)


def count_sources() -> dict:
    """{indicator code: function(village ids or None) -> {village id: count}}."""
    if _model("CoachingSession") is None:
        return {}
    return {
        "coaching_sessions": _coaching_sessions,
        "people_coached": _people_coached,
        "confirmed_sessions": _confirmed_sessions,
        "classes_held": _classes_held,
        "champions_recognised": _champions,
        "devices_given": _devices,
    }
