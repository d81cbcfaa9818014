"""Whatever happens to the register, the counters equal a recount from scratch."""

import datetime
import itertools

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binhdan.kpi import reconcile
from binhdan.kpi.tracking import track

_names = itertools.count(1)

village_i = st.integers(0, 3)
pick = st.integers(0, 50)
segments = st.fixed_dictionaries({
    "is_official": st.booleans(), "is_student": st.booleans(), "is_worker": st.booleans(),
    "is_trader": st.booleans(), "is_farmer": st.booleans(), "has_disability": st.booleans()})
operation = st.one_of(
    st.tuples(st.just("add_person"), village_i, st.one_of(st.none(), st.integers(0, 90)), st.sampled_from(["M", "F", ""]),
              st.sampled_from(["01", "08"]), segments, st.sampled_from(["none", "existing", "new"]), pick),
    st.tuples(st.just("achieve"), pick, st.sampled_from("1234"), st.sampled_from(
        ["online", "observed", "national", "self_report"]), st.booleans()),
    st.tuples(st.just("move"), pick, village_i, st.sampled_from(["none", "existing", "new"]), pick),
    st.tuples(st.just("end"), pick, st.sampled_from(["moved", "deceased", "removed"])),
    st.tuples(st.just("segments"), pick, segments),
    st.tuples(st.just("digital"), pick, st.integers(0, 2), st.booleans(), st.one_of(st.none(), st.integers(0, 90))),
    st.tuples(st.just("household"), village_i),
    st.tuples(st.just("end_household"), pick),
    st.tuples(st.just("self_assess"), pick, st.sampled_from("1234"), st.sampled_from(["before", "after"]),
              st.integers(0, 100)),
    st.tuples(st.just("delete_achievements"), pick),
    st.tuples(st.just("team"), st.sets(st.integers(0, 1), min_size=1)),
    st.tuples(st.just("team_status"), pick, st.sampled_from(["active", "paused", "closed"])),
    st.tuples(st.just("team_villages"), pick, st.sets(st.integers(0, 1), min_size=1)),
    st.tuples(st.just("coaching"), pick, st.booleans()),
)


