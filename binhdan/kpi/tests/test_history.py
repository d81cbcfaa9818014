"""A daily snapshot per commune keeps history: values as of any past date, changes over a period."""

import datetime

from django.urls import reverse
from django.utils import timezone

from binhdan.kpi import query, services
from binhdan.kpi.models import Snapshot
from binhdan.kpi.tests.helpers import new_person, reach
from binhdan.kpi.tracking import bump


def row(unit, code, **kw):
    return next(r for r in query.indicator_rows(unit, **kw) if r["code"] == code)


def test_the_value_as_of_a_past_date_comes_from_that_days_snapshot(scenario, levels):
    today = timezone.localdate()
    week_ago = today - datetime.timedelta(days=7)
    person = new_person(scenario.v111, age=40)
    services.take_snapshots(week_ago)
    reach(person, levels, 3)
    new_person(scenario.v112, age=40)
    assert row(scenario.c11, "adults_basic_skills")["numerator"] == 1
    past = row(scenario.c11, "adults_basic_skills", as_of=week_ago + datetime.timedelta(days=2))
    assert (past["numerator"], past["denominator"], past["value"]) == (0, 1, 0.0)
    assert row(scenario.p1, "adults_basic_skills", as_of=week_ago)["denominator"] == 1
    assert row(scenario.c11, "adults_basic_skills", as_of=week_ago - datetime.timedelta(days=1))["numerator"] == 0


def test_period_change_counts_the_sessions_of_a_quarter(scenario):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=90)
    bump("coaching_sessions", scenario.v111.pk, 4)
    services.take_snapshots(start)
    bump("coaching_sessions", scenario.v112.pk, 3)
    bump("coaching_sessions", scenario.v121.pk, 5)
    services.take_snapshots(today - datetime.timedelta(days=1))
    bump("coaching_sessions", scenario.v111.pk, 1)
    assert query.period_change(scenario.c11, "coaching_sessions", start, today) == 4
    assert query.period_change(scenario.p1, "coaching_sessions", start, today - datetime.timedelta(days=1)) == 8
    assert query.period_change(scenario.p2, "coaching_sessions", start, today) == 0


def test_a_snapshot_is_written_for_every_open_commune_once_a_day(scenario):
    services.take_snapshots()
    services.take_snapshots()
    assert Snapshot.objects.filter(date=timezone.localdate()).values("commune").distinct().count() == 4
    assert Snapshot.objects.filter(date=timezone.localdate(), commune=scenario.c11,
                                   indicator="villages_with_team").get().denominator == 2


def test_the_chart_shows_history_and_the_forecast_names_a_date(client, scenario, levels):
    today = timezone.localdate()
    people = [new_person(scenario.v111, age=30) for _ in range(4)]
    services.set_target(None, indicator="adults_basic_skills", unit=scenario.c11, year=today.year, value=100)
    services.take_snapshots(today - datetime.timedelta(days=60))
    reach(people[0], levels, 3)
    services.take_snapshots(today - datetime.timedelta(days=30))
    reach(people[1], levels, 3)
    client.force_login(scenario.commune_officer)
    html = client.get(reverse("kpi:dashboard", args=[scenario.c11.code])).content.decode()
    assert "<polyline" in html and 'class="target"' in html
    assert "50%" in html
    assert "chỉ tiêu sẽ đạt vào ngày" in html


def test_the_people_list_query_count_is_fixed(client, scenario, levels, django_assert_num_queries):
    for _ in range(3):
        reach(new_person(scenario.v111, age=30), levels, 3)
    client.force_login(scenario.commune_officer)
    url = reverse("kpi:people", args=[scenario.c11.code, "adults_basic_skills"]) + "?who=reached"
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    for _ in range(3):
        reach(new_person(scenario.v112, age=30), levels, 3)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
