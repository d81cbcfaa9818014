"""What the commune and the team leader see of the teams' work: activity per team and member,
plausibility flags, weeks, households covered per village, members without activity.

Every function runs a fixed number of queries, whatever the number of teams or sessions.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from binhdan.geo.models import AdminUnit, Level
from binhdan.kpi.levels import digital_households
from binhdan.outreach.models import (
    CoachingSession,
    HouseholdStatus,
    HouseholdVisit,
    SessionSkill,
    Team,
    TeamMember,
    VisitStatus,
)
from binhdan.people.models import Household


def limits() -> dict:
    values = {"max_observed_per_session": 6, "repeat_threshold": 3, "inactive_days": 14}
    values.update(getattr(settings, "OUTREACH_PLAUSIBILITY", {}))
    return values


def default_period() -> tuple[datetime.date, datetime.date]:
    end = timezone.localdate()
    return end - datetime.timedelta(days=27), end


def _overlaps(rows) -> dict[int, int]:
    """{member id: number of sessions that overlap another session of the same member}."""
    by_day = defaultdict(list)
    for r in rows:
        if r["start_time"] is not None and r["member_id"] is not None:
            start = r["start_time"].hour * 60 + r["start_time"].minute
            by_day[(r["member_id"], r["date"])].append((start, start + r["minutes"], r["pk"]))
    flagged = defaultdict(set)
    for (member_id, _day), spans in by_day.items():
        spans.sort()
        end_max, end_pk = -1, None
        for start, end, pk in spans:
            if start < end_max:
                flagged[member_id].update({pk, end_pk})
            if end > end_max:
                end_max, end_pk = end, pk
    return {m: len(s) for m, s in flagged.items()}


def member_activity(commune: AdminUnit, start: datetime.date, end: datetime.date, team: Team | None = None):
    """One row per team member (and per team), with counts and plausibility flags."""
    cfg = limits()
    sessions = CoachingSession.objects.filter(commune_id=commune.pk, date__range=(start, end))
    members = TeamMember.objects.filter(commune_id=commune.pk).select_related("team").prefetch_related(
        "villages", "team__villages")
    if team is not None:
        sessions = sessions.filter(team=team)
        members = members.filter(team=team)
    counts = {
        r["member_id"]: r for r in sessions.values("member_id").annotate(
            sessions=Count("pk"), people=Count("person", distinct=True), minutes=Sum("minutes"),
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)))
    }
    skills = SessionSkill.objects.filter(session__in=sessions.values("pk"), observed=True)
    observed = {r["session__member_id"]: r["n"] for r in skills.values("session__member_id").annotate(n=Count("pk"))}
    heavy = defaultdict(int)
    for r in skills.values("session_id", "session__member_id").annotate(n=Count("pk")).filter(
            n__gt=cfg["max_observed_per_session"]):
        heavy[r["session__member_id"]] += 1
    repeated = defaultdict(int)
    for r in SessionSkill.objects.filter(session__in=sessions.values("pk")).values(
            "session__member_id", "session__person_id", "skill_id").annotate(n=Count("pk")).filter(
            n__gte=cfg["repeat_threshold"]):
        repeated[r["session__member_id"]] += 1
    overlap = _overlaps(sessions.values("pk", "member_id", "date", "start_time", "minutes"))
    places = sessions.values("member_id", "village_id").annotate(n=Count("pk"))
    member_list = list(members)
    allowed = {}
    for m in member_list:
        own = {v.pk for v in m.villages.all()}
        allowed[m.pk] = own or {v.pk for v in m.team.villages.all()}
    far = defaultdict(int)
    for r in places:
        if r["member_id"] in allowed and r["village_id"] not in allowed[r["member_id"]]:
            far[r["member_id"]] += r["n"]
    recent = timezone.localdate() - datetime.timedelta(days=cfg["inactive_days"])
    active_ids = set(CoachingSession.objects.filter(commune_id=commune.pk, date__gte=recent)
                     .values_list("member_id", flat=True).distinct())
    active_ids |= set(HouseholdVisit.objects.filter(commune_id=commune.pk, date__gte=recent)
                      .values_list("member_id", flat=True).distinct())
    rows = []
    for m in member_list:
        c = counts.get(m.pk, {})
        n = c.get("sessions", 0)
        flags = []
        if overlap.get(m.pk):
            flags.append(_("%(n)d overlapping sessions") % {"n": overlap[m.pk]})
        if heavy.get(m.pk):
            flags.append(_("%(n)d sessions with too many observed skills") % {"n": heavy[m.pk]})
        if repeated.get(m.pk):
            flags.append(_("%(n)d times the same skill for the same person again and again") % {"n": repeated[m.pk]})
        if far.get(m.pk):
            flags.append(_("%(n)d sessions outside the member's villages") % {"n": far[m.pk]})
        rows.append({
            "member": m, "team": m.team, "sessions": n, "people": c.get("people", 0),
            "minutes": c.get("minutes") or 0, "observed": observed.get(m.pk, 0),
            "confirmed": c.get("confirmed", 0), "rate": round(100 * c.get("confirmed", 0) / n) if n else None,
            "flags": flags, "inactive": m.active and m.pk not in active_ids,
        })
    return rows


def team_totals(rows) -> list[dict]:
    teams: dict[int, dict] = {}
    for r in rows:
        t = teams.setdefault(r["team"].pk, {"team": r["team"], "sessions": 0, "people": 0, "observed": 0,
                                             "confirmed": 0, "flags": 0, "members": 0, "inactive": 0})
        for key in ("sessions", "people", "observed", "confirmed"):
            t[key] += r[key]
        t["flags"] += len(r["flags"])
        t["members"] += 1 if r["member"].active else 0
        t["inactive"] += 1 if r["inactive"] else 0
    for t in teams.values():
        t["rate"] = round(100 * t["confirmed"] / t["sessions"]) if t["sessions"] else None
    return sorted(teams.values(), key=lambda t: t["team"].name)


def weeks(commune: AdminUnit, start: datetime.date, end: datetime.date, team: Team | None = None) -> list[dict]:
    """Sessions, people reached and visits per team and week (Monday)."""
    sessions = CoachingSession.objects.filter(commune_id=commune.pk, date__range=(start, end))
    visits = HouseholdVisit.objects.filter(commune_id=commune.pk, date__range=(start, end))
    if team is not None:
        sessions = sessions.filter(team=team)
        visits = visits.filter(member__team=team)
    table: dict[tuple, dict] = {}
    names = dict(Team.objects.filter(commune_id=commune.pk).values_list("pk", "name"))
    for r in sessions.annotate(week=TruncWeek("date")).values("team_id", "week").annotate(
            sessions=Count("pk"), people=Count("person", distinct=True)):
        key = (r["team_id"], _day(r["week"]))
        table.setdefault(key, {"visits": 0})
        table[key].update(sessions=r["sessions"], people=r["people"])
    for r in visits.annotate(week=TruncWeek("date")).values("member__team_id", "week").annotate(n=Count("pk")):
        key = (r["member__team_id"], _day(r["week"]))
        table.setdefault(key, {"sessions": 0, "people": 0})
        table[key]["visits"] = r["n"]
    rows = []
    for (team_id, week), v in table.items():
        rows.append({"team": names.get(team_id, "—"), "week": week, "sessions": v.get("sessions", 0),
                     "people": v.get("people", 0), "visits": v.get("visits", 0)})
    return sorted(rows, key=lambda r: (r["week"], r["team"]), reverse=True)


def _day(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def villages_covered(commune: AdminUnit) -> list[dict]:
    """Per village: households, visited (any status but "not yet visited"), follow-ups due,
    and households that are "Gia đình số" (a member at level 2 or above)."""
    villages = list(AdminUnit.objects.filter(parent_id=commune.pk, level=Level.VILLAGE, valid_to__isnull=True)
                    .order_by("name_folded"))
    households = dict(Household.objects.filter(commune_id=commune.pk, valid_to__isnull=True)
                      .values("village_id").annotate(n=Count("pk")).values_list("village_id", "n"))
    statuses = {r["village_id"]: r for r in HouseholdStatus.objects.filter(commune_id=commune.pk).values(
        "village_id").annotate(
        reached=Count("pk", filter=~Q(status=VisitStatus.NOT_VISITED)),
        visited=Count("pk", filter=Q(status=VisitStatus.VISITED)),
        follow=Count("pk", filter=Q(status=VisitStatus.FOLLOW_UP)))}
    hh_ids = list(Household.objects.filter(commune_id=commune.pk, valid_to__isnull=True)
                  .values_list("pk", "village_id"))
    digital = digital_households([pk for pk, _v in hh_ids])
    digital_by_village = defaultdict(int)
    for pk, vid in hh_ids:
        if pk in digital:
            digital_by_village[vid] += 1
    rows = []
    for v in villages:
        s = statuses.get(v.pk, {})
        total = households.get(v.pk, 0)
        rows.append({"village": v, "households": total, "reached": s.get("reached", 0),
                     "visited": s.get("visited", 0), "follow": s.get("follow", 0),
                     "digital": digital_by_village.get(v.pk, 0),
                     "percent": round(100 * s.get("reached", 0) / total) if total else 0})
    return rows


def workbook(commune: AdminUnit, start, end) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Members")[:31]
    sheet.append([_("Team"), _("Member"), _("Role"), _("Sessions"), _("People coached"), _("Minutes"),
                  _("Skills observed"), _("Confirmed"), _("Confirmation rate (%)"), _("Flags"), _("No activity")])
    rows = member_activity(commune, start, end)
    for r in rows:
        sheet.append([r["team"].name, r["member"].full_name, r["member"].get_role_display(), r["sessions"],
                      r["people"], r["minutes"], r["observed"], r["confirmed"], r["rate"], "; ".join(r["flags"]),
                      _("yes") if r["inactive"] else ""])
    sheet = book.create_sheet(_("Weeks")[:31])
    sheet.append([_("Week of"), _("Team"), _("Sessions"), _("People reached"), _("Household visits")])
    for r in weeks(commune, start, end):
        sheet.append([r["week"], r["team"], r["sessions"], r["people"], r["visits"]])
        sheet.cell(row=sheet.max_row, column=1).number_format = "dd/mm/yyyy"
    sheet = book.create_sheet(_("Villages")[:31])
    sheet.append([_("Village"), _("Households"), _("Reached"), _("Visited"), _("Follow-ups"), _("Digital households"),
                  _("Reached (%)")])
    for r in villages_covered(commune):
        sheet.append([r["village"].name, r["households"], r["reached"], r["visited"], r["follow"], r["digital"],
                      r["percent"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
