"""Every change made by community digital teams: atomic, audited, and passed through the
indicators hook (`binhdan.kpi.tracking.track`), with event counts bumped.

Records made on a phone carry their own UUID: sending one twice stores it once. A visit or an
edit made on an older version of a record is kept (as a conflict) and shown to its author.
"""

from __future__ import annotations

import datetime
import secrets
import threading
import uuid as uuidlib
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext as _

from binhdan.core import audit
from binhdan.core.models import AuditLog
from binhdan.core.querysets import assignments
from binhdan.core.roles import FIELD_ROLES, Role
from binhdan.geo.models import AdminUnit, Level, Organisation
from binhdan.kpi import tracking
from binhdan.learning.models import Achievement, Skill
from binhdan.outreach.models import (
    TEAM_POLICY,
    Attendance,
    Champion,
    ClassMeeting,
    CoachingSession,
    CommunityClass,
    DeviceGift,
    HouseholdStatus,
    HouseholdVisit,
    Mode,
    SessionSkill,
    SyncConflict,
    Team,
    TeamMember,
    VisitStatus,
)
from binhdan.outreach.querysets import field_village_ids
from binhdan.people.models import Household, Person

MAX_MINUTES = 24 * 60
MAX_BATCH = 1000
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U
CODE_LENGTH = 8


_local = threading.local()


@contextmanager
def batch_tracking():
    """Inside a sync batch, one `track()` around the whole batch names every person, household
    and village the batch touches; the services then do not open their own. Event counts are
    summed per (indicator, village): `record_done()` keeps those of a stored record,
    `record_failed()` drops those of a rejected one, and they are bumped once at the end."""
    previous = getattr(_local, "batch", False)
    _local.batch, _local.pending, _local.bumps = True, [], {}
    try:
        yield
        for (code, village_id), delta in sorted(_local.bumps.items()):
            tracking.bump(code, village_id, delta)
    finally:
        _local.batch, _local.pending, _local.bumps = previous, [], {}


def record_done() -> None:
    for key in getattr(_local, "pending", []):
        _local.bumps[key] = _local.bumps.get(key, 0) + 1
    _local.pending = []


def record_failed() -> None:
    _local.pending = []


def add_bumps(pairs) -> None:
    """Event counts of records stored in bulk inside a batch."""
    for key in pairs:
        _local.bumps[key] = _local.bumps.get(key, 0) + 1


def _bump(code: str, village_id) -> None:
    if getattr(_local, "batch", False):
        _local.pending.append((code, village_id))
    else:
        tracking.bump(code, village_id)


@contextmanager
def _track(*, persons=(), households=(), villages=()):
    if getattr(_local, "batch", False):
        yield
    else:
        with tracking.track(persons=persons, households=households, villages=villages):
            yield


class OutreachError(ValueError):
    """A refusal with a message for the member; nothing was changed."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- scope ----------------------------------------------------------------------------------

def people_for(user):
    """Current people the user may coach: their field villages, or their officer subtree."""
    base = Person.objects.for_user(user, "view")
    ids = field_village_ids(user)
    if ids:
        base = base | Person.objects.filter(village_id__in=sorted(ids))
    return base.filter(valid_to__isnull=True)


def households_for(user):
    base = Household.objects.for_user(user, "view")
    ids = field_village_ids(user)
    if ids:
        base = base | Household.objects.filter(village_id__in=sorted(ids))
    return base.filter(valid_to__isnull=True)


def villages_for(user):
    """Open villages the user works in (field) or oversees (officers)."""
    ids = field_village_ids(user)
    qs = AdminUnit.objects.for_user(user, "view").filter(level=Level.VILLAGE)
    if ids:
        qs = qs | AdminUnit.objects.filter(pk__in=sorted(ids))
    return qs.filter(valid_to__isnull=True).order_by("name_folded")


def covers(user, unit: AdminUnit, roles) -> bool:
    """Does the user hold one of `roles` on `unit` or an ancestor of it?"""
    if user.is_superuser:
        return True
    return any(role in roles and unit.path.startswith(path) for role, _id, _level, path in assignments(user))


def can_manage_team(user, team: Team) -> bool:
    """Officers and organisation officers of the commune, or the team's own active leader."""
    if Team.objects.for_user(user, "change").filter(pk=team.pk).exists():
        return True
    return TeamMember.objects.filter(team=team, user=user, active=True, role=TeamMember.Role.LEADER).exists()


