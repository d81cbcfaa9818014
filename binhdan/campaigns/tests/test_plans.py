"""Plans: created in the console or imported from the appendix of a plan (seed 003); overdue tasks
stand out; each lead unit sees its own tasks across plans."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from binhdan.campaigns import services
from binhdan.campaigns.importer import import_tasks
from binhdan.campaigns.models import Plan, Task
from binhdan.core.models import AuditLog

from .conftest import xlsx

HEADER = ["STT", "Nhiệm vụ, giải pháp", "Đơn vị thực hiện", "Phối hợp", "Thời gian", "Ghi chú"]
APPENDIX = [
    ["Nhiệm vụ giải pháp tuyên truyền thực hiện phong trào “Bình dân học vụ số”"],
    ["(Kèm theo Kế hoạch số -KH/BTGDVTU, ngày /02/2026 của Ban Tuyên giáo và Dân vận Tỉnh ủy)"],
    [],
    HEADER,
    [1, "Triển khai mô hình “Người bản số” - tuyển chọn và đào tạo, nhân rộng mô hình tại mỗi thôn, bản",
     "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Các cơ quan, đơn vị, địa phương", "Giai đoạn 2026-2028", None],
    [4, "Tổ chức Hội nghị trực tuyến toàn tỉnh quán triệt các kế hoạch, nhiệm vụ chuyển đổi số năm 2026",
     "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Các cơ quan, đơn vị, địa phương", "Quý I/2026", None],
    [8, "Tổ chức và truyền thông “Ngày hội toàn dân học tập số” 10/10",
     "Sở Văn hóa, Thể thao và Du lịch, Sở Khoa học và Công nghệ", "Các cơ quan, đơn vị, các xã phường trong tỉnh",
     "Tháng 10/2026", None],
    [12, "Chiến dịch “Thanh niên chung tay phổ cập kỹ năng số”", "Tỉnh đoàn",
     "Đoàn xã/phường; Ủy ban nhân dân Xã Thử 11", "Theo đợt, trong năm 2026", "Tổ chức theo chuyên đề"],
]


@pytest.fixture
def plan(scenario):
    return services.create_plan(scenario.province_officer, scenario.p1, number="12-KH/BTGDVTU",
                                issued_on=datetime.date(2026, 2, 10), issuing_body="Ban Tuyên giáo và Dân vận Tỉnh ủy",
                                title="Kế hoạch tuyên truyền phong trào “Bình dân học vụ số” năm 2026")


def test_the_appendix_of_plan_003_imports_with_lead_units_time_frames_and_partners(scenario, orgs, plan):
    result = import_tasks(scenario.province_officer, plan, xlsx(APPENDIX), "phu-luc.xlsx")
    assert result.problems == [] and result.created == 4
    tasks = {t.position: t for t in plan.tasks.prefetch_related("lead_organisations", "partner_organisations")}
    assert sorted(tasks) == [1, 4, 8, 12]
    assert tasks[4].due_on == datetime.date(2026, 3, 31) and tasks[4].starts_on == datetime.date(2026, 1, 1)
    assert tasks[8].due_on == datetime.date(2026, 10, 31)
    assert tasks[1].due_on == datetime.date(2028, 12, 31)
    assert {o.name for o in tasks[8].lead_organisations.all()} == {"Sở Văn hóa, Thể thao và Du lịch",
                                                                   "Sở Khoa học và Công nghệ"}
    assert [o.name for o in tasks[12].partner_organisations.all()] == ["Ủy ban nhân dân Xã Thử 11"]
    assert tasks[12].note == "Tổ chức theo chuyên đề"
    assert AuditLog.objects.filter(model="campaigns.plan", action="import").count() == 1


def test_a_file_with_unknown_units_is_reported_row_by_row_and_nothing_is_imported(scenario, orgs, plan):
    rows = APPENDIX[:4] + [
        APPENDIX[4],
        [7, "Tuyên truyền sâu rộng trên các phương tiện thông tin đại chúng",
         "Sở Văn hóa, Thể thao và Du lịch; Báo và Phát thanh, Truyền hình tỉnh Lào Cai", "Các sở, ngành",
         "Thường xuyên", None],
        [9, "", "Sở Nội vụ", "", "Năm 2026", ""],
        [10, "Tích hợp kỹ năng số trong giáo dục phổ thông", "Sở Giáo dục và Đào tạo", "", "Năm học 2026-2027",
         None],
    ]
    result = import_tasks(scenario.province_officer, plan, xlsx(rows), "phu-luc.xlsx")
    found = [(p.row, p.column, p.value) for p in result.problems]
    assert found == [(6, "Đơn vị thực hiện", "Báo và Phát thanh, Truyền hình tỉnh Lào Cai"),
                     (7, "Nhiệm vụ, giải pháp", ""),
                     (8, "Đơn vị thực hiện", "Sở Giáo dục và Đào tạo")]
    assert "Đơn vị chủ trì không rõ" in result.problems[0].message  # the reason, in Vietnamese
    assert plan.tasks.count() == 0


def test_a_file_with_missing_columns_is_refused_naming_them(scenario, orgs, plan):
    rows = [["STT", "Nhiệm vụ", "Đơn vị thực hiện", "Ghi chú"], [1, "Việc A", "Tỉnh đoàn", ""]]
    result = import_tasks(scenario.province_officer, plan, xlsx(rows), "thieu-cot.xlsx")
    assert len(result.problems) == 1
    assert "Phối hợp" in result.problems[0].message and "Thời gian" in result.problems[0].message
    assert plan.tasks.count() == 0


def test_the_import_page_shows_the_problems_with_row_column_value_and_reason(client, scenario, orgs, plan):
    client.force_login(scenario.province_officer)
    rows = APPENDIX[:4] + [[2, "Việc B", "Hội Không Tồn Tại", "", "Quý II/2026", ""]]
    upload = SimpleUploadedFile("kh.xlsx", xlsx(rows))
    response = client.post(reverse("campaigns:plan-import", args=[plan.uuid]), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hội Không Tồn Tại" in html and "Đơn vị thực hiện" in html and "<td>5</td>" in html
    assert plan.tasks.count() == 0


def test_a_plan_is_created_in_the_console_with_phases_and_tasks(client, scenario, orgs):
    client.force_login(scenario.commune_officer)
    response = client.post(reverse("campaigns:plan-create"), {
        "unit": scenario.c11.pk, "number": "45/KH-UBND", "issued_on": "05/03/2026",
        "issuing_body": "Ủy ban nhân dân Xã Thử 11", "title": "Kế hoạch triển khai phong trào năm 2026",
        "summary": ""})
    plan = Plan.objects.get(number="45/KH-UBND")
    assert response.status_code == 302 and plan.commune_id == scenario.c11.pk
    assert plan.issued_on == datetime.date(2026, 3, 5)
    client.post(reverse("campaigns:phase-add", args=[plan.uuid]), {
        "name": "Giai đoạn 1", "starts_on": "01/03/2026", "ends_on": "30/04/2026", "goals": "Quán triệt"})
    client.post(reverse("campaigns:task-add", args=[plan.uuid]), {
        "title": "Phát thanh tuyên truyền trên loa", "lead_organisations": [orgs["committee11"].pk],
        "time_text": "Quý II/2026", "partners_text": "Đoàn Thanh niên", "note": ""})
    assert list(plan.phases.values_list("name", flat=True)) == ["Giai đoạn 1"]
    task = plan.tasks.get()
    assert task.lead_text == "Ủy ban nhân dân Xã Thử 11" and task.due_on == datetime.date(2026, 6, 30)


def test_overdue_tasks_stand_out_on_the_plan_page(client, scenario, orgs, plan):
    old = services.add_task(scenario.province_officer, plan, title="Hội nghị quán triệt", lead_text="Tỉnh đoàn",
                            time_text="Quý I/2026", lead_organisations=[orgs["youth_p1"]])
    done = services.add_task(scenario.province_officer, plan, title="Việc đã xong", lead_text="Tỉnh đoàn",
                             time_text="Quý I/2026")
    services.update_task(scenario.province_officer, done, status=Task.Status.DONE)
    client.force_login(scenario.province_officer)
    html = client.get(reverse("campaigns:plan", args=[plan.uuid])).content.decode()
    assert html.count('class="overdue"') == 1
    assert old.is_overdue and not Task.objects.get(pk=done.pk).is_overdue
    assert Task.objects.filter(plan=plan).overdue().get() == old


def test_an_organisation_officer_sees_the_tasks_it_leads_across_plans_and_updates_them(client, scenario, orgs, plan):
    other = services.create_plan(scenario.province_officer, scenario.p1, issuing_body="UBND tỉnh", title="Kế hoạch B")
    mine1 = services.add_task(scenario.province_officer, plan, title="Nhiệm vụ của Đoàn xã 1", lead_text="Đoàn",
                              lead_organisations=[scenario.youth11], time_text="Tháng 10/2026")
    mine2 = services.add_task(scenario.province_officer, other, title="Nhiệm vụ của Đoàn xã 2", lead_text="Đoàn",
                              lead_organisations=[scenario.youth11])
    services.add_task(scenario.province_officer, plan, title="Nhiệm vụ của Sở", lead_text="Sở",
                      lead_organisations=[orgs["culture"]])
    client.force_login(scenario.org_officer)
    html = client.get(reverse("campaigns:tasks")).content.decode()
    assert "Nhiệm vụ của Đoàn xã 1" in html and "Nhiệm vụ của Đoàn xã 2" in html
    assert "Nhiệm vụ của Sở" not in html
    response = client.post(reverse("campaigns:task", args=[mine1.uuid]),
                           {"status": "in_progress", "progress": "40", "result": "Đã phát 12 buổi"})
    assert response.status_code == 302
    mine1.refresh_from_db()
    assert (mine1.status, mine1.progress) == ("in_progress", 40)
    response = client.post(reverse("campaigns:task", args=[mine2.uuid]),
                           {"action": "evidence", "url": "https://zalo.me/bai-viet", "note": "Bài đăng Zalo"})
    assert mine2.evidence.get().url == "https://zalo.me/bai-viet"
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    client.post(reverse("campaigns:task", args=[mine2.uuid]), {"action": "evidence", "file": upload, "note": "Biên bản"})
    evidence = mine2.evidence.get(note="Biên bản")
    assert client.get(reverse("campaigns:evidence", args=[evidence.uuid])).getvalue() == b"%PDF-1.4 minutes"


def test_the_task_list_keeps_its_query_count_as_tasks_grow(client, scenario, orgs, plan, django_assert_num_queries):
    for i in range(3):
        services.add_task(scenario.province_officer, plan, title=f"Việc {i}", lead_text="Tỉnh đoàn",
                          lead_organisations=[orgs["youth_p1"]])
    client.force_login(scenario.province_officer)
    url = reverse("campaigns:tasks")
    client.get(url)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    for i in range(10):
        services.add_task(scenario.province_officer, plan, title=f"Việc thêm {i}", lead_text="Tỉnh đoàn",
                          lead_organisations=[orgs["culture"]])
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


def test_the_lead_organisation_updates_its_task_through_the_api_but_not_others(client, scenario, orgs, plan):
    mine = services.add_task(scenario.province_officer, plan, title="Chiến dịch thanh niên", lead_text="Đoàn",
                             lead_organisations=[scenario.youth11])
    theirs = services.add_task(scenario.province_officer, plan, title="Việc của Sở", lead_text="Sở",
                               lead_organisations=[orgs["culture"]])
    client.force_login(scenario.org_officer)
    response = client.patch(reverse("plan-task-detail", args=[mine.uuid]), {"status": "in_progress", "progress": 35},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["progress"] == 35
    assert client.patch(reverse("plan-task-detail", args=[theirs.uuid]), {"progress": 90},
                        content_type="application/json").status_code == 403
    assert client.patch(reverse("plan-task-detail", args=[mine.uuid]), {"progress": 130},
                        content_type="application/json").status_code == 400
    theirs.refresh_from_db()
    assert theirs.progress == 0
    assert AuditLog.objects.filter(model="campaigns.task", object_id=str(mine.uuid), action="update").exists()
