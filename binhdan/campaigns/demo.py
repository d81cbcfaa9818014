"""Demo data for a commune: its plan (phases and task table, shaped like plans 001 and 003), outreach
activities (loudspeaker broadcasts, Zalo posts, banners, the 10/10 day), a submitted third-quarter
report and an approved commendation. Deterministic for a given seed; the lead's `seed_demo` calls
`seed_campaigns(commune, seed)` after the villages and organisations exist."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from binhdan.campaigns import services
from binhdan.campaigns.models import Activity, Plan, Report, Task
from binhdan.campaigns.periods import Period
from binhdan.geo.models import AdminUnit, Level, Organisation

PHASES = [
    ("Giai đoạn 1: Quán triệt, khởi động", (1, 1), (4, 30),
     "Quán triệt kế hoạch; ra mắt Tổ công nghệ số cộng đồng ở mỗi thôn; tuyên truyền cao điểm đầu năm."),
    ("Giai đoạn 2: Triển khai theo chiều sâu", (5, 1), (9, 30),
     "Kèm cặp “cầm tay chỉ việc” đến từng hộ; mở lớp học số cộng đồng; phấn đấu đạt các chỉ tiêu định lượng."),
    ("Giai đoạn 3: Tổng kết, tôn vinh", (10, 1), (12, 31),
     "Tổ chức “Ngày hội toàn dân học tập số” 10/10; đánh giá kết quả; khen thưởng tập thể, cá nhân tiêu biểu."),
]
# task, lead organisation kind, partners, time frame, note, status, progress
TASKS = [
    ("Ban hành kế hoạch và quán triệt phong trào “Bình dân học vụ số” đến các thôn", "culture_society_office",
     "Các đoàn thể, trưởng thôn", "Quý I/{y}", "", "done", 100),
    ("Thành lập và duy trì hoạt động Tổ công nghệ số cộng đồng tại 100% thôn", "youth_union",
     "Trưởng thôn, Hội Phụ nữ", "Quý I/{y}", "Nòng cốt là đoàn viên thanh niên", "done", 100),
    ("Tuyên truyền trên hệ thống loa, trang Zalo của xã về kỹ năng số, VNeID, phòng chống lừa đảo",
     "public_service_centre", "Công an xã, Đoàn Thanh niên", "Thường xuyên trong năm {y}", "", "in_progress", 70),
    ("Hướng dẫn người dân kích hoạt, sử dụng VNeID mức độ 2", "police", "Tổ công nghệ số cộng đồng",
     "Quý II/{y}", "", "in_progress", 60),
    ("Kèm cặp 1-1 người cao tuổi sử dụng điện thoại thông minh", "elderly_association",
     "Đoàn Thanh niên, Hội Phụ nữ", "Tháng 6/{y}, Tháng 9/{y}", "Ưu tiên người cao tuổi sống một mình",
     "in_progress", 50),
    ("Hỗ trợ tiểu thương, hộ sản xuất bán hàng trên sàn thương mại điện tử (mô hình “Chợ số”)",
     "farmers_union", "Hợp tác xã, Hội Phụ nữ", "Quý III/{y}", "", "not_started", 0),
    ("Tổ chức “Ngày hội toàn dân học tập số” 10/10", "culture_society_office", "Các trường học, đoàn thể",
     "Tháng 10/{y}", "", "not_started", 0),
    ("Sơ kết, tổng kết; đề xuất khen thưởng tập thể, cá nhân tiêu biểu", "culture_society_office",
     "Các đoàn thể", "Tháng 12/{y}", "", "not_started", 0),
]
ACTIVITY_TITLES = {
    Activity.Kind.LOUDSPEAKER: ["Hướng dẫn kích hoạt VNeID mức độ 2", "Cảnh giác lừa đảo qua điện thoại",
                                "Thanh toán không dùng tiền mặt khi đi chợ", "Lịch lớp học số cộng đồng"],
    Activity.Kind.SOCIAL: ["Clip hướng dẫn nộp hồ sơ trực tuyến trên Cổng dịch vụ công",
                           "Bài đăng Zalo: 5 dấu hiệu tin nhắn lừa đảo", "Video: dùng VNeID khi đi khám bệnh"],
    Activity.Kind.BANNER: ["Băng rôn “Bình dân học vụ số - Không ai bị bỏ lại phía sau”"],
    Activity.Kind.MEETING: ["Họp thôn lồng ghép tuyên truyền chuyển đổi số"],
    Activity.Kind.PRINTED: ["Tờ rơi hướng dẫn cài đặt VNeID"],
}


def _year(today: datetime.date) -> int:
    """The latest year whose third quarter has ended."""
    return today.year if today >= datetime.date(today.year, 10, 1) else today.year - 1


@transaction.atomic
def seed_campaigns(commune: AdminUnit, seed: int = 1) -> dict:
    rng = random.Random(seed)
    today = timezone.localdate()
    year = _year(today)
    orgs = {o.kind: o for o in Organisation.objects.filter(unit=commune, active=True).order_by("name")}
    committee = orgs.get("peoples_committee")
    plan = Plan.objects.filter(unit=commune, title__contains="Bình dân học vụ số", issued_on__year=year).first()
    if plan is None:
        plan = services.create_plan(
            None, commune, number=f"{rng.randint(20, 90)}/KH-UBND", issued_on=datetime.date(year, 2, 20),
            issuing_body=committee.name if committee else f"Ủy ban nhân dân {commune.name}",
            title=f"Kế hoạch triển khai phong trào “Bình dân học vụ số” trên địa bàn {commune.name} năm {year}",
            summary="Phổ cập kỹ năng số cơ bản cho người dân; mỗi thôn có ít nhất một Tổ công nghệ số cộng đồng; "
                    "không để ai bị bỏ lại phía sau.")
        for i, (name, start, end, goals) in enumerate(PHASES, start=1):
            services.add_phase(None, plan, name=name, starts_on=datetime.date(year, *start),
                               ends_on=datetime.date(year, *end), goals=goals, position=i)
        for title, kind, partners, time_text, note, status, progress in TASKS:
            org = orgs.get(kind) or committee
            task = services.add_task(None, plan, title=title, lead_text=org.name if org else commune.name,
                                     partners_text=partners, time_text=time_text.format(y=year), note=note,
                                     lead_organisations=[org] if org else [])
            if status != Task.Status.NOT_STARTED:
                services.update_task(None, task, status=status, progress=progress,
                                     result="Đã triển khai tại các thôn." if status == "done" else "")
    villages = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE, valid_to__isnull=True)
                    .order_by("code"))
    made = 0
    if not Activity.objects.filter(commune=commune).exists():
        organiser = orgs.get("public_service_centre") or committee
        youth = orgs.get("youth_union") or committee
        for month in range(1, min(12, today.month if year == today.year else 12) + 1):
            for village in villages:
                day = datetime.date(year, month, rng.randint(1, 27))
                if day > today:
                    continue
                services.record_activity(None, unit=village, kind=Activity.Kind.LOUDSPEAKER, on=day,
                                         title=rng.choice(ACTIVITY_TITLES[Activity.Kind.LOUDSPEAKER]),
                                         quantity=rng.randint(2, 8), people_reached=rng.randint(150, 600),
                                         organiser=organiser, plan=plan)
                made += 1
            day = datetime.date(year, month, rng.randint(1, 27))
            if day <= today:
                kind = rng.choice([Activity.Kind.SOCIAL, Activity.Kind.SOCIAL, Activity.Kind.MEETING,
                                   Activity.Kind.PRINTED, Activity.Kind.BANNER])
                services.record_activity(None, unit=commune, kind=kind, on=day, title=rng.choice(ACTIVITY_TITLES[kind]),
                                         quantity=rng.randint(1, 300 if kind == Activity.Kind.PRINTED else 5),
                                         people_reached=rng.randint(300, 3000), organiser=youth, plan=plan,
                                         evidence_url="https://zalo.me/" if kind == Activity.Kind.SOCIAL else "")
                made += 1
        digital_day = datetime.date(year, 10, 10)
        if digital_day <= today:
            services.record_activity(None, unit=commune, kind=Activity.Kind.DIGITAL_DAY, on=digital_day,
                                     title="Ngày hội toàn dân học tập số: gian hướng dẫn VNeID, ví điện tử, "
                                           "dịch vụ công trực tuyến", quantity=1,
                                     people_reached=rng.randint(600, 1500), organiser=committee, plan=plan)
            made += 1
    q3 = Period("quarter", year, 3)
    report = Report.objects.filter(unit=commune, period_kind=q3.kind, year=q3.year, number=q3.number).first()
    if report is None:
        report = services.create_report(None, commune, q3, today=datetime.date(year, 9, 8))
        services.update_report(None, report, symbol=f"{rng.randint(100, 250)}/BC-UBND", signer_name="Lê Văn Bình",
                               signing_capacity="TM. ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH",
                               dated=datetime.date(year, 9, 10))
        services.submit_report(None, report, now=timezone.make_aware(datetime.datetime(year, 9, 10, 15, 0)))
    from binhdan.campaigns.models import Commendation

    if not Commendation.objects.filter(commune=commune).exists() and villages:
        c = services.nominate(None, unit=villages[0], subject="person", category="elderly_learner",
                              name="Bà Nguyễn Thị Lành", year=year,
                              achievements="Ở tuổi 76, tự học sử dụng điện thoại thông minh, VNeID và thanh toán "
                                           "không dùng tiền mặt; hướng dẫn lại cho 12 người cao tuổi trong thôn.")
        services.decide_commendation(None, c, approve=True, decision=f"{rng.randint(10, 99)}/QĐ-UBND",
                                     on=datetime.date(year, 9, 5))
        services.nominate(None, unit=villages[-1], subject="team", category="exemplary_team", year=year,
                          name=f"Tổ công nghệ số cộng đồng {villages[-1].name}",
                          achievements="Hướng dẫn hơn 300 lượt người dân cài đặt, sử dụng VNeID và dịch vụ công.")
    return {"plan": plan, "activities": made, "report": report}
