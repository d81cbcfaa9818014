"""A new learner on a phone: read, practise, create an account, pass the test, get a verifiable certificate."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from binhdan.core.models import AuditLog
from binhdan.learning import pii, services
from binhdan.learning.models import (
    Achievement,
    Attempt,
    AttemptItem,
    Certificate,
    LearnerAccount,
    PracticeAnswer,
    Question,
)
from binhdan.learning.tests.conftest import right_choice, wrong_choice


def sign_in_as(client, learner):
    client.force_login(learner.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def answer_all(client, attempt, *, right: int):
    for item in attempt.items.select_related("question_version").order_by("position"):
        pick = right_choice(item) if item.position <= right else wrong_choice(item)
        response = client.post(reverse("learning:assessment", args=[attempt.uuid]),
                               {"item": item.position, "choice": pick})
        assert response.status_code == 302


def test_anyone_can_read_a_lesson_without_an_account(client, curriculum):
    response = client.get(reverse("learning:lesson", args=["l1-01-bat-tat"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bật và tắt điện thoại" in body and "<ol>" in body
    assert "Tài liệu hướng dẫn chính thức" in body


def test_the_level_map_lists_levels_that_have_lessons(client, curriculum):
    body = client.get(reverse("learning:levels")).content.decode()
    assert "Cấp 1 — Xóa mù công nghệ" in body
    assert "Cấp 2" not in body  # no lessons loaded for level 2


def test_practice_gives_immediate_feedback_and_the_explanation(client, curriculum):
    url = reverse("learning:practice", args=["l1-01-bat-tat", 1])
    page = client.get(url).content.decode()
    assert "Giải thích q1" not in page  # the explanation only after answering
    right = client.post(url, {"choice": "0"}).content.decode()
    assert "Giải thích q1" in right and "Đúng rồi!" in right
    wrong = client.post(url, {"choice": "2"}).content.decode()
    assert "Chưa đúng." in wrong
    assert list(PracticeAnswer.objects.values_list("is_correct", flat=True).order_by("id")) == [True, False]


def test_a_tampered_practice_answer_is_refused_without_recording(client, curriculum):
    response = client.post(reverse("learning:practice", args=["l1-01-bat-tat", 1]), {"choice": "7"})
    assert response.status_code == 400
    assert "Hãy chọn một câu trả lời." in response.content.decode()
    assert not PracticeAnswer.objects.exists()


def test_practice_beyond_the_last_question_is_not_found(client, curriculum):
    assert client.get(reverse("learning:practice", args=["l1-01-bat-tat", 11])).status_code == 404


def test_signing_up_keeps_the_phone_only_hashed_and_encrypted(client, curriculum):
    response = client.post(reverse("learning:sign_up"), {"full_name": "trần văn nam", "phone": "+84 912 000 111",
                                                         "pin": "246810", "pin2": "246810"})
    assert response.status_code == 302
    learner = LearnerAccount.objects.get()
    assert learner.full_name == "Trần Văn Nam"
    assert learner.phone_hash == pii.phone_hash("0912000111")
    assert "0912000111" not in learner.phone_encrypted and pii.decrypt(learner.phone_encrypted) == "0912000111"
    assert "246810" not in learner.pin_hash
    audit = AuditLog.objects.get(model="learning.learneraccount")
    assert "phone_hash" not in audit.after and "pin_hash" not in audit.after


def test_a_phone_number_can_have_only_one_account(client, learner):
    response = client.post(reverse("learning:sign_up"), {"full_name": "Ai Đó", "phone": "0912 345 678",
                                                         "pin": "111111", "pin2": "111111"})
    assert "Số điện thoại này đã có tài khoản" in response.content.decode()
    assert LearnerAccount.objects.count() == 1


def test_a_pin_must_be_six_digits(client, curriculum):
    response = client.post(reverse("learning:sign_up"), {"full_name": "Ai Đó", "phone": "0912000222",
                                                         "pin": "12ab56", "pin2": "12ab56"})
    assert "Mã PIN phải gồm đúng 6 chữ số." in response.content.decode()
    assert not LearnerAccount.objects.exists()


def test_a_learner_signs_in_with_phone_and_pin(client, learner):
    response = client.post(reverse("learning:sign_in"), {"phone": "0912345678", "pin": "123456"})
    assert response.status_code == 302
    assert client.get(reverse("learning:account")).context["learner"] == learner


def test_a_wrong_pin_is_throttled(client, learner, settings):
    url = reverse("learning:sign_in")
    for _ in range(settings.LOGIN_THROTTLE["pair_limit"]):
        response = client.post(url, {"phone": "0912345678", "pin": "000000"})
        assert "Số điện thoại hoặc mã PIN không đúng." in response.content.decode()
    locked = client.post(url, {"phone": "0912345678", "pin": "123456"})  # even the right PIN waits now
    assert locked.status_code == 429
    assert "Nhập sai mã PIN quá nhiều lần" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_sign_in_card_asks_only_for_the_pin(client, learner):
    url = reverse("learning:card_sign_in", args=[learner.card_token])
    page = client.get(url).content.decode()
    assert "Nguyễn Thị Hoa" in page and 'name="phone"' not in page
    assert client.post(url, {"pin": "999999"}).status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.post(url, {"pin": "123456"}).status_code == 302
    assert client.session["_auth_user_id"] == str(learner.user.pk)


def test_a_wrong_card_pin_is_throttled(client, learner, settings):
    url = reverse("learning:card_sign_in", args=[learner.card_token])
    for _ in range(settings.LOGIN_THROTTLE["pair_limit"]):
        client.post(url, {"pin": "000000"})
    assert client.post(url, {"pin": "123456"}).status_code == 429


def test_the_test_needs_an_account(client, curriculum):
    response = client.get(reverse("learning:assessment_start", args=["cap-1"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("learning:sign_in"))


def test_a_test_draws_twenty_questions_across_the_skills_with_shuffled_options(learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    items = list(attempt.items.select_related("question_version__question__skill"))
    assert len(items) == attempt.total == 20
    assert {i.question_version.question.skill.code for i in items} == {"l1.power", "l1.search"}
    assert all(sorted(i.order) == [0, 1, 2] for i in items)
    assert any(i.order != [0, 1, 2] for i in items)  # 20 shuffles of 3 options are never all unchanged by chance
    assert attempt.deadline - attempt.started_at == datetime.timedelta(minutes=30)


def test_the_question_page_never_reveals_the_right_answer(client, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    body = sign_in_as(client, learner).get(reverse("learning:assessment", args=[attempt.uuid])).content.decode()
    item = attempt.items.get(position=1)
    assert item.question_version.text in body
    assert "Giải thích" not in body and "correct" not in body and "✓" not in body
    assert re.findall(r'name="choice" value="(\d)"', body) == ["0", "1", "2"]


def test_the_whole_path_from_lesson_to_verified_certificate(client, scenario, curriculum):
    assert client.get(reverse("learning:lesson", args=["l1-01-bat-tat"])).status_code == 200
    client.post(reverse("learning:practice", args=["l1-01-bat-tat", 1]), {"choice": "0"})
    client.post(reverse("learning:sign_up"), {"full_name": "Lê Thị Lan", "phone": "0987654321", "pin": "135790",
                                              "pin2": "135790"})
    learner = LearnerAccount.objects.get()
    services.set_place(learner, scenario.c11)
    start = client.post(reverse("learning:assessment_start", args=["cap-1"]))
    attempt = Attempt.objects.get(learner=learner)
    assert start["Location"] == reverse("learning:assessment", args=[attempt.uuid])
    answer_all(client, attempt, right=17)  # 85%
    done = client.get(reverse("learning:assessment", args=[attempt.uuid]))
    assert done["Location"] == reverse("learning:assessment_result", args=[attempt.uuid])
    result = client.get(done["Location"]).content.decode()
    assert "Chúc mừng" in result and "17/20" not in result and "17 trên 20" in result
    attempt.refresh_from_db()
    assert (attempt.status, attempt.correct, attempt.passed) == ("finished", 17, True)
    cert = Certificate.objects.get(learner=learner)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", cert.code)
    assert cert.commune_name == "Xã Thử 11"
    assert set(Achievement.objects.filter(learner=learner).values_list("skill__code", "method")) == {
        ("l1.power", "online"), ("l1.search", "online")}
    pdf = client.get(reverse("learning:certificate_pdf", args=[cert.code]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.logout()
    page = client.get(reverse("learning:verify", args=[cert.code])).content.decode()
    assert "Chứng nhận hợp lệ" in page and "Lê T. L." in page and "Lê Thị Lan" not in page
    assert "Xã Thử 11" in page and "Cấp 1 — Xóa mù công nghệ" in page


def test_failing_the_test_gives_no_certificate_and_a_cooldown(client, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    sign_in_as(client, learner)
    answer_all(client, attempt, right=15)  # 75%
    client.get(reverse("learning:assessment", args=[attempt.uuid]))
    attempt.refresh_from_db()
    assert attempt.passed is False and not Certificate.objects.exists() and not Achievement.objects.exists()
    response = client.post(reverse("learning:assessment_start", args=["cap-1"]), follow=True)
    assert "Bạn có thể làm lại bài kiểm tra sau" in response.content.decode()
    assert Attempt.objects.count() == 1
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=timezone.now() - datetime.timedelta(days=2))
    assert services.start_attempt(learner, curriculum).pk != attempt.pk


def test_a_tampered_choice_is_refused_without_score_change(client, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    sign_in_as(client, learner)
    response = client.post(reverse("learning:assessment", args=[attempt.uuid]), {"item": 1, "choice": "9"},
                           follow=True)
    assert "Không đọc được câu trả lời của bạn" in response.content.decode()
    assert not AttemptItem.objects.filter(attempt=attempt, answered_at__isnull=False).exists()


def test_an_answer_to_a_question_not_in_the_attempt_is_refused(client, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    sign_in_as(client, learner)
    response = client.post(reverse("learning:assessment", args=[attempt.uuid]), {"item": 21, "choice": "0"},
                           follow=True)
    assert "Câu hỏi này không thuộc bài kiểm tra của bạn." in response.content.decode()
    assert not AttemptItem.objects.filter(answered_at__isnull=False).exists()


def test_a_second_submission_of_the_same_answer_changes_nothing(client, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    sign_in_as(client, learner)
    item = attempt.items.select_related("question_version").get(position=1)
    url = reverse("learning:assessment", args=[attempt.uuid])
    client.post(url, {"item": 1, "choice": wrong_choice(item)})
    again = client.post(url, {"item": 1, "choice": right_choice(item)}, follow=True)
    assert "Bạn đã trả lời câu này rồi." in again.content.decode()
    item.refresh_from_db()
    assert item.is_correct is False


def test_an_answer_past_the_time_is_refused_and_ends_the_attempt(client, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    sign_in_as(client, learner)
    item = attempt.items.select_related("question_version").get(position=1)
    response = client.post(reverse("learning:assessment", args=[attempt.uuid]),
                           {"item": 1, "choice": right_choice(item)}, follow=True)
    assert "Hết giờ" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "expired" and attempt.correct == 0
    item.refresh_from_db()
    assert item.answered_at is None


def test_another_learner_cannot_open_my_attempt(client, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    other = services.create_learner(full_name="Người Khác", phone="0900000001", pin="222222")
    sign_in_as(client, other)
    assert client.get(reverse("learning:assessment", args=[attempt.uuid])).status_code == 404
    assert client.post(reverse("learning:assessment", args=[attempt.uuid]), {"item": 1, "choice": "0"}
                       ).status_code == 404


def test_a_revoked_certificate_shows_as_revoked(client, scenario, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    sign_in_as(client, learner)
    answer_all(client, attempt, right=20)
    client.get(reverse("learning:assessment", args=[attempt.uuid]))
    cert = Certificate.objects.get()
    services.revoke_certificate(cert, scenario.commune_officer, "Thi hộ")
    page = client.get(reverse("learning:verify", args=[cert.code])).content.decode()
    assert "Chứng nhận này đã bị thu hồi" in page and "Chứng nhận hợp lệ" not in page


def test_an_unknown_or_guessed_code_finds_nothing(client, db):
    response = client.get(reverse("learning:verify", args=[services.new_certificate_code()]))
    assert response.status_code == 404
    assert "Không có chứng nhận nào mang mã này." in response.content.decode()


def test_a_code_typed_in_lower_case_with_o_for_zero_is_still_found(client, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    sign_in_as(client, learner)
    answer_all(client, attempt, right=20)
    client.get(reverse("learning:assessment", args=[attempt.uuid]))
    cert = Certificate.objects.get()
    typed = cert.code.lower().replace("0", "o").replace("-", " ")
    response = client.get(reverse("learning:verify_lookup"), {"ma": typed})
    assert response["Location"] == reverse("learning:verify", args=[cert.code])


def test_only_the_owner_or_an_officer_in_scope_downloads_the_certificate(client, scenario, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    services.finish_attempt(attempt)
    AttemptItem.objects.filter(attempt=attempt).update(is_correct=True, answered_at=timezone.now())
    Attempt.objects.filter(pk=attempt.pk).update(status="open")
    services.finish_attempt(attempt)
    cert = Certificate.objects.get()
    url = reverse("learning:certificate_pdf", args=[cert.code])
    assert client.get(url).status_code == 404
    client.force_login(scenario.outsider)
    assert client.get(url).status_code == 404
    client.force_login(scenario.commune_officer)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("phase", ["truoc", "sau"])
def test_self_assessment_is_saved_per_phase(client, learner, curriculum, phase):
    sign_in_as(client, learner)
    url = reverse("learning:self_assessment", args=["cap-1", phase])
    assert "Tôi đã làm được" in client.get(url).content.decode()
    client.post(url, {"l1.power": "can", "l1.search": "help"})
    row = learner.self_assessments.get()
    assert row.phase == {"truoc": "before", "sau": "after"}[phase] and row.score == 75


def test_an_incomplete_self_assessment_is_refused(client, learner, curriculum):
    sign_in_as(client, learner)
    response = client.post(reverse("learning:self_assessment", args=["cap-1", "truoc"]), {"l1.power": "can"},
                           follow=True)
    assert "Hãy trả lời tất cả các dòng." in response.content.decode()
    assert not learner.self_assessments.exists()


def test_choosing_a_commune_places_the_learner(client, scenario, learner):
    sign_in_as(client, learner)
    page = client.get(reverse("learning:place"), {"tinh": "P2"}).content.decode()
    assert "Xã Thử 21" in page and "Xã Thử 11" not in page
    client.post(reverse("learning:place"), {"commune": "C21"})
    learner.refresh_from_db()
    assert (learner.province_id, learner.commune_id, learner.village_id) == (scenario.p2.pk, scenario.c21.pk, None)


def test_questions_of_retired_lessons_are_never_drawn(learner, curriculum):
    Question.objects.filter(lesson__code="l1-02-tim-kiem").update(active=False)
    drawn = services.draw_questions(curriculum, 20)
    assert len(drawn) == 10 and {v.question.lesson.code for v in drawn} == {"l1-01-bat-tat"}


def test_the_officer_sees_the_phone_only_masked(client, scenario, learner):
    client.force_login(scenario.commune_officer)
    page = client.get(reverse("learning:officer_learner", args=[learner.uuid])).content.decode()
    assert "09xx xxx 678" in page and "0912345678" not in page


def test_the_fast_answer_path_records_once_and_leaves_the_unusual_to_the_full_path(learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    item = attempt.items.select_related("question_version").get(position=1)
    assert services.answer_fast(learner.user.pk, attempt.uuid, 1, right_choice(item)) is True
    item.refresh_from_db()
    assert item.is_correct is True and item.answered_at is not None and item.chosen == sorted(
        item.question_version.correct_set())
    assert services.answer_fast(learner.user.pk, attempt.uuid, 1, wrong_choice(item)) is False  # repeat
    assert services.answer_fast(learner.user.pk, attempt.uuid, 2, ["5"]) is False  # tampered
    assert services.answer_fast(learner.user.pk + 999, attempt.uuid, 2, ["0"]) is False  # someone else
    item.refresh_from_db()
    assert item.is_correct is True
    assert not attempt.items.filter(position=2, answered_at__isnull=False).exists()


def test_a_multi_select_question_needs_every_right_option(client, learner, curriculum):
    from binhdan.learning.models import QuestionVersion

    attempt = services.start_attempt(learner, curriculum)
    items = list(attempt.items.select_related("question_version").order_by("position")[:2])
    for item in items:
        version = item.question_version
        version.options[1]["correct"] = True
        QuestionVersion.objects.filter(pk=version.pk).update(options=version.options, multi=True)
        item.refresh_from_db()
    sign_in_as(client, learner)
    page = client.get(reverse("learning:assessment", args=[attempt.uuid])).content.decode()
    assert 'type="checkbox"' in page and "Chọn tất cả các đáp án đúng." in page
    url = reverse("learning:assessment", args=[attempt.uuid])
    first, second = (AttemptItem.objects.select_related("question_version").get(pk=i.pk) for i in items)
    client.post(url, {"item": first.position, "choice": right_choice(first)})
    client.post(url, {"item": second.position, "choice": right_choice(second)[:1]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert len(right_choice(first)) == 2
    assert (first.is_correct, second.is_correct) == (True, False)
