"""The demo commune gets teams, the demo leader and member, sessions, visits, classes and a device."""

import pytest

from binhdan.accounts.models import RoleAssignment, User
from binhdan.core.roles import Role
from binhdan.outreach.demo import seed_outreach
from binhdan.outreach.models import (
    Champion,
    ClassMeeting,
    CoachingSession,
    CommunityClass,
    DeviceGift,
    HouseholdVisit,
    Team,
    TeamMember,
)
from binhdan.people.demo import seed_people

pytestmark = pytest.mark.django_db


def test_seed_outreach_builds_a_working_demo(scenario, skills):
    s = scenario
    villages = [s.v111, s.v112]
    seed_people(s.c11, villages, 120, 3)
    for username, role in (("totruong", Role.TEAM_LEADER), ("thanhvien", Role.TEAM_MEMBER)):
        user = User.objects.create_user(username, password="x" * 12)
        RoleAssignment.objects.create(user=user, unit=s.v111, role=role)
    counts = seed_outreach(s.c11, villages, 1)
    assert counts["teams"] == 1 and Team.objects.count() == 1
    assert TeamMember.objects.get(user__username="totruong").role == "leader"
    assert TeamMember.objects.get(user__username="thanhvien").person.village_id in {s.v111.pk, s.v112.pk}
    assert CoachingSession.objects.count() == counts["sessions"] > 0
    assert HouseholdVisit.objects.count() == counts["visits"] > 0
    assert CommunityClass.objects.count() == 2 and ClassMeeting.objects.count() == 2
    assert DeviceGift.objects.count() == 1 and Champion.objects.count() == 1