def member_of(user, village_id: int | None = None) -> TeamMember | None:
    """The user's active membership, preferring a team that covers `village_id`."""
    if user is None or not user.is_authenticated:
        return None
    cache_key = "_outreach_members"
    members = getattr(user, cache_key, None)
    if members is None:
        members = list(
            TeamMember.objects.filter(user=user, active=True, team__status=Team.Status.ACTIVE)
            .select_related("team").prefetch_related("team__villages", "villages")
        )
        setattr(user, cache_key, members)
    if not members:
        return None
    if village_id is not None:
        for m in members:
            if any(v.pk == village_id for v in m.villages.all()):
                return m
        for m in members:
            if any(v.pk == village_id for v in m.team.villages.all()):
                return m
    return members[0]


def _forget_scope(user) -> None:
    for attr in ("_outreach_villages", "_outreach_members"):
        if hasattr(user, attr):
            delattr(user, attr)


# --- small helpers --------------------------------------------------------------------------

def valid_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    return "".join(ch for ch in str(value or "").upper() if ch.isalnum())


def _uuid(value, required: bool = True) -> uuidlib.UUID | None:
    if value in (None, ""):
        if required:
            raise OutreachError(_("The record has no identifier."), "id")
        return None
    try:
        return value if isinstance(value, uuidlib.UUID) else uuidlib.UUID(str(value))
    except (ValueError, AttributeError, TypeError) as exc:
        raise OutreachError(_("The identifier is not valid."), "id") from exc


def _date(value, label: str, *, allow_future: bool = False) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = parse_date(str(value or ""))
        except ValueError:
            value = None
    if value is None:
        raise OutreachError(_("%(field)s is not a valid date.") % {"field": label}, "date")
    if not allow_future and value > timezone.localdate():
        raise OutreachError(_("%(field)s cannot be in the future.") % {"field": label}, "future")
    if value.year < 2000:
        raise OutreachError(_("%(field)s is not a valid date.") % {"field": label}, "date")
    return value


def _minutes(value) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError) as exc:
        raise OutreachError(_("Minutes must be a whole number."), "minutes") from exc
    if minutes <= 0 or minutes > MAX_MINUTES:
        raise OutreachError(_("Minutes must be between 1 and 1440 (one day)."), "minutes")
    return minutes


