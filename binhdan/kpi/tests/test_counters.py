"""Counters move in the same transaction as the record, and always agree with a recount."""

from django.db import transaction

from binhdan.kpi import reconcile
from binhdan.kpi.tests.helpers import (
    achieve,
    change,
    counter,
    end,
    move,
    new_household,
    new_person,
    reach,
)
from binhdan.kpi.tracking import bump, rebuild, track


def assert_reconciled():
    result = reconcile.run()
    assert result.ok, result.details


def test_a_new_adult_counts_in_the_denominator_of_adults(scenario, levels):
    new_person(scenario.v111, age=40)
    new_person(scenario.v111, age=10)
    assert counter(scenario.c11, "adults_basic_skills") == (0, 1)
    assert counter(scenario.p1, "adults_basic_skills") == (0, 1)
    assert counter(scenario.p2, "adults_basic_skills") == (0, 0)
    assert_reconciled()


def test_reaching_the_basic_level_counts_once_and_self_report_never_counts(scenario, levels):
    person = new_person(scenario.v111, age=40, is_official=True)
    reach(person, levels, 2)
    assert counter(scenario.v111, "adults_basic_skills") == (0, 1)
    achieve(person, levels["3"], method="self_report")
    assert counter(scenario.v111, "adults_basic_skills") == (0, 1)
    achieve(person, levels["3"], method="observed")
    assert counter(scenario.v111, "adults_basic_skills") == (1, 1)
    assert counter(scenario.v111, "officials_skills") == (1, 1)
    achieve(person, levels["3"], method="online")
    assert counter(scenario.v111, "adults_basic_skills") == (1, 1)
    assert_reconciled()


def test_a_national_record_confirms_the_adult(scenario, levels):
    person = new_person(scenario.v112, age=50)
    achieve(person, levels["1"][:1], method="national")
    assert counter(scenario.c11, "adults_national") == (1, 1)
    assert_reconciled()


def test_the_breakdown_follows_sex_age_and_ethnicity(scenario, levels):
    woman = new_person(scenario.v111, age=65, sex="F", ethnicity="08")
    reach(woman, levels, 3)
    new_person(scenario.v111, age=20, sex="M")
    assert counter(scenario.c11, "adults_basic_skills", "sex:F") == (1, 1)
    assert counter(scenario.c11, "adults_basic_skills", "sex:M") == (0, 1)
    assert counter(scenario.c11, "adults_basic_skills", "age:60+") == (1, 1)
    assert counter(scenario.c11, "adults_basic_skills", "eth:minority") == (1, 1)
    assert counter(scenario.c11, "adults_basic_skills", "eth:kinh") == (0, 1)
    assert_reconciled()


def test_moving_a_person_moves_their_counts_to_the_new_village(scenario, levels):
    person = new_person(scenario.v111, age=30)
    reach(person, levels, 3)
    move(person, scenario.v122)
    assert counter(scenario.c11, "adults_basic_skills") == (0, 0)
    assert counter(scenario.c12, "adults_basic_skills") == (1, 1)
    assert_reconciled()


def test_a_deceased_person_leaves_every_indicator(scenario, levels):
    household = new_household(scenario.v111)
    person = new_person(scenario.v111, age=70, household=household)
    reach(person, levels, 3)
    assert counter(scenario.c11, "digital_households") == (1, 1)
    end(person)
    assert counter(scenario.c11, "adults_basic_skills") == (0, 0)
    assert counter(scenario.c11, "digital_households") == (0, 1)
    assert_reconciled()


def test_joining_a_household_makes_it_a_digital_household(scenario, levels):
    first, second = new_household(scenario.v111), new_household(scenario.v111)
    person = new_person(scenario.v111, age=30, household=first)
    reach(person, levels, 2)
    assert counter(scenario.v111, "digital_households") == (1, 2)
    move(person, scenario.v111, household=second)
    assert counter(scenario.v111, "digital_households") == (1, 2)
    from binhdan.kpi.models import Counter
    assert Counter.objects.get(village=scenario.v111, indicator="digital_households", slice="").numerator == 1
    assert_reconciled()


def test_segment_and_digital_status_changes_move_their_indicators(scenario, levels):
    person = new_person(scenario.v111, age=17)
    assert counter(scenario.v111, "citizens_vneid2") == (0, 1)
    change(person, vneid_level=2, has_bank_account=True, is_worker=True)
    assert counter(scenario.v111, "citizens_vneid2") == (1, 1)
    assert counter(scenario.v111, "citizens_bank") == (1, 1)
    assert counter(scenario.v111, "workers_skills") == (0, 1)
    change(person, is_worker=False)
    assert counter(scenario.v111, "workers_skills") == (0, 0)
    assert_reconciled()


def test_a_rolled_back_transaction_leaves_the_counters_unchanged(scenario, levels):
    person = new_person(scenario.v111, age=30)
    try:
        with transaction.atomic(), track(persons=[person]):
            person.vneid_level = 2
            person.save()
            raise RuntimeError
    except RuntimeError:
        pass
    assert counter(scenario.v111, "citizens_vneid2") == (0, 1)
    assert_reconciled()


def test_bump_adds_to_a_count_indicator_and_refuses_unknown_codes(scenario):
    bump("coaching_sessions", scenario.v111.pk)
    bump("coaching_sessions", scenario.v112.pk, 2)
    assert counter(scenario.c11, "coaching_sessions")[0] == 3
    import pytest
    with pytest.raises(ValueError):
        bump("adults_basic_skills", scenario.v111.pk)
    with pytest.raises(ValueError):
        bump("no_such_indicator", scenario.v111.pk)


def test_rebuild_recounts_villages_changed_without_tracking(scenario, levels):
    person = new_person(scenario.v111, age=30, tracked=False)
    achieve(person, [s for n in "123" for s in levels[n]], tracked=False)
    assert reconcile.run(record=False).differences > 0
    rebuild([scenario.v111])
    assert counter(scenario.v111, "adults_basic_skills") == (1, 1)
    assert_reconciled()


def test_reconciliation_reports_a_tampered_counter_and_fixes_it(scenario, levels):
    from binhdan.kpi.models import Counter, ReconcileRun

    new_person(scenario.v111, age=30)
    Counter.objects.filter(village=scenario.v111, indicator="adults_basic_skills", slice="").update(denominator=5)
    result = reconcile.run()
    assert result.differences == 2  # the village counter, and its commune's sum that no longer matches it
    assert result.details[0]["stored"] == [0, 5] and result.details[0]["expected"] == [0, 1]
    assert result.details[1]["commune"] == scenario.c11.pk
    assert ReconcileRun.objects.latest("at").differences == 2
    reconcile.run(fix=True)
    assert_reconciled()


def test_nested_tracking_counts_once(scenario, levels):
    from django.utils import timezone

    from binhdan.learning.models import Achievement

    person = new_person(scenario.v111, age=30)
    other = new_person(scenario.v112, age=30)
    with transaction.atomic(), track(persons=[person]):
        for skill in [s for n in "12" for s in levels[n]]:
            Achievement.objects.create(person=person, skill=skill, method="online", at=timezone.now())
        with track(persons=[person, other]):
            for skill in levels["3"]:
                Achievement.objects.create(person=person, skill=skill, method="online", at=timezone.now())
            other.vneid_level = 2
            other.save()
    assert counter(scenario.v111, "adults_basic_skills") == (1, 1)
    assert counter(scenario.v112, "citizens_vneid2") == (1, 1)
    assert_reconciled()
