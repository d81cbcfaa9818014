"""Officers and team members see learners, attempts and statistics of their scope only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from binhdan.core.models import AuditLog
from binhdan.learning import services
from binhdan.learning.models import Attempt, AttemptItem, Certificate, LearnerAccount, SelfAssessment


def passed_attempt(learner, level, right=20):
    attempt = services.start_attempt(learner, level)
    items = list(attempt.items.select_related("question_version").order_by("position"))
    for item in items:
        correct = item.question_version.correct_set()
        shown = [i for i, original in enumerate(item.order) if (original in correct) == (item.position <= right)][:1]
        services.answer(attempt, item.position, shown)
    return services.finish_attempt(attempt)


@pytest.fixture
def two_communes(scenario, curriculum):
    """A learner who passed in V111 (province P1) and one who failed in C21 (province P2)."""
    home = services.create_learner(full_name="Nguyễn Thị Hoa", phone="0912345678", pin="123456", unit=scenario.v111)
    away = services.create_learner(full_name="Phạm Văn Xa", phone="0912345679", pin="123456", unit=scenario.v211)
    passed_attempt(home, curriculum, right=18)
    passed_attempt(away, curriculum, right=5)
    for learner, before, after in ((home, "not", "can"), (away, "help", "help")):
        services.save_self_assessment(learner, curriculum, "before", {"l1.power": before, "l1.search": before})
        services.save_self_assessment(learner, curriculum, "after", {"l1.power": after, "l1.search": after})
    return home, away


def test_commune_officer_sees_statistics_of_their_commune_only(client, scenario, two_communes,
                                                               django_assert_num_queries):
    client.force_login(scenario.commune_officer)
    with django_assert_num_queries(10):
        response = client.get(reverse("learning:officer_stats"))
    ctx = response.context
    assert ctx["learners"] == 1
    assert [(r["n"], r["passed"], r["rate"]) for r in ctx["per_level"]] == [(1, 1, 100)]
    assert sum(r["test_n"] for r in ctx["lessons"]) == 20
    assert [(r["before"], r["after"], r["delta"]) for r in ctx["change"]] == [(0, 100, 100)]


def test_the_hardest_questions_come_first(client, scenario, two_communes):
    client.force_login(scenario.province_officer)
    hardest = client.get(reverse("learning:officer_stats")).context["hardest"]
    assert [r["rate"] for r in hardest] == sorted(r["rate"] for r in hardest)
    assert hardest[0]["rate"] == 0 and hardest[-1]["rate"] == 100


def test_outsider_sees_only_their_own_province_in_statistics(client, scenario, two_communes):
    client.force_login(scenario.outsider)
    ctx = client.get(reverse("learning:officer_stats")).context
    assert ctx["learners"] == 1
    assert [(r["n"], r["passed"]) for r in ctx["per_level"]] == [(1, 0)]


def test_a_learner_cannot_open_officer_statistics(client, two_communes):
    home, _away = two_communes
    client.force_login(home.user)
    assert client.get(reverse("learning:officer_stats")).status_code == 403


def test_the_learner_list_is_scoped_and_its_queries_pinned(client, scenario, two_communes,
                                                           django_assert_num_queries):
    client.force_login(scenario.commune_officer)
    with django_assert_num_queries(6):
        response = client.get(reverse("learning:officer_learners"))
    assert [learner.full_name for learner in response.context["page"]] == ["Nguyễn Thị Hoa"]


def test_outsider_cannot_see_or_change_a_learner_of_another_province(client, scenario, two_communes):
    home, _away = two_communes
    client.force_login(scenario.outsider)
    assert client.get(reverse("learning:officer_learner", args=[home.uuid])).status_code == 404
    assert client.get(reverse("learning:officer_learner_card", args=[home.uuid])).status_code == 403
    old_token = home.card_token
    assert client.post(reverse("learning:officer_learner", args=[home.uuid]), {"action": "card"}).status_code == 403
    home.refresh_from_db()
    assert home.card_token == old_token
    names = [x.full_name for x in client.get(reverse("learning:officer_learners")).context["page"]]
    assert "Nguyễn Thị Hoa" not in names


def test_a_team_member_creates_a_learner_and_prints_a_card(client, scenario, curriculum):
    client.force_login(scenario.team_member)
    response = client.post(reverse("learning:officer_learner_create"),
                           {"full_name": "Bà Trần Thị Tư", "village": "V111", "phone": "", "pin": "482615"})
    learner = LearnerAccount.objects.get()
    assert response["Location"] == reverse("learning:officer_learner", args=[learner.uuid])
    assert (learner.village_id, learner.created_by) == (scenario.v111.pk, scenario.team_member)
    card = client.get(reverse("learning:officer_learner_card", args=[learner.uuid])).content.decode()
    assert "<svg" in card and "Bà Trần Thị Tư" in card and "482615" not in card
    client.logout()
    signed = client.post(reverse("learning:card_sign_in", args=[learner.card_token]), {"pin": "482615"})
    assert signed.status_code == 302


def test_a_team_member_cannot_create_a_learner_in_another_village(client, scenario, curriculum):
    client.force_login(scenario.team_member)
    response = client.post(reverse("learning:officer_learner_create"),
                           {"full_name": "Ai Đó", "village": "V211", "pin": "482615"})
    assert response.status_code == 200 and "village" in response.context["form"].errors
    assert not LearnerAccount.objects.exists()
    client.force_login(scenario.outsider)
    client.post(reverse("learning:officer_learner_create"), {"full_name": "Ai Đó", "village": "V111", "pin": "482615"})
    assert not LearnerAccount.objects.exists()
    client.force_login(scenario.learner)
    assert client.get(reverse("learning:officer_learner_create")).status_code == 403


def test_a_new_card_stops_the_old_one(client, scenario, two_communes):
    home, _away = two_communes
    old = home.card_token
    client.force_login(scenario.team_member)
    client.post(reverse("learning:officer_learner", args=[home.uuid]), {"action": "card"})
    home.refresh_from_db()
    assert home.card_token != old
    assert client.get(reverse("learning:card_sign_in", args=[old])).status_code == 404


def test_linking_a_learner_to_a_person_carries_their_achievements(client, scenario, two_communes):
    from binhdan.people.models import Person

    home, _away = two_communes
    person = Person(full_name="Nguyễn Thị Hoa", birth_year=1958)
    person.set_place(scenario.v111)
    person.save()
    client.force_login(scenario.team_member)
    page = client.get(reverse("learning:officer_learner", args=[home.uuid])).content.decode()
    assert str(person.uuid) in page
    client.post(reverse("learning:officer_learner", args=[home.uuid]), {"action": "link", "person": person.uuid})
    home.refresh_from_db()
    assert home.person == person
    assert set(home.achievements.values_list("person", flat=True)) == {person.pk}
    assert Certificate.objects.get(learner=home).person == person


def test_commune_officer_revokes_a_certificate_and_it_is_audited(client, scenario, two_communes):
    cert = Certificate.objects.get()
    client.force_login(scenario.commune_officer)
    client.post(reverse("learning:officer_certificate_revoke", args=[cert.code]), {"reason": "Thi hộ"})
    cert.refresh_from_db()
    assert cert.revoked_by == scenario.commune_officer and cert.revoke_reason == "Thi hộ"
    row = AuditLog.objects.filter(model="learning.certificate", note="revoked").get()
    assert row.user == scenario.commune_officer and row.after["revoke_reason"] == "Thi hộ"


def test_a_team_member_cannot_revoke_and_an_outsider_gets_403(client, scenario, two_communes):
    cert = Certificate.objects.get()
    for user in (scenario.team_member, scenario.outsider):
        client.force_login(user)
        response = client.post(reverse("learning:officer_certificate_revoke", args=[cert.code]), {"reason": "x"})
        assert response.status_code == 403
    cert.refresh_from_db()
    assert cert.valid


def test_certificate_list_is_scoped_with_pinned_queries(client, scenario, two_communes, django_assert_num_queries):
    client.force_login(scenario.outsider)
    with django_assert_num_queries(4):
        response = client.get(reverse("learning:officer_certificates"))
    assert list(response.context["page"]) == []


# --- API ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint,count", [("learners", 1), ("attempts", 1), ("achievements", 2),
                                            ("certificates", 1)])
def test_api_lists_are_scoped_with_pinned_queries(client, scenario, two_communes, django_assert_num_queries,
                                                  endpoint, count):
    client.force_login(scenario.commune_officer)
    with django_assert_num_queries(5):
        response = client.get(f"/api/learning/{endpoint}/")
    assert response.status_code == 200 and response.json()["count"] == count
    client.force_login(scenario.outsider)
    own = {"learners": 1, "attempts": 1, "achievements": 0, "certificates": 0}[endpoint]
    assert client.get(f"/api/learning/{endpoint}/").json()["count"] == own


def test_api_certificate_of_another_province_is_404_and_its_revoke_403(client, scenario, two_communes):
    cert = Certificate.objects.get()
    client.force_login(scenario.outsider)
    assert client.get(f"/api/learning/certificates/{cert.code}/").status_code == 404
    assert client.post(f"/api/learning/certificates/{cert.code}/revoke/", {"reason": "x"}).status_code == 403
    client.force_login(scenario.team_member)
    assert client.post(f"/api/learning/certificates/{cert.code}/revoke/", {"reason": "x"}).status_code == 403
    client.force_login(scenario.commune_officer)
    response = client.post(f"/api/learning/certificates/{cert.code}/revoke/", {"reason": "Sai thông tin"})
    assert response.status_code == 200 and response.json()["valid"] is False


def test_api_learners_never_expose_phone_or_pin(client, scenario, two_communes):
    client.force_login(scenario.commune_officer)
    row = client.get("/api/learning/learners/").json()["results"][0]
    assert row["has_phone"] is True
    assert not {"phone", "phone_hash", "phone_encrypted", "pin_hash", "card_token"} & set(row)


def test_api_stats_are_scoped(client, scenario, two_communes, django_assert_num_queries):
    client.force_login(scenario.outsider)
    with django_assert_num_queries(10):
        data = client.get("/api/learning/stats/").json()
    assert data["learners"] == 1 and data["per_level"][0]["passed"] == 0


def test_a_second_finish_changes_nothing(two_communes):
    attempt = Attempt.objects.filter(passed=True).get()
    AttemptItem.objects.filter(attempt=attempt).update(is_correct=False, answered_at=timezone.now())
    again = services.finish_attempt(attempt)
    assert again.correct == 18 and Certificate.objects.count() == 1
    assert SelfAssessment.objects.count() == 4
