"""The loop across apps: a learner passes a level online, a village opens and closes — and every
indicator counter still agrees with a recount from the records."""

import datetime

import pytest

from binhdan.geo import services as geo_services
from binhdan.kpi import reconcile
from binhdan.kpi.levels import person_levels
from binhdan.learning import services as learning
from binhdan.learning.tests.conftest import FIXTURE, right_choice
from binhdan.people.models import Household, Person


@pytest.fixture
def person(scenario):
    household = Household(code="H1", address="Thôn Thử 111")
    household.set_place(scenario.v111)
    household.save()
    person = Person(full_name="Trần Văn Bình", birth_year=1960, sex="M", household=household, relation="head")
    person.set_place(scenario.v111)
    person.save()
    household.head = person
    household.save()
    assert reconcile.run(fix=True, record=False)  # counters of the records made directly above
    assert reconcile.run(record=False).ok
    return person


def test_passing_a_level_online_moves_the_counters_in_the_same_transaction(scenario, person):
    learning.load_curriculum(FIXTURE)
    from binhdan.learning.models import Level

    level = Level.objects.get(code="1")
    learner = learning.create_learner(full_name=person.full_name, pin="135790", unit=scenario.v111)
    learning.link_person(learner, person)
    attempt = learning.start_attempt(learner, level)
    for item in attempt.items.select_related("question_version").order_by("position"):
        learning.answer(attempt, item.position, right_choice(item))
    attempt = learning.finish_attempt(attempt)
    assert attempt.passed
    assert person_levels([person.pk]) == {person.pk: 1}
    result = reconcile.run(record=False)
    assert result.ok, result.details[:5]


def test_opening_and_closing_a_village_keeps_the_counters_right(scenario, person):
    village = geo_services.create_village(scenario.commune_officer, scenario.c11, "Thôn Mới", "thon")
    assert reconcile.run(record=False).ok
    geo_services.close_unit(scenario.commune_officer, village, datetime.date(2026, 7, 1))
    result = reconcile.run(record=False)
    assert result.ok, result.details[:5]