class World:
    def __init__(self, scenario, levels):
        from binhdan.learning.models import Level

        self.villages = [scenario.v111, scenario.v112, scenario.v121, scenario.v211]
        self.levels = levels
        self.level_rows = {lv.code: lv for lv in Level.objects.all()}
        self.people, self.households, self.learners, self.teams = [], [], [], []
        self.admin = scenario.admin
        self.c11 = scenario.c11

    def _pick(self, items, i):
        return items[i % len(items)] if items else None

    def _household(self, mode, i, village, t):
        from binhdan.people.models import Household

        if mode == "existing":
            return self._pick(self.households, i)
        if mode == "new":
            h = Household(code=f"H{next(_names)}")
            h.set_place(village)
            h.save()
            t.add(households=[h])
            self.households.append(h)
            return h
        return None

    def apply(self, op):
        from binhdan.accounts.models import User
        from binhdan.learning.models import Achievement, LearnerAccount, SelfAssessment
        from binhdan.people.models import Person

        kind = op[0]
        year = timezone.localdate().year
        with transaction.atomic():
            if kind == "add_person":
                _k, vi, age, sex, eth, segs, mode, hi = op
                village = self.villages[vi]
                with track() as t:
                    p = Person(full_name=f"Người {next(_names)}", birth_year=None if age is None else year - age,
                               sex=sex, ethnicity=eth, **segs)
                    p.set_place(village)
                    p.household = self._household(mode, hi, village, t)
                    p.save()
                    t.add(persons=[p])
                self.people.append(p)
                return
            if kind == "team":
                from binhdan.outreach import services as outreach

                self.teams.append(outreach.create_team(self.admin, self.c11, name=f"Tổ {next(_names)}",
                                                       villages=[self.villages[i] for i in sorted(op[1])],
                                                       founded_on=datetime.date.today()))
                return
            if kind in ("team_status", "team_villages"):
                from binhdan.outreach import services as outreach

                team = self._pick(self.teams, op[1])
                if team is None:
                    return
                if kind == "team_status":
                    outreach.update_team(self.admin, team, status=op[2])
                else:
                    outreach.update_team(self.admin, team, villages=[self.villages[i] for i in sorted(op[2])])
                return
            if kind == "coaching":
                from binhdan.kpi.tracking import bump
                from binhdan.outreach.models import CoachingSession

                p = self._pick(self.people, op[1])
                if p is None or p.village_id is None:
                    return
                p.refresh_from_db()
                first = not CoachingSession.objects.filter(person=p).exists()
                session = CoachingSession(person=p, coach=self.admin, date=datetime.date.today(), minutes=20,
                                          confirm_code=f"K{next(_names)}",
                                          confirmed_at=timezone.now() if op[2] else None)
                session.province_id, session.commune_id, session.village_id = (p.province_id, p.commune_id,
                                                                               p.village_id)
                session.save()
                bump("coaching_sessions", p.village_id)
                if first:
                    bump("people_coached", p.village_id)
                if op[2]:
                    bump("confirmed_sessions", p.village_id)
                return
            if kind == "household":
                with track() as t:
                    self._household("new", 0, self.villages[op[1]], t)
                return
            if kind == "end_household":
                h = self._pick(self.households, op[1])
                if h is None:
                    return
                with track(households=[h]):
                    h.valid_to = datetime.date.today()
                    h.save()
                return
            if kind == "self_assess":
                _k, pi, code, phase, score = op
                p = self._pick(self.people, pi)
                if p is None:
                    return
                learner = LearnerAccount.objects.filter(person=p).first()
                with track(learners=[learner] if learner else []) as t:
                    if learner is None:
                        user = User.objects.create(username=f"learner{next(_names)}")
                        learner = LearnerAccount(user=user, full_name=p.full_name, person=p, pin_hash="x",
                                                 card_token=f"card{next(_names)}")
                        learner.set_place(self.villages[0] if p.village_id is None else p.village)
                        learner.save()
                        t.add(learners=[learner])
                    row = SelfAssessment(learner=learner, level=self.level_rows[code], phase=phase, score=score,
                                         at=timezone.now())
                    row.province_id, row.commune_id, row.village_id = (learner.province_id, learner.commune_id,
                                                                       learner.village_id)
                    SelfAssessment.objects.filter(learner=learner, level=row.level, phase=phase).delete()
                    row.save()
                return
            p = self._pick(self.people, op[1])
            if p is None:
                return
            p.refresh_from_db()
            with track(persons=[p]) as t:
                if kind == "achieve":
                    _k, _pi, code, method, whole = op
                    skills = self.levels[code] if whole else self.levels[code][:1]
                    for s in skills:
                        Achievement.objects.create(person=p, skill=s, method=method, at=timezone.now(),
                                                   province_id=p.province_id, commune_id=p.commune_id,
                                                   village_id=p.village_id)
                elif kind == "delete_achievements":
                    Achievement.objects.filter(person=p).order_by("pk").first() and Achievement.objects.filter(
                        pk=Achievement.objects.filter(person=p).order_by("pk").first().pk).delete()
                elif kind == "move":
                    _k, _pi, vi, mode, hi = op
                    village = self.villages[vi]
                    p.set_place(village)
                    p.household = self._household(mode, hi, village, t)
                    p.save()
                elif kind == "end":
                    if p.valid_to is None:
                        p.valid_to, p.end_reason = datetime.date.today(), op[2]
                        p.save()
                elif kind == "segments":
                    for k, v in op[2].items():
                        setattr(p, k, v)
                    p.save()
                elif kind == "digital":
                    _k, _pi, vneid, bank, age = op
                    p.vneid_level, p.has_bank_account = vneid, bank
                    p.birth_year = None if age is None else year - age
                    p.save()


@pytest.mark.django_db(transaction=False)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(ops=st.lists(operation, min_size=1, max_size=25))
def test_counters_always_equal_a_recount_from_scratch(scenario, levels, ops):
    with transaction.atomic():
        world = World(scenario, levels)
        for op in ops:
            world.apply(op)
        result = reconcile.run(record=False)
        assert result.ok, (ops, result.details)
        assert result.unverified == []
        transaction.set_rollback(True)