def _time(value) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value
    try:
        parsed = parse_time(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise OutreachError(_("The start time is not valid."), "time")
    return parsed


def _text(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def skills_by_code() -> dict[str, Skill]:
    return {s.code: s for s in Skill.objects.filter(active=True).select_related("level")}


def _audit_rows(user, objects) -> list[AuditLog]:
    user = user if user is not None and getattr(user, "is_authenticated", False) else None
    rows = []
    for obj in objects:
        rows.append(AuditLog(
            user=user, action=AuditLog.Action.CREATE, model=obj._meta.label_lower,
            object_id=str(getattr(obj, "uuid", None) or obj.pk), object_repr=str(obj)[:255],
            before=None, after=audit.snapshot(obj),
            province_id=getattr(obj, "province_id", None), commune_id=getattr(obj, "commune_id", None),
            village_id=getattr(obj, "village_id", None),
        ))
    return rows


def _place(obj, source) -> None:
    obj.province_id, obj.commune_id, obj.village_id = source.province_id, source.commune_id, source.village_id


# --- achievements observed in person --------------------------------------------------------

def record_observed_achievement(user, person: Person, skill: Skill, *, at=None, evidence: str = "") -> Achievement:
    """The person did `skill` on their own in front of a team member (the `user`)."""
    with transaction.atomic(), tracking.track(persons=[person.pk], households=[person.household_id],
                                              villages=[person.village_id]):
        achievement = _observed(user, person, skill, at=at, evidence=evidence)
        achievement.save()
        audit.record(user, AuditLog.Action.CREATE, achievement, after=audit.snapshot(achievement))
    return achievement


def _observed(user, person, skill, *, at=None, evidence: str = "") -> Achievement:
    achievement = Achievement(person_id=person.pk, skill=skill, method=Achievement.Method.OBSERVED,
                              evidence=evidence[:255], verified_by=user, at=at or timezone.now())
    _place(achievement, person)
    return achievement


def _at(day: datetime.date, start: datetime.time | None) -> datetime.datetime:
    moment = datetime.datetime.combine(day, start or datetime.time(12, 0))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- coaching sessions ----------------------------------------------------------------------

@dataclass
class Outcome:
    status: str  # created | duplicate | updated | conflict
    obj: object = None
    server: dict = field(default_factory=dict)


def _skill_list(items, skills: dict[str, Skill]) -> list[tuple[Skill, bool]]:
    """[(skill, observed)] from [{"code": ..., "observed": bool}] or [(code, observed)]."""
    result: dict[str, tuple[Skill, bool]] = {}
    for item in items or []:
        if isinstance(item, dict):
            code, observed = item.get("code"), bool(item.get("observed"))
        elif isinstance(item, list | tuple) and len(item) == 2:
            code, observed = item
        else:
            code, observed = item, False
        if isinstance(code, Skill):
            skill = code
        else:
            skill = skills.get(str(code))
        if skill is None:
            raise OutreachError(_("The skill “%(code)s” does not exist.") % {"code": str(code)[:64]}, "skill")
        prev = result.get(skill.code)
        result[skill.code] = (skill, bool(observed) or (prev[1] if prev else False))
    if not result:
        raise OutreachError(_("Pick at least one skill covered."), "skill")
    return list(result.values())


def log_session(user, *, person: Person, skills, date, minutes, mode: str = Mode.HOME, start_time=None,
                note: str = "", uid=None, code: str = "", community_class: CommunityClass | None = None,
                skill_map: dict[str, Skill] | None = None, first_of_person: bool | None = None) -> Outcome:
    """Record a coaching session; each skill marked observed records an Achievement
    (observed in person, verified by the user). Refuses people outside the user's villages."""
    uid = _uuid(uid, required=False) or uuidlib.uuid4()
    existing = CoachingSession.objects.filter(uuid=uid).first()
    if existing is not None:
        return Outcome("duplicate", existing)
    if person is None or not people_for(user).filter(pk=person.pk).exists():
        raise OutreachError(_("This person is not in your villages."), "scope")
    return _create_session(user, person=person, skills=skills, date=date, minutes=minutes, mode=mode,
                           start_time=start_time, note=note, uid=uid, code=code, community_class=community_class,
                           skill_map=skill_map, first_of_person=first_of_person)


def prepare_session(user, *, person, skills, date, minutes, mode, start_time, note, uid, code,
                    community_class=None, skill_map=None):
    """Check a session and build it (not saved): (session, [(skill, observed)], [achievements])."""
    day = _date(date, _("The date"))
    minutes = _minutes(minutes)
    start = _time(start_time)
    if mode not in Mode.values:
        raise OutreachError(_("Unknown place of coaching."), "mode")
    pairs = _skill_list(skills, skill_map if skill_map is not None else skills_by_code())
    member = member_of(user, person.village_id)
    code = normalise_code(code)
    if not valid_code(code):
        code = new_code()
    session = CoachingSession(
        uuid=uid, person_id=person.pk, household_id=person.household_id, member=member,
        team_id=member.team_id if member else None, coach=user, mode=mode, date=day, start_time=start,
        minutes=minutes, note=_text(note, 500), community_class=community_class, confirm_code=code,
    )
    _place(session, person)
    at = _at(day, start)
    evidence = f"coaching {uid}"
    achievements = [_observed(user, person, skill, at=at, evidence=evidence) for skill, seen in pairs if seen]
    return session, pairs, achievements


def save_sessions(user, prepared) -> None:
    """Store prepared sessions with their skills and achievements in a few bulk inserts."""
    sessions = [p[0] for p in prepared]
    CoachingSession.objects.bulk_create(sessions)
    achievements = [a for p in prepared for a in p[2]]
    if achievements:
        Achievement.objects.bulk_create(achievements)
    links = []
    for session, pairs, made in prepared:
        by_skill = {a.skill_id: a for a in made}
        links += [SessionSkill(session=session, skill=skill, observed=seen, achievement=by_skill.get(skill.pk))
                  for skill, seen in pairs]
    SessionSkill.objects.bulk_create(links)
    AuditLog.objects.bulk_create(_audit_rows(user, [*sessions, *achievements]))


def _create_session(user, *, person, skills, date, minutes, mode, start_time, note, uid, code, community_class,
                    skill_map, first_of_person) -> Outcome:
    prepared = prepare_session(user, person=person, skills=skills, date=date, minutes=minutes, mode=mode,
                               start_time=start_time, note=note, uid=uid, code=code,
                               community_class=community_class, skill_map=skill_map)
    session = prepared[0]
    if first_of_person is None:
        first_of_person = not CoachingSession.objects.filter(person_id=person.pk).exists()
    with transaction.atomic(), _track(persons=[person.pk], households=[person.household_id],
                                      villages=[person.village_id]):
        try:
            with transaction.atomic():
                session.save()
        except IntegrityError:
            if CoachingSession.objects.filter(uuid=uid).exists():
                return Outcome("duplicate", CoachingSession.objects.get(uuid=uid))
            session.confirm_code = new_code()
            session.save()
        achievements = prepared[2]
        if achievements:
            Achievement.objects.bulk_create(achievements)
        by_skill = {a.skill_id: a for a in achievements}
        SessionSkill.objects.bulk_create([
            SessionSkill(session=session, skill=skill, observed=seen, achievement=by_skill.get(skill.pk))
            for skill, seen in prepared[1]
        ])
        AuditLog.objects.bulk_create(_audit_rows(user, [session, *achievements]))
        _bump("coaching_sessions", person.village_id)
        if first_of_person:
            _bump("people_coached", person.village_id)
    return Outcome("created", session)


EDITABLE_SESSION_FIELDS = ("minutes", "note", "mode", "start_time")


def session_state(session: CoachingSession) -> dict:
    return {"version": session.version, "minutes": session.minutes, "note": session.note, "mode": session.mode,
            "start_time": session.start_time.strftime("%H:%M") if session.start_time else None,
            "confirmed": session.confirmed}


def edit_session(user, session: CoachingSession, *, base_version, changes: dict) -> Outcome:
    """Change a session's minutes, note, place or start time. An edit made on an older version
    is kept as a conflict (shown to the member) and the newer server state stays."""
    if not CoachingSession.objects.for_user(user, "change").filter(pk=session.pk).exists():
        raise OutreachError(_("You may not change this session."), "scope")
    clean = {}
    if "minutes" in changes:
        clean["minutes"] = _minutes(changes["minutes"])
    if "note" in changes:
        clean["note"] = _text(changes["note"], 500)
    if "mode" in changes:
        if changes["mode"] not in Mode.values:
            raise OutreachError(_("Unknown place of coaching."), "mode")
        clean["mode"] = changes["mode"]
    if "start_time" in changes:
        clean["start_time"] = _time(changes["start_time"])
    with transaction.atomic():
        session = CoachingSession.objects.select_for_update().get(pk=session.pk)
        try:
            base = int(base_version)
        except (TypeError, ValueError) as exc:
            raise OutreachError(_("The record's version is missing."), "version") from exc
        if base != session.version:
            conflict = _conflict(user, "session", session.uuid, changes, session_state(session), session)
            return Outcome("conflict", conflict, session_state(session))
        before = audit.snapshot(session)
        for key, value in clean.items():
            setattr(session, key, value)
        session.version += 1
        session.save()
        audit.record(user, AuditLog.Action.UPDATE, session, before=before, after=audit.snapshot(session))
    return Outcome("updated", session, session_state(session))


def _conflict(user, kind: str, record, sent: dict, server: dict, placed) -> SyncConflict:
    clean_sent = {k: (str(v) if isinstance(v, datetime.date | datetime.time | uuidlib.UUID) else v)
                  for k, v in sent.items()}
    conflict = SyncConflict(user=user, kind=kind, record=record, sent=clean_sent, server=server)
    _place(conflict, placed)
    conflict.save()
    audit.record(user, AuditLog.Action.CREATE, conflict, after=audit.snapshot(conflict))
    return conflict


def resolve_conflict(user, conflict: SyncConflict) -> SyncConflict:
    if conflict.user_id != user.pk:
        raise OutreachError(_("This conflict is not yours."), "scope")
    conflict.resolved_at = timezone.now()
    audit.audited_save(user, conflict, note="resolved")
    return conflict


def confirm_session(code: str, via: str = CoachingSession.Confirmation.CODE) -> CoachingSession | None:
    """The learner confirms a session with its short code (typed, or from the QR code)."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    if via not in CoachingSession.Confirmation.values:
        via = CoachingSession.Confirmation.CODE
    session = CoachingSession.objects.filter(confirm_code=code).first()
    if session is None:
        return None
    if session.confirmed_at is not None:
        return session
    with transaction.atomic(), tracking.track(persons=[session.person_id], villages=[session.village_id]):
        session = CoachingSession.objects.select_for_update().get(pk=session.pk)
        if session.confirmed_at is not None:
            return session
        before = audit.snapshot(session)
        session.confirmed_at, session.confirmed_via = timezone.now(), via
        session.save(update_fields=["confirmed_at", "confirmed_via", "updated_at"])
        audit.record(None, AuditLog.Action.UPDATE, session, before=before, after=audit.snapshot(session),
                     note="confirmed by learner")
        tracking.bump("confirmed_sessions", session.village_id)
    return session


# --- people added in the field --------------------------------------------------------------

def add_person(user, *, full_name: str, village: AdminUnit, birth_year=None, sex: str = "",
               household: Household | None = None, address: str = "", uid=None) -> Outcome:
    """A person met in the field who is not yet in the register, in a few fields."""
    from binhdan.core.text import clean_name
    from binhdan.people import services as people_services

    uid = _uuid(uid, required=False) or uuidlib.uuid4()
    existing = Person.objects.filter(uuid=uid).first()
    if existing is not None:
        return Outcome("duplicate", existing)
    if village is None or village.level != Level.VILLAGE or not villages_for(user).filter(pk=village.pk).exists():
        raise OutreachError(_("This village is not one of yours."), "scope")
    name = clean_name(full_name)
    if len(name) < 2:
        raise OutreachError(_("Write the person's full name."), "name")
    year = None
    if birth_year not in (None, ""):
        try:
            year = int(birth_year)
        except (TypeError, ValueError) as exc:
            raise OutreachError(_("The year of birth is not valid."), "birth_year") from exc
        if year < 1900 or year > timezone.localdate().year:
            raise OutreachError(_("The year of birth is not valid."), "birth_year")
    if sex not in ("", "M", "F"):
        raise OutreachError(_("Unknown sex."), "sex")
    if household is not None and household.village_id != village.pk:
        raise OutreachError(_("The household is not in this village."), "household")
    with transaction.atomic(), tracking.track(households=[household.pk if household else None],
                                              villages=[village.pk]) as tracker:
        person = Person(uuid=uid)
        new_household = household is None
        person = people_services.save_person(
            user, person, village=village,
            data={"full_name": name, "birth_year": year, "sex": sex,
                  "relation": Person.Relation.HEAD if new_household else Person.Relation.OTHER},
            household=household, new_household=new_household, note="added in the field",
        )
        # Created inside the block: they contributed nothing before it.
        tracker.add(persons=[person.pk], households=[person.household_id] if new_household else [])
        if new_household and address:
            hh = Household.objects.get(pk=person.household_id)
            hh.address = _text(address, 255)
            audit.audited_save(user, hh, note="address")
    _forget_scope(user)
    return Outcome("created", person)


# --- household visits -----------------------------------------------------------------------

def status_state(st: HouseholdStatus | None) -> dict:
    if st is None:
        return {"version": 0, "status": VisitStatus.NOT_VISITED, "follow_up_on": None}
    return {"version": st.version, "status": st.status,
            "follow_up_on": st.follow_up_on.isoformat() if st.follow_up_on else None}


def check_visit(*, status: str, date, follow_up_on=None, base_version=None):
    """(status, day, follow-up date, base version) of a visit, or OutreachError."""
    if status not in VisitStatus.values or status == VisitStatus.NOT_VISITED:
        raise OutreachError(_("Unknown visit status."), "status")
    day = _date(date, _("The date"))
    follow = None
    if status == VisitStatus.FOLLOW_UP:
        if follow_up_on in (None, ""):
            raise OutreachError(_("Give the date of the follow-up."), "follow_up")
        follow = _date(follow_up_on, _("The follow-up date"), allow_future=True)
        if follow < day:
            raise OutreachError(_("The follow-up date is before the visit."), "follow_up")
    base = None
    if base_version not in (None, ""):
        try:
            base = int(base_version)
        except (TypeError, ValueError) as exc:
            raise OutreachError(_("The record's version is missing."), "version") from exc
    return status, day, follow, base


def apply_visit(user, household, st: HouseholdStatus | None, *, status, day, follow, base, note, uid):
    """Build the visit and move the status in memory: (visit, status row, conflict or None)."""
    if st is None:
        st = HouseholdStatus(household=household, version=0)
        _place(st, household)
    conflict = base is not None and base < st.version
    visit = HouseholdVisit(uuid=uid, household=household, member=member_of(user, household.village_id), by=user,
                           date=day, status=status, follow_up_on=follow, note=_text(note, 255), base_version=base,
                           conflict=conflict)
    _place(visit, household)
    if conflict:
        sent = {"household": str(household.uuid), "status": status, "date": day.isoformat(),
                "follow_up_on": follow.isoformat() if follow else None, "note": note, "base_version": base}
        record = SyncConflict(user=user, kind="visit", record=uid, sent=sent, server=status_state(st))
        _place(record, household)
        return visit, st, record
    st.status, st.follow_up_on, st.updated_by = status, follow, user
    st.last_visit_on = max(day, st.last_visit_on) if st.last_visit_on else day
    st.version += 1
    st.updated_at = timezone.now()
    return visit, st, None


def record_visit(user, *, household: Household, status: str, date, follow_up_on=None, note: str = "",
                 uid=None, base_version=None) -> Outcome:
    """A knock on a door. The household's status follows unless the visit was made on an older
    version of it: then the visit is kept, marked as a conflict, and shown to the member."""
    uid = _uuid(uid, required=False) or uuidlib.uuid4()
    existing = HouseholdVisit.objects.filter(uuid=uid).first()
    if existing is not None:
        return Outcome("conflict" if existing.conflict else "duplicate", existing)
    if household is None or not households_for(user).filter(pk=household.pk).exists():
        raise OutreachError(_("This household is not in your villages."), "scope")
    status, day, follow, base = check_visit(status=status, date=date, follow_up_on=follow_up_on,
                                            base_version=base_version)
    with transaction.atomic(), _track(households=[household.pk], villages=[household.village_id]):
        st = HouseholdStatus.objects.select_for_update().filter(household=household).first()
        before = audit.snapshot(st) if st is not None else None
        visit, st, conflict = apply_visit(user, household, st, status=status, day=day, follow=follow, base=base,
                                          note=note, uid=uid)
        visit.save()
        if conflict is not None:
            conflict.save()
            AuditLog.objects.bulk_create(_audit_rows(user, [visit, conflict]))
            return Outcome("conflict", visit, conflict.server)
        st.save()
        rows = _audit_rows(user, [visit, st])
        if before:
            rows[1].action, rows[1].before = AuditLog.Action.UPDATE, before
        AuditLog.objects.bulk_create(rows)
    return Outcome("created", visit, status_state(st))


# --- community classes and clubs ------------------------------------------------------------

def save_class(user, klass: CommunityClass | None, *, name: str, kind: str, village: AdminUnit, venue: str,
               schedule: str = "", organiser: Organisation | None = None, team: Team | None = None,
               tutors=(), skills=()) -> CommunityClass:
    if not villages_for(user).filter(pk=village.pk).exists():
        raise OutreachError(_("This village is not one of yours."), "scope")
    if kind not in CommunityClass.Kind.values:
        raise OutreachError(_("Unknown kind of class."), "kind")
    if not _text(name, 200):
        raise OutreachError(_("Give the class a name."), "name")
    with transaction.atomic():
        klass = klass or CommunityClass()
        klass.name, klass.kind, klass.venue = _text(name, 200), kind, _text(venue, 200)
        klass.schedule, klass.organiser, klass.team = _text(schedule, 200), organiser, team
        klass.set_place(village)
        audit.audited_save(user, klass)
        klass.tutors.set(list(tutors))
        klass.skills.set(list(skills))
    return klass


def enrol(user, klass: CommunityClass, person: Person) -> None:
    if not people_for(user).filter(pk=person.pk).exists():
        raise OutreachError(_("This person is not in your villages."), "scope")
    with transaction.atomic():
        klass.learners.add(person)
        audit.record(user, AuditLog.Action.UPDATE, klass, note=f"enrolled {person.uuid}")


def record_meeting(user, klass: CommunityClass, *, date, minutes, attendance, note: str = "", uid=None,
                   skill_map: dict[str, Skill] | None = None) -> Outcome:
    """A class meeting with who came and, per learner, the skills they did on their own
    (each recorded as an Achievement observed in person, like the coaching log).

    `attendance` is [(person, [skill codes observed])]; people must be enrolled."""
    uid = _uuid(uid, required=False) or uuidlib.uuid4()
    existing = ClassMeeting.objects.filter(uuid=uid).first()
    if existing is not None:
        return Outcome("duplicate", existing)
    if not CommunityClass.objects.for_user(user, "change").filter(pk=klass.pk).exists():
        raise OutreachError(_("This class is not in your villages."), "scope")
    day = _date(date, _("The date"))
    minutes = _minutes(minutes)
    skills = skill_map if skill_map is not None else skills_by_code()
    enrolled = set(klass.learners.values_list("pk", flat=True))
    rows = []
    for person, codes in attendance:
        if person is None or person.pk not in enrolled:
            raise OutreachError(_("A learner is not enrolled in this class."), "learner")
        observed = []
        for code in codes or []:
            skill = code if isinstance(code, Skill) else skills.get(str(code))
            if skill is None:
                raise OutreachError(_("The skill “%(code)s” does not exist.") % {"code": str(code)[:64]}, "skill")
            observed.append(skill)
        rows.append((person, observed))
    persons = [p for p, _ in rows]
    with transaction.atomic(), _track(persons=[p.pk for p in persons],
                                              households=[p.household_id for p in persons],
                                              villages=sorted({klass.village_id, *(p.village_id for p in persons)})):
        meeting = ClassMeeting(uuid=uid, community_class=klass, date=day, minutes=minutes, note=_text(note, 255),
                               recorded_by=user)
        _place(meeting, klass)
        meeting.save()
        at = _at(day, None)
        achievements = []
        for person, observed in rows:
            att = Attendance.objects.create(meeting=meeting, person=person)
            if observed:
                att.observed.set(observed)
                achievements += [_observed(user, person, s, at=at, evidence=f"class meeting {uid}") for s in observed]
        if achievements:
            Achievement.objects.bulk_create(achievements)
        AuditLog.objects.bulk_create(_audit_rows(user, [meeting, *achievements]))
        _bump("classes_held", klass.village_id)
    return Outcome("created", meeting)


# --- device reuse drive ---------------------------------------------------------------------

def record_device(user, *, household: Household, donor: str, device: str, condition: str, given_on,
                  recipient: Person | None = None, note: str = "", uid=None) -> Outcome:
    uid = _uuid(uid, required=False) or uuidlib.uuid4()
    existing = DeviceGift.objects.filter(uuid=uid).first()
    if existing is not None:
        return Outcome("duplicate", existing)
    if household is None or not households_for(user).filter(pk=household.pk).exists():
        raise OutreachError(_("This household is not in your villages."), "scope")
    if recipient is not None and recipient.household_id != household.pk:
        raise OutreachError(_("The person who received it is not in this household."), "recipient")
    if condition not in DeviceGift.Condition.values:
        raise OutreachError(_("Unknown condition."), "condition")
    if not _text(donor, 200) or not _text(device, 120):
        raise OutreachError(_("Say who gave the device and what it is."), "donor")
    day = _date(given_on, _("The date"))
    with transaction.atomic(), _track(persons=[recipient.pk if recipient else None],
                                              households=[household.pk], villages=[household.village_id]):
        gift = DeviceGift(uuid=uid, household=household, recipient=recipient, donor=_text(donor, 200),
                          device=_text(device, 120), condition=condition, given_on=day, note=_text(note, 255),
                          recorded_by=user)
        _place(gift, household)
        gift.save()
        audit.record(user, AuditLog.Action.CREATE, gift, after=audit.snapshot(gift))
        _bump("devices_given", household.village_id)
    return Outcome("created", gift)


# --- teams ----------------------------------------------------------------------------------

def _check_villages(commune: AdminUnit, villages) -> list[AdminUnit]:
    villages = list(villages)
    if not villages:
        raise OutreachError(_("A team covers at least one village."), "villages")
    for v in villages:
        if v.level != Level.VILLAGE or v.commune_id != commune.pk or v.valid_to is not None:
            raise OutreachError(_("A team covers open villages of its own commune."), "villages")
    return villages


def create_team(user, commune: AdminUnit, *, name: str, villages, founded_on, kind: str = Team.Kind.COMMUNITY,
                organisation: Organisation | None = None, reports_to: Organisation | None = None,
                note: str = "") -> Team:
    if commune.level != Level.COMMUNE or not covers(user, commune, TEAM_POLICY["change"]):
        raise OutreachError(_("You may not set up teams in this commune."), "scope")
    villages = _check_villages(commune, villages)
    if not _text(name, 200):
        raise OutreachError(_("Give the team a name."), "name")
    if kind not in Team.Kind.values:
        raise OutreachError(_("Unknown kind of team."), "kind")
    if Team.objects.filter(commune=commune, name=_text(name, 200)).exists():
        raise OutreachError(_("The commune already has a team with this name."), "name")
    day = _date(founded_on, _("The founding date"))
    with transaction.atomic(), tracking.track(villages=[v.pk for v in villages]):
        team = Team(name=_text(name, 200), kind=kind, founded_on=day, organisation=organisation,
                    reports_to=reports_to, note=_text(note, 255))
        team.set_place(commune)
        audit.audited_save(user, team)
        team.villages.set(villages)
        audit.record(user, AuditLog.Action.UPDATE, team, note="villages " + ",".join(v.code for v in villages))
    return team


def update_team(user, team: Team, *, name: str | None = None, villages=None, status: str | None = None,
                organisation=..., reports_to=..., note: str | None = None, on=None) -> Team:
    """Change a team: its name, villages covered, status (closing it records the date)."""
    if not Team.objects.for_user(user, "change").filter(pk=team.pk).exists():
        raise OutreachError(_("You may not change this team."), "scope")
    commune = AdminUnit.objects.get(pk=team.commune_id)
    old = set(team.villages.values_list("pk", flat=True))
    new_villages = _check_villages(commune, villages) if villages is not None else None
    touched = old | {v.pk for v in new_villages or []}
    if status is not None and status not in Team.Status.values:
        raise OutreachError(_("Unknown status."), "status")
    with transaction.atomic(), tracking.track(villages=sorted(touched)):
        team = Team.objects.select_for_update().get(pk=team.pk)
        if name is not None:
            name = _text(name, 200)
            if not name:
                raise OutreachError(_("Give the team a name."), "name")
            if Team.objects.filter(commune_id=team.commune_id, name=name).exclude(pk=team.pk).exists():
                raise OutreachError(_("The commune already has a team with this name."), "name")
            team.name = name
        if organisation is not ...:
            team.organisation = organisation
        if reports_to is not ...:
            team.reports_to = reports_to
        if note is not None:
            team.note = _text(note, 255)
        if status is not None and status != team.status:
            team.status = status
            team.closed_on = (_date(on, _("The date")) if on else timezone.localdate()) \
                if status == Team.Status.CLOSED else None
        audit.audited_save(user, team)
        if new_villages is not None and {v.pk for v in new_villages} != old:
            team.villages.set(new_villages)
            audit.record(user, AuditLog.Action.UPDATE, team,
                         note="villages " + ",".join(v.code for v in new_villages))
    return team


def close_team(user, team: Team, on=None) -> Team:
    return update_team(user, team, status=Team.Status.CLOSED, on=on)


def add_member(user, team: Team, *, full_name: str = "", person: Person | None = None, account=None,
               role: str = TeamMember.Role.MEMBER, joined_on=None) -> TeamMember:
    if not can_manage_team(user, team):
        raise OutreachError(_("You may not change this team."), "scope")
    if role not in TeamMember.Role.values:
        raise OutreachError(_("Unknown role."), "role")
    name = _text(full_name, 150) or (person.full_name if person else "") or (account.display_name() if account
                                                                             else "")
    if not name:
        raise OutreachError(_("Write the member's full name."), "name")
    if person is not None and person.commune_id != team.commune_id:
        raise OutreachError(_("The member lives outside the team's commune."), "person")
    day = _date(joined_on or timezone.localdate(), _("The date"))
    with transaction.atomic(), tracking.track(villages=list(team.villages.values_list("pk", flat=True))):
        member = TeamMember(team=team, person=person, user=account, full_name=name, role=role, joined_on=day)
        _place(member, team)
        while True:
            member.confirm_code = new_code()
            if not TeamMember.objects.filter(confirm_code=member.confirm_code).exists():
                break
        audit.audited_save(user, member)
        if account is not None:
            _forget_scope(account)
    return member


def assign_member(user, member: TeamMember, *, villages=(), households=()) -> TeamMember:
    """The leader assigns a member to villages, or to a list of households."""
    team = member.team
    if not can_manage_team(user, team):
        raise OutreachError(_("You may not change this team."), "scope")
    covered = set(team.villages.values_list("pk", flat=True))
    villages, households = list(villages), list(households)
    if any(v.pk not in covered for v in villages) or any(h.village_id not in covered for h in households):
        raise OutreachError(_("Assign only villages and households the team covers."), "villages")
    with transaction.atomic():
        member.villages.set(villages)
        member.households.set(households)
        audit.record(user, AuditLog.Action.UPDATE, member,
                     note=f"assigned {len(villages)} villages, {len(households)} households")
    return member


def end_membership(user, member: TeamMember, on=None) -> TeamMember:
    if not can_manage_team(user, member.team):
        raise OutreachError(_("You may not change this team."), "scope")
    with transaction.atomic(), tracking.track(villages=list(member.team.villages.values_list("pk", flat=True))):
        member.active = False
        member.left_on = _date(on or timezone.localdate(), _("The date"))
        audit.audited_save(user, member, note="left")
    return member


def recognise_champion(user, member: TeamMember, *, on, by: Organisation | None = None, by_name: str = "",
                       note: str = "") -> Champion:
    """Recognise a member as a village digital champion (Người bản số)."""
    if not Team.objects.for_user(user, "change").filter(pk=member.team_id).exists():
        raise OutreachError(_("You may not recognise champions for this team."), "scope")
    day = _date(on, _("The date"))
    if not by and not _text(by_name, 200):
        raise OutreachError(_("Say which unit recognised the champion."), "by")
    village_id = (member.person.village_id if member.person_id else None) or \
        member.team.villages.values_list("pk", flat=True).first()
    with transaction.atomic(), tracking.track(persons=[member.person_id], villages=[village_id]):
        champion = Champion(member=member, recognised_on=day, recognised_by=by,
                            recognised_by_name=_text(by_name, 200) or (by.name if by else ""), note=_text(note, 255))
        champion.province_id, champion.commune_id, champion.village_id = (member.province_id, member.commune_id,
                                                                          village_id)
        audit.audited_save(user, champion)
        if village_id:
            tracking.bump("champions_recognised", village_id)
    return champion


def field_roles(user) -> bool:
    return any(role in FIELD_ROLES for role, *_ in assignments(user))


def is_officer(user) -> bool:
    return user.is_superuser or any(role in {Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER,
                                             Role.ORGANISATION_OFFICER} for role, *_ in assignments(user))
