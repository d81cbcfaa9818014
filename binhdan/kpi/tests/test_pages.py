"""Dashboards, the people behind a figure, exports and data quality, within scope."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from binhdan.kpi import services
from binhdan.kpi.tests.helpers import new_household, new_person, reach, this_year


@pytest.fixture
def world(scenario, levels):
    """Two adults in V111 (one at level 3, a woman of an ethnic minority), one in V121, one in P2."""
    reached = new_person(scenario.v111, age=40, sex="F", ethnicity="08", full_name="Hoàng Thị Mai",
                         household=new_household(scenario.v111))
    reach(reached, levels, 3)
    new_person(scenario.v111, age=30, full_name="Lê Văn Nam")
    new_person(scenario.v121, age=50, full_name="Trần Văn Bình")
    new_person(scenario.v211, age=20, full_name="Người Tỉnh Khác")
    services.set_target(scenario.admin, indicator="adults_basic_skills", unit=scenario.p1, year=2026, value=80)
    services.take_snapshots()
    return scenario


def pages(s):
    return [
        reverse("kpi:dashboard", args=[s.p1.code]),
        reverse("kpi:dashboard", args=[s.c11.code]) + "?i=digital_households",
        reverse("kpi:people", args=[s.c11.code, "adults_basic_skills"]),
        reverse("kpi:people", args=[s.c11.code, "digital_households"]),
        reverse("kpi:people", args=[s.c11.code, "villages_with_team"]),
        reverse("kpi:targets", args=[s.p1.code]),
        reverse("kpi:export", args=[s.p1.code]),
        reverse("kpi:quality", args=[s.c11.code]),
        reverse("kpi:quality-list", args=[s.c11.code, "ngay-sinh"]),
        reverse("kpi:target-template", args=[s.p1.code]),
    ]


def test_province_officer_sees_each_commune_against_its_target(client, world):
    client.force_login(world.province_officer)
    response = client.get(reverse("kpi:dashboard", args=[world.p1.code]) + "?year=2026")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Xã Thử 11" in html and "Xã Thử 12" in html and "Xã Thử 21" not in html
    assert "50%" in html  # 1 of the 2 adults of C11 reached the basic level
    assert "33,3%" in html  # 1 of the 3 adults of the province
    assert "<svg" in html
    assert reverse("kpi:people", args=[world.c11.code, "adults_basic_skills"]) in html


def test_commune_rows_are_ranked_by_gap(world):
    from binhdan.kpi import query

    children = query.rank_children(query.child_rows(world.p1, year=2026), "adults_basic_skills")
    assert [c["code"] for c in children] == ["C12", "C11"]  # 0% then 50%, both against 80%
    row = children[0]["rows"][2]
    assert row["code"] == "adults_basic_skills" and row["target"] == 80.0 and row["inherited"] is True


def test_the_people_behind_a_figure_are_listed_with_masked_data(client, world):
    client.force_login(world.commune_officer)
    url = reverse("kpi:people", args=[world.c11.code, "adults_basic_skills"])
    everyone = client.get(url).content.decode()
    reached = client.get(url + "?who=reached").content.decode()
    missing = client.get(url + "?who=missing").content.decode()
    women = client.get(url + "?s=sex:F").content.decode()
    assert "Hoàng Thị Mai" in everyone and "Lê Văn Nam" in everyone and "Trần Văn Bình" not in everyone
    assert "Hoàng Thị Mai" in reached and "Lê Văn Nam" not in reached
    assert "Lê Văn Nam" in missing and "Hoàng Thị Mai" not in missing
    assert "Hoàng Thị Mai" in women and "Lê Văn Nam" not in women


def test_the_list_has_as_many_people_as_the_figure(world):
    from binhdan.kpi import query, registry
    from binhdan.kpi.views import subject_queryset

    for code in ("adults_basic_skills", "citizens_vneid2", "digital_households"):
        row = next(r for r in query.indicator_rows(world.p1) if r["code"] == code)
        ind = registry.get(code)
        qs = subject_queryset(world.admin, world.p1, ind, who="", slice_code="", year=this_year())
        reached = subject_queryset(world.admin, world.p1, ind, who="reached", slice_code="", year=this_year())
        assert (reached.count(), qs.count()) == (row["numerator"], row["denominator"])


@pytest.mark.parametrize("index", range(10))
def test_outsider_sees_nothing_on_any_page(client, world, index):
    client.force_login(world.outsider)
    assert client.get(pages(world)[index]).status_code == 404


def test_province_officer_opens_every_page(client, world):
    client.force_login(world.province_officer)
    for url in pages(world):
        assert client.get(url).status_code == 200, url


def test_dashboard_query_count_does_not_grow_with_people(client, world, django_assert_num_queries, levels):
    client.force_login(world.province_officer)
    url = reverse("kpi:dashboard", args=[world.p1.code])
    client.get(url)
    with django_assert_num_queries(12):
        client.get(url)
    for _ in range(5):
        reach(new_person(world.v122, age=33), levels, 3)
    with django_assert_num_queries(12):
        client.get(url)


def test_export_gives_the_dashboard_table_as_xlsx(client, world):
    client.force_login(world.province_officer)
    response = client.get(reverse("kpi:export", args=[world.p1.code]) + "?table=children&i=adults_basic_skills"
                          "&year=2026")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert ("C12", "Xã Thử 12", "adults_basic_skills") == rows[4][:3]
    assert rows[5][:2] == ("C11", "Xã Thử 11") and rows[5][6] == 50.0


def test_quality_view_counts_people_without_birth_date_and_villages_without_team(client, world):
    client.force_login(world.commune_officer)
    html = client.get(reverse("kpi:quality", args=[world.c11.code])).content.decode()
    assert "Thôn Thử 111" in html and "Thôn Thử 112" in html
    assert ">2</a>" in html  # two people of C11 have only a year of birth
