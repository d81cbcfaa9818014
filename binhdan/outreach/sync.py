"""Field sync: the queue a phone kept while offline, sent as one batch.

Each record is {"kind": ..., "id": <uuid made on the phone>, ...}. Good records are stored,
bad ones are rejected with a reason, and a record sent again is reported as a duplicate and
stored nothing new. Each record runs in its own savepoint, so one bad record never undoes the
others; the batch shares one transaction, so it commits once.

Kinds: person, visit, session, session_edit, meeting, device (processed in this order, so a
session may name a person added in the same batch).
"""

from __future__ import annotations

import uuid as uuidlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from binhdan.core import audit
from binhdan.core.models import AuditLog
from binhdan.kpi import tracking
from binhdan.outreach import services
from binhdan.outreach.models import (
    ClassMeeting,
    CoachingSession,
    CommunityClass,
    DeviceGift,
    HouseholdStatus,
    HouseholdVisit,
    SyncConflict,
)
from binhdan.outreach.services import MAX_BATCH, OutreachError
from binhdan.people.models import Household, Person

ORDER = {"person": 0, "visit": 1, "session": 2, "session_edit": 3, "meeting": 4, "device": 5}


def _id(record) -> uuidlib.UUID | None:
    try:
        return uuidlib.UUID(str(record.get("id")))
    except (ValueError, TypeError, AttributeError):
        return None


def apply_batch(user, records) -> list[dict]:
    if not isinstance(records, list):
        raise OutreachError(_("The batch must be a list of records."), "batch")
    if len(records) > MAX_BATCH:
        raise OutreachError(_("Send at most %(n)d records at a time.") % {"n": MAX_BATCH}, "batch")
    results: list[dict | None] = [None] * len(records)
    work = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            results[i] = {"id": None, "kind": None, "status": "rejected", "reason": _("Not a record.")}
            continue
        kind, uid = record.get("kind"), _id(record)
        if kind not in ORDER:
            results[i] = {"id": str(record.get("id", ""))[:40], "kind": str(kind)[:20], "status": "rejected",
                          "reason": _("Unknown kind of record.")}
            continue
        if uid is None:
            results[i] = {"id": str(record.get("id", ""))[:40], "kind": kind, "status": "rejected",
                          "reason": _("The identifier is not valid.")}
            continue
        work.append((ORDER[kind], i, kind, uid, record))
    work.sort(key=lambda w: (w[0], w[1]))
    ctx = _Context(user, [w[4] for w in work])

    def run(items):
        for _order, i, kind, uid, record in items:
            try:
                with transaction.atomic():
                    outcome = getattr(ctx, "do_" + kind)(uid, record)
                services.record_done()
                results[i] = {"id": str(uid), "kind": kind, "status": outcome.status, **_extra(outcome)}
            except IntegrityError:
                # Stored meanwhile by another request (the same queue sent twice at once)?
                services.record_failed()
                seen = _exists(kind, uid)
                results[i] = {"id": str(uid), "kind": kind, "status": "duplicate" if seen else "retry",
                              "reason": "" if seen else _("Could not be stored now; it will be sent again.")}
            except OutreachError as exc:
                services.record_failed()
                results[i] = {"id": str(uid), "kind": kind, "status": "rejected", "reason": exc.message,
                              "code": exc.code}

    with transaction.atomic():
        # People first, each with its own tracking (they do not exist before); then everything
        # else under one track() naming every person, household and village the batch touches.
        run([w for w in work if w[2] == "person"])
        rest = [w for w in work if w[2] != "person"]
        if rest:
            persons = list(ctx.people.values())
            households = {h.pk for h in ctx.households.values()} | {p.household_id for p in persons}
            villages = {h.village_id for h in ctx.households.values()} | {p.village_id for p in persons}
            with tracking.track(persons=[p.pk for p in persons], households=sorted(h for h in households if h),
                                villages=sorted(v for v in villages if v)), services.batch_tracking():
                ctx.bulk([w for w in rest if w[2] in ("visit", "session")], results)
                run([w for w in rest if w[2] not in ("visit", "session")])
    return results


def _extra(outcome) -> dict:
    extra = {}
    if outcome.server:
        extra["server"] = outcome.server
    obj = outcome.obj
    if isinstance(obj, CoachingSession):
        extra["code"] = obj.confirm_code
        extra["version"] = obj.version
    return extra


