"""Who sees what: an outsider from another province sees and changes nothing on any page or endpoint
of plans, tasks, activities, reports and commendations; learners see none of the console."""

import datetime

import pytest
from django.urls import reverse

from binhdan.campaigns import services
from binhdan.campaigns.models import Activity, Commendation, Plan, Report, Task

from .conftest import ON_TIME, Q3, WRITTEN


@pytest.fixture
def records(scenario, orgs):
    plan = services.create_plan(scenario.commune_officer, scenario.c11, number="45/KH-UBND", issuing_body="UBND xã",
                                title="Kế hoạch của xã 11")
    services.add_phase(scenario.commune_officer, plan, name="Giai đoạn 1", starts_on=datetime.date(2026, 1, 1),
                       ends_on=datetime.date(2026, 4, 30))
    task = services.add_task(scenario.commune_officer, plan, title="Nhiệm vụ bí mật của xã 11", lead_text="UBND",
                             lead_organisations=[orgs["committee11"]], time_text="Quý I/2026")
    evidence = services.add_evidence(scenario.commune_officer, task, url="https://example.org/bien-ban")
    activity = services.record_activity(scenario.commune_officer, unit=scenario.v111, kind="banner",
                                        on=datetime.date(2026, 8, 1), title="Băng rôn xã 11", quantity=5)
    report = services.create_report(scenario.commune_officer, scenario.c11, Q3, today=WRITTEN)
    services.submit_report(scenario.commune_officer, report, now=ON_TIME)
    commendation = services.nominate(scenario.commune_officer, unit=scenario.v111, subject="person",
                                     category="elderly_learner", name="Cụ Lành", achievements="Thành thạo")
    services.decide_commendation(scenario.commune_officer, commendation, approve=True)
    return {"plan": plan, "task": task, "evidence": evidence, "activity": activity, "report": report,
            "commendation": commendation}


def test_the_outsider_sees_and_changes_nothing_of_the_first_province(client, scenario, records):
    plan, task, report = records["plan"], records["task"], records["report"]
    c, activity = records["commendation"], records["activity"]
    client.force_login(scenario.outsider)
    for url in [
        reverse("campaigns:plan", args=[plan.uuid]),
        reverse("campaigns:task", args=[task.uuid]),
        reverse("campaigns:evidence", args=[records["evidence"].uuid]),
        reverse("campaigns:report", args=[report.uuid]),
        reverse("campaigns:report-docx", args=[report.uuid]),
        reverse("campaigns:report-xlsx", args=[report.uuid]),
        reverse("campaigns:province", args=["P1", Q3.slug]),
        reverse("campaigns:commendation", args=[c.uuid]),
        reverse("campaigns:commendation-pdf", args=[c.uuid]),
        reverse("plan-detail", args=[plan.uuid]),
        reverse("plan-task-detail", args=[task.uuid]),
        reverse("outreach-activity-detail", args=[activity.uuid]),
        reverse("periodic-report-detail", args=[report.uuid]),
        reverse("commendation-detail", args=[c.uuid]),
    ]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        (reverse("campaigns:plan-edit", args=[plan.uuid]), {"title": "X"}),
        (reverse("campaigns:phase-add", args=[plan.uuid]), {"name": "X"}),
        (reverse("campaigns:task-add", args=[plan.uuid]), {"title": "X"}),
        (reverse("campaigns:plan-import", args=[plan.uuid]), {}),
        (reverse("campaigns:report-submit", args=[report.uuid]), {}),
        (reverse("campaigns:report-review", args=[report.uuid, "tiep-nhan"]), {}),
        (reverse("campaigns:report-review", args=[report.uuid, "tra-lai"]), {"comment": "x"}),
        (reverse("campaigns:report-create"), {"unit": "C11", "period": Q3.slug}),
    ]:
        assert client.post(url, data).status_code == 403, url
    for url in [reverse("campaigns:task", args=[task.uuid]), reverse("campaigns:commendation", args=[c.uuid])]:
        assert client.post(url, {"status": "done", "progress": 100, "action": "approve"}).status_code == 404
    assert client.patch(reverse("plan-task-detail", args=[task.uuid]), {"progress": 100},
                        content_type="application/json").status_code == 403
    for name in ("periodic-report-submit", "periodic-report-accept", "periodic-report-return"):
        assert client.post(reverse(name, args=[report.uuid])).status_code == 403, name
    response = client.post(reverse("outreach-activity-list"), {"kind": "banner", "on": "2026-08-01", "unit": "V111",
                                                               "title": "X", "quantity": 1})
    assert response.status_code in (400, 403)
    # lists show nothing of the first province
    for url, text in [(reverse("campaigns:plans"), "Kế hoạch của xã 11"),
                      (reverse("campaigns:tasks"), "Nhiệm vụ bí mật của xã 11"),
                      (reverse("campaigns:activities") + "?ky=2026-q3", "Băng rôn xã 11"),
                      (reverse("campaigns:reports"), "Xã Thử 11"),
                      (reverse("campaigns:commendations"), "Cụ Lành"),
                      (reverse("campaigns:commendation-print"), "Cụ Lành")]:
        response = client.get(url)
        assert response.status_code == 200 and text not in response.content.decode(), url
    for name in ("plan-list", "plan-task-list", "outreach-activity-list", "periodic-report-list",
                 "commendation-list"):
        assert client.get(reverse(name)).json()["results"] == [], name
    task.refresh_from_db()
    report.refresh_from_db()
    assert (task.progress, report.status, Plan.objects.get().title) == (0, Report.Status.SUBMITTED, "Kế hoạch của xã 11")
    assert Activity.objects.count() == 1 and Commendation.objects.count() == 1 and Task.objects.count() == 1


