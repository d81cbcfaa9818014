"""Demo data for community digital teams: a team per one or two villages, members (the demo
accounts `totruong` and `thanhvien` in the first team, linked to people of the register),
a champion, some coaching sessions with observed skills, household visits, a community class
with two meetings, and a donated phone.

Call after the demo accounts exist (core.demo.make_accounts) and the curriculum is loaded;
without a curriculum, sessions and class meetings are left out.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from binhdan.accounts.models import User
from binhdan.geo.models import Organisation
from binhdan.learning.models import Skill
from binhdan.outreach import services
from binhdan.outreach.models import Team, TeamMember
from binhdan.people.models import Household, Person

MODES = ["home", "home", "home", "market", "office", "club"]
STATUSES = ["visited", "visited", "visited", "nobody_home", "declined", "follow_up"]


def _actor(commune):
    """Someone allowed to set teams up: the demo commune officer, else an administrator."""
    from binhdan.core.roles import Role

    officer = User.objects.filter(assignments__unit=commune, assignments__role=Role.COMMUNE_OFFICER).first()
    return officer or User.objects.filter(is_superuser=True).first()


def _adult(village, rng, exclude=()):
    people = list(Person.objects.filter(village=village, valid_to__isnull=True, birth_year__lte=2005,
                                        birth_year__gte=1975).exclude(pk__in=list(exclude))
                  .order_by("pk").values_list("pk", flat=True)[:200])
    return Person.objects.get(pk=rng.choice(people)) if people else None


def seed_outreach(commune, villages, seed: int = 1) -> dict:
    """Teams, members, sessions, visits, a class and a device in the demo commune; returns counts."""
    rng = random.Random(seed)
    today = timezone.localdate()
    actor = _actor(commune)
    if actor is None:
        raise ValueError("seed_outreach needs a commune officer or an administrator account")
    youth = Organisation.objects.filter(unit=commune, kind="youth_union").first()
    front = Organisation.objects.filter(unit=commune, kind="fatherland_front").first()
    committee = Organisation.objects.filter(unit=commune, kind="peoples_committee").first()
    leader_user = User.objects.filter(username="totruong").first()
    member_user = User.objects.filter(username="thanhvien").first()
    counts = {"teams": 0, "members": 0, "sessions": 0, "visits": 0, "classes": 0, "devices": 0}
    teams = []
    groups = [villages[i:i + 2] for i in range(0, len(villages), 2)]
    for n, group in enumerate(groups):
        names = " – ".join(v.name.replace("Thôn ", "").replace("Tổ dân phố ", "") for v in group)
        team = Team.objects.filter(commune=commune, name=f"Tổ công nghệ số cộng đồng {names}").first()
        if team is None:
            team = services.create_team(actor, commune, name=f"Tổ công nghệ số cộng đồng {names}", villages=group,
                                        founded_on=today - datetime.timedelta(days=90 - n), organisation=youth,
                                        reports_to=front,
                                        kind=Team.Kind.YOUTH if n % 3 == 2 else Team.Kind.COMMUNITY)
            counts["teams"] += 1
        teams.append(team)
        used = []
        for role, account in (("leader", leader_user if n == 0 else None), ("member", member_user if n == 0 else None),
                              ("member", None), ("tutor", None)):
            person = _adult(group[0] if role != "member" or not used else group[-1], rng, used)
            if person is None:
                continue
            used.append(person.pk)
            if TeamMember.objects.filter(team=team, person=person).exists():
                continue
            member = services.add_member(actor, team, person=person, account=account, role=role,
                                         joined_on=team.founded_on)
            counts["members"] += 1
            if account is not None:
                services.assign_member(actor, member, villages=group[:1])
    first = teams[0]
    champion = first.members.filter(role="tutor").first() or first.members.first()
    if champion is not None and not champion.recognitions.exists():
        services.recognise_champion(actor, champion, on=today - datetime.timedelta(days=10), by=committee,
                                    by_name="" if committee else "Ủy ban nhân dân xã")

    field_user = member_user or actor
    services._forget_scope(field_user)
    team_villages = list(first.villages.all())
    skills = list(Skill.objects.filter(active=True, level__code__in=["1", "2"]).order_by("level__position",
                                                                                           "position"))
    people = list(Person.objects.filter(village__in=team_villages, valid_to__isnull=True)
                  .order_by("pk")[:400])
    if skills and people:
        for i in range(36):
            person = rng.choice(people)
            chosen = rng.sample(skills[: min(len(skills), 14)], rng.randint(1, 3))
            day = today - datetime.timedelta(days=rng.randint(0, 27))
            outcome = services.log_session(
                field_user, person=person, date=day, minutes=rng.choice([15, 20, 30, 45]),
                start_time=f"{rng.randint(7, 19):02d}:{rng.choice(['00', '30'])}", mode=rng.choice(MODES),
                skills=[{"code": s.code, "observed": rng.random() < 0.6} for s in chosen],
                note="" if i % 4 else "Hướng dẫn tại nhà, có con cháu cùng học")
            counts["sessions"] += 1
            if rng.random() < 0.55:
                services.confirm_session(outcome.obj.confirm_code, rng.choice(["qr", "code"]))
    households = list(Household.objects.filter(village__in=team_villages, valid_to__isnull=True).order_by("pk")[:300])
    for household in rng.sample(households, min(45, len(households))):
        status = rng.choice(STATUSES)
        day = today - datetime.timedelta(days=rng.randint(0, 20))
        follow = day + datetime.timedelta(days=rng.randint(3, 14)) if status == "follow_up" else None
        services.record_visit(field_user, household=household, status=status, date=day, follow_up_on=follow)
        counts["visits"] += 1
    if skills and people:
        klass = services.save_class(field_user, None, name="Lớp học số cộng đồng — Cầm tay chỉ app", kind="class",
                                    village=team_villages[0], venue=f"Nhà văn hóa {team_villages[0].name}",
                                    schedule="19h30 tối thứ Ba và thứ Sáu", organiser=youth, team=first,
                                    tutors=list(first.members.filter(role__in=["tutor", "member"])[:2]),
                                    skills=skills[:4])
        learners = rng.sample(people, min(8, len(people)))
        for person in learners:
            services.enrol(field_user, klass, person)
        for week in (2, 1):
            day = today - datetime.timedelta(days=7 * week)
            attendance = [(p, [s.code for s in skills[:4] if rng.random() < 0.3]) for p in learners
                          if rng.random() < 0.8]
            services.record_meeting(field_user, klass, date=day, minutes=90, attendance=attendance,
                                    note="Hướng dẫn dùng Zalo và VNeID")
        counts["classes"] += 1
        club = services.save_class(field_user, None, name="Câu lạc bộ Lão nông công nghệ", kind="club",
                                   village=team_villages[-1], venue="Hợp tác xã nông nghiệp",
                                   schedule="Sáng Chủ nhật", organiser=youth, team=first, skills=skills[:2])
        for person in rng.sample(people, min(5, len(people))):
            services.enrol(field_user, club, person)
        counts["classes"] += 1
    if households:
        household = households[0]
        recipient = household.members.filter(valid_to__isnull=True).first()
        services.record_device(field_user, household=household, recipient=recipient,
                               donor="Đoàn Thanh niên xã (điện thoại cũ quyên góp)", device="Điện thoại Android",
                               condition="refurbished", given_on=today - datetime.timedelta(days=5),
                               note="Đã cài Zalo, VNeID")
        counts["devices"] += 1
    return counts
