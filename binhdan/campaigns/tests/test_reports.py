"""Reporting up: a commune writes its quarterly report from live data, submits it (figures frozen), the
province sees who reported on time, late or not at all, returns or accepts, and compiles."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from binhdan.campaigns import services
from binhdan.campaigns.models import Activity, Report, ReportingRule
from binhdan.campaigns.periods import Period
from binhdan.campaigns.services import CampaignError

from .conftest import LATE, ON_TIME, Q3, WRITTEN


def _activity(user, unit, on, kind="loudspeaker", quantity=3, reached=400):
    return services.record_activity(user, unit=unit, kind=kind, on=on, title="Phát thanh về VNeID",
                                    quantity=quantity, people_reached=reached)


def test_a_commune_officer_drafts_the_third_quarter_report_from_live_figures(scenario, q3_report):
    assert q3_report.status == Report.Status.DRAFT
    assert q3_report.due_on == datetime.date(2026, 9, 15)
    assert (q3_report.issuer_parent, q3_report.issuer, q3_report.place_name) == (
        "ỦY BAN NHÂN DÂN", "XÃ THỬ 11", "Thử 11")
    assert q3_report.title == "Kết quả thực hiện phong trào “Bình dân học vụ số” quý III năm 2026"
    assert "Tỉnh Thử 1" in q3_report.recipients
    assert q3_report.results_text and q3_report.proposals_text
    assert q3_report.figures is None


def test_a_report_cannot_be_written_for_a_future_period(scenario):
    with pytest.raises(CampaignError, match="chưa bắt đầu"):
        services.create_report(scenario.commune_officer, scenario.c11, Period("quarter", 2026, 4),
                               today=datetime.date(2026, 9, 1))
    assert not Report.objects.exists()


def test_a_second_report_for_the_same_period_is_refused(scenario, q3_report):
    with pytest.raises(CampaignError, match="đã có báo cáo"):
        services.create_report(scenario.commune_officer, scenario.c11, Q3, today=WRITTEN)
    assert Report.objects.count() == 1


def test_a_unit_out_of_scope_cannot_report(scenario):
    for user, unit in [(scenario.outsider, scenario.c11), (scenario.commune_officer, scenario.c12),
                       (scenario.org_officer, scenario.c11), (scenario.province_officer, scenario.c21),
                       (scenario.commune_officer, scenario.p1)]:
        with pytest.raises(CampaignError):
            services.create_report(user, unit, Q3, today=WRITTEN)
    assert not Report.objects.exists()


def test_the_province_reviews_a_commune_report_but_does_not_write_or_submit_it(scenario, q3_report):
    with pytest.raises(CampaignError, match="Chỉ cán bộ của Xã Thử 12"):
        services.create_report(scenario.province_officer, scenario.c12, Q3, today=WRITTEN)
    with pytest.raises(CampaignError):
        services.update_report(scenario.province_officer, q3_report, results_text="Tỉnh sửa hộ")
    with pytest.raises(CampaignError):
        services.submit_report(scenario.province_officer, q3_report, now=ON_TIME)
    q3_report.refresh_from_db()
    assert q3_report.status == Report.Status.DRAFT and q3_report.results_text != "Tỉnh sửa hộ"


def test_submitting_freezes_the_figures_and_later_data_does_not_change_them(scenario, q3_report):
    _activity(scenario.commune_officer, scenario.v111, datetime.date(2026, 8, 1), quantity=5, reached=300)
    report = services.submit_report(scenario.commune_officer, q3_report, now=ON_TIME)
    assert report.status == Report.Status.SUBMITTED and report.data_as_of == ON_TIME
    assert report.figures["activities"]["total"] == {"count": 1, "quantity": 5, "reached": 300}
    _activity(scenario.commune_officer, scenario.v111, datetime.date(2026, 8, 2), quantity=9, reached=900)
    report.refresh_from_db()
    assert services.report_figures(report)["activities"]["total"]["count"] == 1
    assert services.live_figures(report)["activities"]["total"]["count"] == 2


def test_a_report_cannot_be_submitted_twice_but_a_returned_one_is_resubmitted(scenario, q3_report):
    services.submit_report(scenario.commune_officer, q3_report, now=ON_TIME)
    with pytest.raises(CampaignError, match="đã được gửi"):
        services.submit_report(scenario.commune_officer, q3_report, now=ON_TIME)
    with pytest.raises(CampaignError):  # the commune cannot review its own report
        services.return_report(scenario.commune_officer, q3_report, "Sửa số liệu")
    services.return_report(scenario.province_officer, q3_report, "Bổ sung số liệu thôn 112")
    q3_report.refresh_from_db()
    assert q3_report.status == Report.Status.RETURNED and q3_report.review_comment == "Bổ sung số liệu thôn 112"
    services.update_report(scenario.commune_officer, q3_report, results_text="Đã bổ sung.")
    report = services.submit_report(scenario.commune_officer, q3_report, now=LATE)
    assert report.status == Report.Status.SUBMITTED
    assert report.first_submitted_at == ON_TIME and report.on_time  # resubmitting keeps the first date
    services.accept_report(scenario.province_officer, report)
    assert [e.status for e in report.events.all()] == ["draft", "submitted", "returned", "submitted", "accepted"]
    with pytest.raises(CampaignError):
        services.update_report(scenario.commune_officer, report, results_text="Sửa sau khi tiếp nhận")


def test_the_due_day_is_data_per_province(scenario):
    ReportingRule.objects.create(unit=scenario.p1, due_day=10)
    report = services.create_report(scenario.commune_officer, scenario.c11, Q3, today=WRITTEN)
    assert report.due_on == datetime.date(2026, 9, 10)
    other = services.create_report(scenario.outsider, scenario.c21, Q3, today=WRITTEN)
    assert other.due_on == datetime.date(2026, 9, 15)


def test_the_province_sees_each_commune_on_time_late_or_missing(client, scenario, q3_report):
    late = services.create_report(scenario.admin, scenario.c12, Q3, today=WRITTEN)
    services.submit_report(scenario.commune_officer, q3_report, now=ON_TIME)
    services.submit_report(scenario.admin, late, now=LATE)
    client.force_login(scenario.province_officer)
    response = client.get(reverse("campaigns:province", args=["P1", Q3.slug]))
    states = {row["unit"].code: row["state"] for row in response.context["rows"]}
    assert states == {"C11": "on_time", "C12": "late"}
    assert response.context["counts"] == {"on_time": 1, "late": 1, "missing": 0}
    services.return_report(scenario.province_officer, late, "Thiếu phần III")
    # a third commune that never reported is missing
    from binhdan.geo.models import AdminUnit, Kind, Level

    AdminUnit(code="C13", name="Xã Thử 13", level=Level.COMMUNE, kind=Kind.COMMUNE, parent=scenario.p1).save()
    html = client.get(reverse("campaigns:province", args=["P1", Q3.slug])).content.decode()
    assert "Xã Thử 13" in html and "Chưa gửi" in html and "Đúng hạn" in html and "Chậm" in html


def test_the_province_report_compiles_only_the_accepted_commune_reports(scenario, q3_report):
    _activity(scenario.commune_officer, scenario.v111, datetime.date(2026, 7, 20), quantity=4, reached=100)
    other = services.create_report(scenario.admin, scenario.c12, Q3, today=WRITTEN)
    services.record_activity(scenario.admin, unit=scenario.v121, kind="social", on=datetime.date(2026, 8, 5),
                             title="Video Zalo", quantity=2, people_reached=1500)
    services.submit_report(scenario.commune_officer, q3_report, now=ON_TIME)
    services.submit_report(scenario.admin, other, now=ON_TIME)
    services.accept_report(scenario.province_officer, q3_report)
    province = services.create_report(scenario.province_officer, scenario.p1, Q3, today=datetime.date(2026, 9, 20))
    data = services.live_figures(province)
    assert data["compiled_from"] == 1
    assert [c["name"] for c in data["children"]] == ["Xã Thử 11"]
    assert data["activities_compiled"]["total"] == {"count": 1, "quantity": 4, "reached": 100}
    assert {s["code"]: s["state"] for s in data["submissions"]} == {"C11": "on_time", "C12": "on_time"}
    assert "tổng hợp từ 1 báo cáo" in province.results_text


def test_each_unit_sees_reminders_of_what_is_due(client, scenario):
    rows = services.reminders(scenario.commune_officer, today=datetime.date(2026, 9, 5))
    assert [(r["unit"].code, r["period"].short, r["due_on"]) for r in rows] == [
        ("C11", "Quý II/2026", datetime.date(2026, 6, 15)), ("C11", "Quý III/2026", datetime.date(2026, 9, 15))]
    assert rows[0]["overdue"] and not rows[1]["overdue"] and rows[1]["days_left"] == 10
    report = services.create_report(scenario.commune_officer, scenario.c11, Q3, today=WRITTEN)
    services.submit_report(scenario.commune_officer, report, now=ON_TIME)
    rows = services.reminders(scenario.commune_officer, today=datetime.date(2026, 9, 12))
    assert [r["period"].short for r in rows] == ["Quý II/2026"]
    province_rows = services.reminders(scenario.province_officer, today=datetime.date(2026, 12, 2))
    assert {r["period"].short for r in province_rows} == {"Quý III/2026", "Quý IV/2026", "6 tháng cuối năm 2026",
                                                          "Năm 2026"}
    client.force_login(scenario.commune_officer)
    html = client.get(reverse("campaigns:index")).content.decode()
    assert "Báo cáo phải gửi" in html


def test_the_commune_officer_writes_submits_and_the_province_accepts_through_the_pages(client, scenario):
    client.force_login(scenario.commune_officer)
    period = Period("quarter", timezone.localdate().year, (timezone.localdate().month - 1) // 3 + 1)
    response = client.post(reverse("campaigns:report-create"), {"unit": "C11", "period": period.slug})
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaigns:report", args=[report.uuid])
    page = client.get(response.url)
    assert page.status_code == 200 and "Gửi báo cáo" in page.content.decode()
    fields = {f: getattr(report, f) for f in ("symbol", "place_name", "title", "results_text", "limitations_text",
                                              "causes_text", "proposals_text", "recipients", "signing_capacity",
                                              "signer_title")}
    fields.update(dated=report.dated.strftime("%d/%m/%Y"), signer_name="Lê Văn Bình", symbol="125/BC-UBND")
    assert client.post(reverse("campaigns:report", args=[report.uuid]), fields).status_code == 302
    report.refresh_from_db()
    assert report.signer_name == "Lê Văn Bình" and report.symbol == "125/BC-UBND"
    client.post(reverse("campaigns:report-submit", args=[report.uuid]))
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.figures is not None
    assert client.post(reverse("campaigns:report-review", args=[report.uuid, "tiep-nhan"])).status_code == 403
    client.force_login(scenario.province_officer)
    client.post(reverse("campaigns:report-review", args=[report.uuid, "tiep-nhan"]), {"comment": "Tốt"})
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED


def test_the_report_list_and_api_keep_their_query_counts(client, scenario, django_assert_num_queries):
    client.force_login(scenario.province_officer)
    for i, unit in enumerate([scenario.c11, scenario.c12]):
        report = services.create_report(scenario.admin, unit, Period("quarter", 2026, 1 + i), today=WRITTEN)
        services.submit_report(scenario.admin, report, now=ON_TIME)
    client.get(reverse("campaigns:reports"))
    with django_assert_num_queries(9):
        assert client.get(reverse("campaigns:reports")).status_code == 200
    with django_assert_num_queries(5):
        rows = client.get(reverse("periodic-report-list")).json()["results"]
    assert len(rows) == 2
    with django_assert_num_queries(8):
        html = client.get(reverse("campaigns:province", args=["P1", "2026-q1"])).content.decode()
    assert "Xã Thử 11" in html
    from binhdan.geo.models import AdminUnit, Kind, Level

    for i in range(3, 6):
        commune = AdminUnit(code=f"C1{i}", name=f"Xã Thử 1{i}", level=Level.COMMUNE, kind=Kind.COMMUNE,
                            parent=scenario.p1)
        commune.save()
        services.submit_report(scenario.admin, services.create_report(
            scenario.admin, commune, Period("quarter", 2026, 1), today=WRITTEN), now=ON_TIME)
    with django_assert_num_queries(8):
        html = client.get(reverse("campaigns:province", args=["P1", "2026-q1"])).content.decode()
    assert "Xã Thử 15" in html


def test_the_api_submits_and_the_province_returns_with_a_comment(client, scenario, q3_report):
    client.force_login(scenario.commune_officer)
    response = client.post(reverse("periodic-report-submit", args=[q3_report.uuid]))
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert client.post(reverse("periodic-report-submit", args=[q3_report.uuid])).status_code == 409
    client.force_login(scenario.province_officer)
    response = client.post(reverse("periodic-report-return", args=[q3_report.uuid]), {"comment": "Thiếu bảng"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["review_comment"] == "Thiếu bảng"
    detail = client.get(reverse("periodic-report-detail", args=[q3_report.uuid])).json()
    assert detail["figures"]["period"]["label"] == "quý III năm 2026"


def test_activity_totals_per_period_and_unit_appear_on_the_dashboard(client, scenario):
    today = timezone.localdate()
    _activity(scenario.commune_officer, scenario.v111, today, quantity=3, reached=250)
    services.record_activity(scenario.commune_officer, unit=scenario.c11, kind=Activity.Kind.DIGITAL_DAY, on=today,
                             title="Ngày hội toàn dân học tập số", quantity=1, people_reached=600)
    _activity(scenario.outsider, scenario.v211, today, quantity=50, reached=5000)
    with pytest.raises(CampaignError):
        _activity(scenario.commune_officer, scenario.v111, today + datetime.timedelta(days=2))
    client.force_login(scenario.commune_officer)
    response = client.get(reverse("campaigns:index"))
    assert response.context["total"] == {"n": 2, "quantity": 4, "reached": 850}
    listing = client.get(reverse("campaigns:activities")).content.decode()
    assert "Ngày hội toàn dân học tập số" in listing and "5000" not in listing


def test_an_officer_writes_a_report_for_another_period_from_the_list(client, scenario):
    client.force_login(scenario.commune_officer)
    html = client.get(reverse("campaigns:reports")).content.decode()
    assert 'value="C11"' in html and 'value="C12"' not in html and "Lập báo cáo cho kỳ khác" in html
    year = timezone.localdate().year
    response = client.post(reverse("campaigns:report-create"), {"unit": "C11", "period": f"{year - 1}-h2"})
    report = Report.objects.get()
    assert response.url == reverse("campaigns:report", args=[report.uuid])
    assert (report.period_kind, report.number, report.year, report.due_on) == ("half", 2, year - 1,
                                                                             datetime.date(year - 1, 12, 15))
    response = client.post(reverse("campaigns:report-create"), {"unit": "C11", "period": f"{year + 1}-q1"})
    assert response.status_code == 302 and Report.objects.count() == 1  # a future period is refused