def test_the_commune_officer_cannot_see_another_commune_of_the_same_province(client, scenario):
    other = services.create_report(scenario.admin, scenario.c12, Q3, today=WRITTEN)
    client.force_login(scenario.commune_officer)
    assert client.get(reverse("campaigns:report", args=[other.uuid])).status_code == 404
    assert client.get(reverse("campaigns:province", args=["P1", Q3.slug])).status_code == 404
    assert client.post(reverse("campaigns:report-create"), {"unit": "C12", "period": Q3.slug}).status_code == 403


def test_learners_and_anonymous_visitors_see_none_of_the_console(client, scenario, records):
    for url in [reverse("campaigns:index"), reverse("campaigns:plans"), reverse("campaigns:reports"),
                reverse("campaigns:commendations")]:
        assert client.get(url).status_code == 302  # to sign in
    client.force_login(scenario.learner)
    for url in [reverse("campaigns:index"), reverse("campaigns:plans"), reverse("campaigns:reports"),
                reverse("campaigns:activities"), reverse("campaigns:commendations")]:
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("campaigns:report", args=[records["report"].uuid])).status_code == 404


def test_every_console_page_opens_for_the_people_who_work_there(client, scenario, records):
    client.force_login(scenario.commune_officer)
    for url in [reverse("campaigns:index"), reverse("campaigns:plans"), reverse("campaigns:plan-create"),
                reverse("campaigns:plan", args=[records["plan"].uuid]),
                reverse("campaigns:plan-import", args=[records["plan"].uuid]),
                reverse("campaigns:tasks"), reverse("campaigns:task", args=[records["task"].uuid]),
                reverse("campaigns:activities"), reverse("campaigns:activity-create"),
                reverse("campaigns:reports"), reverse("campaigns:report", args=[records["report"].uuid]),
                reverse("campaigns:commendations"), reverse("campaigns:commendation-create"),
                reverse("campaigns:commendation", args=[records["commendation"].uuid]),
                reverse("campaigns:commendation-print")]:
        assert client.get(url).status_code == 200, url
    client.force_login(scenario.province_officer)
    html = client.get(reverse("campaigns:province", args=["P1", Q3.slug])).content.decode()
    assert "Xã Thử 11" in html and "Đúng hạn" in html


def test_the_plan_list_and_activity_list_keep_their_query_counts(client, scenario, records,
                                                                  django_assert_num_queries):
    client.force_login(scenario.commune_officer)
    with django_assert_num_queries(5):
        assert client.get(reverse("campaigns:plans")).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(reverse("campaigns:activities") + "?ky=2026-q3").status_code == 200
    for i in range(4):
        services.create_plan(scenario.commune_officer, scenario.c11, issuing_body="UBND", title=f"Kế hoạch {i}")
        services.record_activity(scenario.commune_officer, unit=scenario.v112, kind="social",
                                 on=datetime.date(2026, 8, 2 + i), title=f"Clip {i}")
    with django_assert_num_queries(5):
        assert client.get(reverse("campaigns:plans")).status_code == 200
    with django_assert_num_queries(6):
        assert "Clip 3" in client.get(reverse("campaigns:activities") + "?ky=2026-q3").content.decode()
    with django_assert_num_queries(5):
        assert len(client.get(reverse("plan-list")).json()["results"]) == 5
    with django_assert_num_queries(5):
        assert len(client.get(reverse("outreach-activity-list")).json()["results"]) == 5


def test_the_admin_lists_every_campaigns_model_for_system_admins(client, scenario, records):
    client.force_login(scenario.admin)
    for model in ("plan", "task", "activity", "report", "reportingrule", "commendation"):
        assert client.get(reverse(f"admin:campaigns_{model}_changelist")).status_code == 200, model
    assert client.get(reverse("admin:campaigns_report_change", args=[records["report"].pk])).status_code == 200
    client.force_login(scenario.province_officer)
    assert client.get(reverse("admin:campaigns_report_changelist")).status_code == 302
