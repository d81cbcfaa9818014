"""Commendations: nominate people, teams, villages, households and organisations with the platform's
evidence; approve at commune or province; a printable list and a certificate of merit per person."""

import pytest
from django.urls import reverse

from binhdan.campaigns import services
from binhdan.campaigns.models import Commendation
from binhdan.campaigns.services import CampaignError


@pytest.fixture
def elder(scenario):
    from binhdan.people.models import Person

    person = Person(full_name="Nguyễn Thị Lành", birth_year=1948)
    person.set_place(scenario.v111)
    person.save()
    return person


def test_an_organisation_officer_nominates_an_elderly_learner_and_the_commune_approves(client, scenario, elder):
    client.force_login(scenario.org_officer)
    response = client.post(reverse("campaigns:commendation-create"), {
        "unit": scenario.v111.pk, "subject": "person", "category": "elderly_learner", "name": "",
        "person": str(elder.uuid), "achievements": "Ở tuổi 78 đã tự dùng VNeID và thanh toán không tiền mặt"})
    c = Commendation.objects.get()
    assert response.status_code == 302
    assert (c.name, c.person, c.commune_id, c.status) == ("Nguyễn Thị Lành", elder, scenario.c11.pk, "nominated")
    page = client.get(reverse("campaigns:commendation", args=[c.uuid])).content.decode()
    assert "Khen thưởng</button>" not in page  # an organisation officer nominates but does not decide
    assert client.post(reverse("campaigns:commendation", args=[c.uuid]), {"action": "approve"}).status_code == 403
    client.force_login(scenario.commune_officer)
    client.post(reverse("campaigns:commendation", args=[c.uuid]),
                {"action": "approve", "decision": "15/QĐ-UBND ngày 10/10/2026", "note": ""})
    c.refresh_from_db()
    assert (c.status, c.level, c.decision) == ("approved", "commune", "15/QĐ-UBND ngày 10/10/2026")
    with pytest.raises(CampaignError):
        services.decide_commendation(scenario.province_officer, c, approve=False)


def test_the_province_approves_a_team_at_province_level_and_may_refuse_another(scenario):
    team = services.nominate(scenario.commune_officer, unit=scenario.v112, subject="team", category="exemplary_team",
                             name="Tổ công nghệ số cộng đồng thôn 112", achievements="Hướng dẫn 300 lượt người dân")
    seller = services.nominate(scenario.commune_officer, unit=scenario.v111, subject="person",
                               category="online_seller", name="Trần Văn Bán", achievements="Bán hàng qua Zalo")
    services.decide_commendation(scenario.province_officer, team, approve=True, decision="102/QĐ-UBND")
    services.decide_commendation(scenario.province_officer, seller, approve=False, note="Chưa đủ minh chứng")
    team.refresh_from_db()
    seller.refresh_from_db()
    assert (team.status, team.level) == ("approved", "province")
    assert (seller.status, seller.review_note) == ("rejected", "Chưa đủ minh chứng")
    with pytest.raises(CampaignError):
        services.decide_commendation(scenario.outsider, team, approve=True)


def test_the_printable_list_and_the_certificate_of_merit(client, scenario, elder):
    c = services.nominate(scenario.commune_officer, unit=scenario.v111, subject="person", category="elderly_learner",
                          name="", person=elder, achievements="Thành thạo điện thoại thông minh")
    pending = services.nominate(scenario.commune_officer, unit=scenario.v111, subject="household",
                                category="digital_family", name="Hộ ông Lê Văn Tám", achievements="Gia đình số")
    services.decide_commendation(scenario.commune_officer, c, approve=True, decision="15/QĐ-UBND")
    client.force_login(scenario.province_officer)
    html = client.get(reverse("campaigns:commendation-print")).content.decode()
    assert "Nguyễn Thị Lành" in html and "15/QĐ-UBND" in html and "Hộ ông Lê Văn Tám" not in html
    response = client.get(reverse("campaigns:commendation-pdf", args=[c.uuid]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"DejaVuSans" in response.content  # the Vietnamese-capable font is embedded
    assert client.get(reverse("campaigns:commendation-pdf", args=[pending.uuid])).status_code == 404


def test_a_nomination_carries_the_platforms_evidence_of_the_person(scenario, elder):
    import datetime

    from binhdan.learning.models import Attempt, Certificate, LearnerAccount, Level

    level = Level.objects.create(code="1", position=1, title="Cấp 1 — Xóa mù công nghệ")
    from django.utils import timezone

    learner = LearnerAccount(user=scenario.learner, full_name=elder.full_name, person=elder, card_token="t-1",
                             pin_hash="x")
    learner.set_place(scenario.v111)
    learner.save()
    now = timezone.now()
    attempt = Attempt.objects.create(learner=learner, level=level, passed=True, started_at=now, deadline=now)
    Certificate.objects.create(code="BDHVS-TEST-1", learner=learner, person=elder, level=level, attempt=attempt,
                               full_name=elder.full_name, issued_on=datetime.date(2026, 8, 1))
    c = services.nominate(scenario.commune_officer, unit=scenario.v111, subject="person", category="elderly_learner",
                          name="", person=elder, achievements="Thành thạo điện thoại")
    assert c.evidence == [{"kind": "certificate", "text": "Cấp 1 — Xóa mù công nghệ — 01/08/2026",
                           "code": "BDHVS-TEST-1"}]


def test_the_commendation_list_keeps_its_query_count(client, scenario, django_assert_num_queries):
    for i in range(3):
        services.nominate(scenario.commune_officer, unit=scenario.v111, subject="person", category="helpful_youth",
                          name=f"Đoàn viên {i}", achievements="Hỗ trợ người dân")
    client.force_login(scenario.commune_officer)
    url = reverse("campaigns:commendations")
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    for i in range(5):
        services.nominate(scenario.commune_officer, unit=scenario.v112, subject="person", category="helpful_youth",
                          name=f"Thanh niên {i}", achievements="Hỗ trợ người dân")
    with django_assert_num_queries(5):
        assert "Thanh niên 4" in client.get(url).content.decode()