class _Context:
    """What a batch needs, fetched once: existing ids, people, households, skills."""

    def __init__(self, user, records):
        self.user = user
        self.skills = services.skills_by_code()
        ids = {str(r.get("id")) for r in records}
        person_ids, household_ids = set(), set()
        for r in records:
            for key in ("person", "recipient"):
                if r.get(key):
                    person_ids.add(str(r[key]))
            if r.get("household"):
                household_ids.add(str(r["household"]))
            rows = r.get("attendance")
            for a in rows if isinstance(rows, list) else []:
                if isinstance(a, dict) and a.get("person"):
                    person_ids.add(str(a["person"]))
        self.sessions_seen = set(CoachingSession.objects.filter(uuid__in=_uuids(ids)).values_list("uuid", flat=True))
        codes = {services.normalise_code(r.get("code")) for r in records if r.get("kind") == "session"}
        self.codes_taken = set(CoachingSession.objects.filter(confirm_code__in=sorted(codes - {""}))
                               .values_list("confirm_code", flat=True))
        self.visits_seen = dict(HouseholdVisit.objects.filter(uuid__in=_uuids(ids)).values_list("uuid", "conflict"))
        self.people = {p.uuid: p for p in services.people_for(user).filter(uuid__in=_uuids(person_ids))}
        self.households = {h.uuid: h for h in services.households_for(user).filter(uuid__in=_uuids(household_ids))}
        pids = [p.pk for p in self.people.values()]
        self.coached = set(CoachingSession.objects.filter(person_id__in=pids).values_list("person_id", flat=True)
                           .distinct())
        self.villages = None

    def bulk(self, items, results) -> None:
        """Sessions and visits: checked one by one in memory, then stored in a few bulk inserts.
        A rejected record writes nothing; nothing is written before every record was checked."""
        if not items:
            return
        user = self.user
        hh_ids = set()
        for _o, _i, kind, _uid, r in items:
            if kind == "visit":
                try:
                    household = self.households.get(uuidlib.UUID(str(r.get("household"))))
                except ValueError:
                    household = None
                if household is not None:
                    hh_ids.add(household.pk)
        statuses = {st.household_id: st for st in
                    HouseholdStatus.objects.select_for_update().filter(household_id__in=sorted(hh_ids))}
        before = {hid: audit.snapshot(st) for hid, st in statuses.items()}
        prepared, visits, conflicts, moved, bumps = [], [], [], set(), []
        for _o, i, kind, uid, r in items:
            try:
                if kind == "session":
                    if uid in self.sessions_seen:
                        results[i] = {"id": str(uid), "kind": kind, "status": "duplicate"}
                        continue
                    person = self._person(r.get("person"))
                    code = services.normalise_code(r.get("code", ""))
                    if not services.valid_code(code) or code in self.codes_taken:
                        code = ""
                    while not code or code in self.codes_taken:
                        code = services.new_code()
                    made = services.prepare_session(
                        user, person=person, skills=r.get("skills"), date=r.get("date"), minutes=r.get("minutes"),
                        mode=r.get("mode") or "home", start_time=r.get("start_time"), note=r.get("note", ""),
                        uid=uid, code=code, skill_map=self.skills)
                    prepared.append(made)
                    self.codes_taken.add(code)
                    self.sessions_seen.add(uid)
                    bumps.append(("coaching_sessions", person.village_id))
                    if person.pk not in self.coached:
                        bumps.append(("people_coached", person.village_id))
                        self.coached.add(person.pk)
                    results[i] = {"id": str(uid), "kind": kind, "status": "created", "code": code, "version": 1}
                else:
                    if uid in self.visits_seen:
                        results[i] = {"id": str(uid), "kind": kind,
                                      "status": "conflict" if self.visits_seen[uid] else "duplicate"}
                        continue
                    household = self._household(r.get("household"))
                    status, day, follow, base = services.check_visit(
                        status=r.get("status"), date=r.get("date"), follow_up_on=r.get("follow_up_on"),
                        base_version=r.get("base_version"))
                    visit, st, conflict = services.apply_visit(
                        user, household, statuses.get(household.pk), status=status, day=day, follow=follow,
                        base=base, note=r.get("note", ""), uid=uid)
                    statuses[household.pk] = st
                    visits.append(visit)
                    self.visits_seen[uid] = conflict is not None
                    if conflict is not None:
                        conflicts.append(conflict)
                        results[i] = {"id": str(uid), "kind": kind, "status": "conflict", "server": conflict.server}
                    else:
                        moved.add(household.pk)
                        results[i] = {"id": str(uid), "kind": kind, "status": "created",
                                      "server": services.status_state(st)}
            except OutreachError as exc:
                results[i] = {"id": str(uid), "kind": kind, "status": "rejected", "reason": exc.message,
                              "code": exc.code}
        if prepared:
            services.save_sessions(user, prepared)
        if visits:
            HouseholdVisit.objects.bulk_create(visits)
        new = [statuses[h] for h in sorted(moved) if statuses[h].pk is None]
        old = [statuses[h] for h in sorted(moved) if statuses[h].pk is not None]
        if new:
            HouseholdStatus.objects.bulk_create(new)
        if old:
            HouseholdStatus.objects.bulk_update(old, ["status", "follow_up_on", "last_visit_on", "updated_by",
                                                      "version", "updated_at"])
        if conflicts:
            SyncConflict.objects.bulk_create(conflicts)
        rows = services._audit_rows(user, [*visits, *new, *conflicts])
        for st, row in zip(old, services._audit_rows(user, old), strict=True):
            row.action, row.before = AuditLog.Action.UPDATE, before.get(st.household_id)
            rows.append(row)
        if rows:
            AuditLog.objects.bulk_create(rows)
        services.add_bumps(bumps)

    def _person(self, value, required=True) -> Person | None:
        if value in (None, ""):
            if required:
                raise OutreachError(_("Pick the person."), "person")
            return None
        try:
            key = uuidlib.UUID(str(value))
        except ValueError as exc:
            raise OutreachError(_("This person is not in your villages."), "scope") from exc
        person = self.people.get(key)
        if person is None:
            raise OutreachError(_("This person is not in your villages."), "scope")
        return person

    def _household(self, value, required=True) -> Household | None:
        if value in (None, ""):
            if required:
                raise OutreachError(_("Pick the household."), "household")
            return None
        try:
            key = uuidlib.UUID(str(value))
        except ValueError as exc:
            raise OutreachError(_("This household is not in your villages."), "scope") from exc
        household = self.households.get(key)
        if household is None:
            raise OutreachError(_("This household is not in your villages."), "scope")
        return household

    def do_person(self, uid, r):
        if self.villages is None:
            self.villages = {v.code: v for v in services.villages_for(self.user)}
        village = self.villages.get(str(r.get("village") or ""))
        if village is None:
            raise OutreachError(_("This village is not one of yours."), "scope")
        household = self._household(r.get("household"), required=False)
        outcome = services.add_person(self.user, full_name=r.get("full_name", ""), village=village,
                                      birth_year=r.get("birth_year"), sex=r.get("sex") or "", household=household,
                                      address=r.get("address", ""), uid=uid)
        person = outcome.obj
        if isinstance(person, Person) and services.people_for(self.user).filter(pk=person.pk).exists():
            self.people[person.uuid] = person
        return outcome

    def do_session_edit(self, uid, r):
        session = CoachingSession.objects.for_user(self.user, "change").filter(uuid=uid).first()
        if session is None:
            raise OutreachError(_("You may not change this session."), "scope")
        changes = {k: r[k] for k in services.EDITABLE_SESSION_FIELDS if k in r}
        return services.edit_session(self.user, session, base_version=r.get("base_version"), changes=changes)

    def do_meeting(self, uid, r):
        if ClassMeeting.objects.filter(uuid=uid).exists():
            return services.Outcome("duplicate")
        try:
            klass_id = uuidlib.UUID(str(r.get("class")))
        except ValueError as exc:
            raise OutreachError(_("This class is not in your villages."), "scope") from exc
        klass = CommunityClass.objects.for_user(self.user, "change").filter(uuid=klass_id).first()
        if klass is None:
            raise OutreachError(_("This class is not in your villages."), "scope")
        rows = r.get("attendance")
        if not isinstance(rows, list):
            raise OutreachError(_("The attendance list is missing."), "attendance")
        attendance = []
        enrolled = {p.uuid: p for p in klass.learners.all()}
        for row in rows:
            if not isinstance(row, dict):
                raise OutreachError(_("The attendance list is missing."), "attendance")
            try:
                person = enrolled.get(uuidlib.UUID(str(row.get("person"))))
            except ValueError:
                person = None
            if person is None:
                raise OutreachError(_("A learner is not enrolled in this class."), "learner")
            attendance.append((person, row.get("observed") or []))
        return services.record_meeting(self.user, klass, date=r.get("date"), minutes=r.get("minutes"),
                                       attendance=attendance, note=r.get("note", ""), uid=uid,
                                       skill_map=self.skills)

    def do_device(self, uid, r):
        if DeviceGift.objects.filter(uuid=uid).exists():
            return services.Outcome("duplicate")
        household = self._household(r.get("household"))
        recipient = self._person(r.get("recipient"), required=False)
        return services.record_device(self.user, household=household, recipient=recipient, donor=r.get("donor"),
                                      device=r.get("device"), condition=r.get("condition"),
                                      given_on=r.get("given_on"), note=r.get("note", ""), uid=uid)


def _exists(kind, uid) -> bool:
    model = {"session": CoachingSession, "visit": HouseholdVisit, "meeting": ClassMeeting, "device": DeviceGift,
             "person": Person}.get(kind)
    return bool(model and model.objects.filter(uuid=uid).exists())


def _uuids(values) -> list[uuidlib.UUID]:
    out = []
    for v in values:
        try:
            out.append(uuidlib.UUID(str(v)))
        except ValueError:
            continue
    return out
