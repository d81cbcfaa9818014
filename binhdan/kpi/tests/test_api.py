"""The dashboard figures through the API, within scope."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from binhdan.kpi import services
from binhdan.kpi.models import Target
from binhdan.kpi.tests.helpers import new_person, reach


@pytest.fixture
def api(scenario, levels):
    reach(new_person(scenario.v111, age=40), levels, 3)
    new_person(scenario.v121, age=40)
    services.set_target(None, indicator="adults_basic_skills", unit=scenario.p1, year=2026, value=80)
    return APIClient()


def test_unit_endpoint_gives_the_dashboard_figures(api, scenario):
    api.force_authenticate(scenario.province_officer)
    data = api.get(reverse("kpi-unit-detail", args=["P1"]) + "?year=2026").json()
    row = next(r for r in data["indicators"] if r["code"] == "adults_basic_skills")
    assert (row["numerator"], row["denominator"], row["value"], row["target"], row["status"]) == (1, 2, 50.0, 80.0,
                                                                                                   "red")


def test_children_endpoint_lists_each_commune(api, scenario, django_assert_num_queries):
    api.force_authenticate(scenario.province_officer)
    url = reverse("kpi-unit-children", args=["P1"]) + "?year=2026"
    api.get(url)
    with django_assert_num_queries(4):
        data = api.get(url).json()
    assert [c["unit"] for c in data] == ["C11", "C12"]


def test_outsider_gets_404_on_every_kpi_endpoint(api, scenario):
    api.force_authenticate(scenario.outsider)
    for name in ("kpi-unit-detail", "kpi-unit-children", "kpi-unit-breakdown"):
        assert api.get(reverse(name, args=["P1"]) + "?i=adults_basic_skills").status_code == 404
    target = Target.objects.get()
    assert api.get(reverse("kpi-target-detail", args=[target.uuid])).status_code == 404
    assert api.delete(reverse("kpi-target-detail", args=[target.uuid])).status_code == 403
    assert api.get(reverse("kpi-target-list")).json() == [] or api.get(reverse("kpi-target-list")).json().get(
        "results") == []
    response = api.post(reverse("kpi-target-list"), {"indicator": "adults_basic_skills", "unit": "P1",
                                                     "year": 2026, "value": 10}, format="json")
    assert response.status_code == 403
    assert Target.objects.count() == 1


def test_api_refuses_a_percentage_above_100(api, scenario):
    api.force_authenticate(scenario.province_officer)
    response = api.post(reverse("kpi-target-list"), {"indicator": "adults_basic_skills", "unit": "C11",
                                                     "year": 2026, "value": 120}, format="json")
    assert response.status_code == 400 and "value" in response.json()
    response = api.post(reverse("kpi-target-list"), {"indicator": "adults_basic_skills", "unit": "C11",
                                                     "year": 2026, "value": 90}, format="json")
    assert response.status_code == 201
    assert Target.objects.filter(unit=scenario.c11).count() == 1


def test_indicator_registry_endpoint(api, scenario):
    api.force_authenticate(scenario.team_member)
    codes = [i["code"] for i in api.get(reverse("kpi-indicator-list")).json()]
    assert "adults_basic_skills" in codes and "villages_with_team" in codes and "coaching_sessions" in codes
