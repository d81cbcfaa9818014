"""The curriculum loader: validates every file, reports file and line, upserts by id, keeps history."""

import pytest
from django.core.management import CommandError, call_command

from binhdan.learning import services
from binhdan.learning.loader import CurriculumError, read_curriculum
from binhdan.learning.models import Attempt, Lesson, LessonVersion, Question, QuestionVersion, Skill
from binhdan.learning.tests.conftest import FIXTURE, REAL


def problems_of(root):
    _cur, problems = read_curriculum(root)
    return [str(p) for p in problems]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path, needle) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_the_fixture_curriculum_is_valid():
    cur, problems = read_curriculum(FIXTURE)
    assert problems == []
    assert [lesson.code for lesson in cur.lessons] == ["l1-01-bat-tat", "l1-02-tim-kiem"]
    assert cur.question_count == 20
    assert cur.present_levels == ["1"]


def test_lesson_markdown_is_rendered_once_at_load(curriculum):
    lesson = Lesson.objects.get(code="l1-01-bat-tat")
    assert "<h2>Các bước</h2>" in lesson.body_html
    assert "<ol>" in lesson.body_html
    assert lesson.sections["steps"] == ["Cầm máy lên.", "Chạm vào nút.", "Chờ một chút."]
    assert lesson.key_steps == ["Bước một ngắn", "Bước hai ngắn", "Bước ba ngắn"]


def test_a_schema_error_names_the_file_and_line(content):
    lesson = content / "level-1" / "01-bat-tat.md"
    edit(lesson, "minutes: 5", "minutes: năm")
    assert problems_of(content) == [f"{lesson}:{line_of(lesson, 'minutes:')}: 'minutes' must be a whole number "
                                    "from 1 to 120"]


def test_an_unknown_skill_is_reported_with_its_line(content):
    bank = content / "level-1" / "01-bat-tat.questions.yaml"
    edit(bank, "skill: l1.power", "skill: l1.flying")
    assert problems_of(content) == [f"{bank}:{line_of(bank, 'l1.flying')}: unknown skill 'l1.flying': not a skill "
                                    "of lesson 'l1-01-bat-tat'"]


def test_an_unknown_skill_in_a_lesson_header_is_reported(content):
    lesson = content / "level-1" / "02-tim-kiem.md"
    edit(lesson, "skills: [l1.search]", "skills: [l1.search, l9.magic]")
    assert f"{lesson}:6: unknown skill 'l9.magic'" in problems_of(content)


def test_a_duplicate_question_id_names_both_places(content):
    bank = content / "level-1" / "02-tim-kiem.questions.yaml"
    edit(bank, "id: l1-02-tim-kiem-q01", "id: l1-01-bat-tat-q01")
    first = content / "level-1" / "01-bat-tat.questions.yaml"
    assert problems_of(content) == [
        f"{bank}:{line_of(bank, 'l1-01-bat-tat-q01')}: duplicate question id 'l1-01-bat-tat-q01' "
        f"(first at {first}:{line_of(first, 'l1-01-bat-tat-q01')})"]


def test_a_duplicate_lesson_id_is_reported(content):
    edit(content / "level-1" / "02-tim-kiem.md", "id: l1-02-tim-kiem", "id: l1-01-bat-tat")
    found = problems_of(content)
    assert any("duplicate lesson id 'l1-01-bat-tat'" in p for p in found)


def test_a_question_with_two_right_answers_needs_multi(content):
    bank = content / "level-1" / "01-bat-tat.questions.yaml"
    edit(bank, '- text: "Đáp án sai A q1"', '- text: "Đáp án sai A q1"\n      correct: true')
    found = problems_of(content)
    assert found == [f"{bank}:{line_of(bank, 'options:')}: question 'l1-01-bat-tat-q01' must have exactly one "
                     "right answer (has 2); mark it 'multi: true' if several are right"]
    edit(bank, "  skill: l1.power", "  multi: true\n  skill: l1.power")
    assert problems_of(content) == []


def test_a_question_without_a_right_answer_is_refused(content):
    bank = content / "level-1" / "01-bat-tat.questions.yaml"
    edit(bank, '- text: "Đáp án đúng q1"\n      correct: true', '- text: "Đáp án đúng q1"')
    assert any("must have exactly one right answer (has 0)" in p for p in problems_of(content))


def test_a_yaml_syntax_error_gives_the_line(content):
    bank = content / "level-1" / "01-bat-tat.questions.yaml"
    edit(bank, 'text: "Câu hỏi q3', 'text: "Câu hỏi q3 "unclosed')
    found = problems_of(content)
    assert len(found) == 1 and found[0].startswith(f"{bank}:{line_of(bank, 'unclosed')}: YAML error")


def test_missing_headings_are_named(content):
    lesson = content / "level-1" / "01-bat-tat.md"
    edit(lesson, "## Lưu ý an toàn", "## Chú ý")
    assert problems_of(content) == [f"{lesson}:{line_of(lesson, '## Bạn sẽ làm được')}: missing heading(s): "
                                    "## Lưu ý an toàn"]


def test_a_skill_that_no_lesson_teaches_is_reported(content):
    skills = content / "level-1" / "skills.yaml"
    skills.write_text(skills.read_text(encoding="utf-8") + '- id: l1.extra\n  title: "Thêm"\n  competences: ["1.1"]\n'
                      '  groups: ["0.1"]\n', encoding="utf-8")
    assert problems_of(content) == [f"{skills}:{line_of(skills, 'l1.extra')}: skill 'l1.extra' is not taught by "
                                    "any lesson"]


def test_an_unknown_competence_code_is_reported(content):
    lesson = content / "level-1" / "01-bat-tat.md"
    edit(lesson, 'competences: ["5.1"]', 'competences: ["9.9"]')
    assert problems_of(content) == [f"{lesson}:{line_of(lesson, 'competences:')}: unknown competence code '9.9'"]


def test_a_broken_file_stops_the_load_and_changes_nothing(content, curriculum):
    edit(content / "level-1" / "01-bat-tat.md", 'title: "Bật và tắt điện thoại"', 'title: "Tiêu đề mới"')
    edit(content / "level-1" / "02-tim-kiem.md", "reviewed: 2026-11-15", "reviewed: hôm qua")
    with pytest.raises(CurriculumError):
        services.load_curriculum(content)
    assert Lesson.objects.get(code="l1-01-bat-tat").title == "Bật và tắt điện thoại"
    assert LessonVersion.objects.count() == 2


def test_the_command_prints_every_problem_and_fails(content, capsys, db):
    edit(content / "level-1" / "01-bat-tat.md", "minutes: 5", "minutes: 0")
    with pytest.raises(CommandError, match="có 1 lỗi"):
        call_command("load_curriculum", str(content))
    assert "01-bat-tat.md:" in capsys.readouterr().err
    assert not Lesson.objects.exists()


def test_loading_twice_adds_no_versions(curriculum):
    result = services.load_curriculum(FIXTURE)
    assert (result.new_lesson_versions, result.new_question_versions) == (0, 0)
    assert QuestionVersion.objects.count() == 20


def test_an_edited_question_keeps_the_attempts_that_used_its_earlier_version(content, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    shown = attempt.items.get(question_version__question__code="l1-01-bat-tat-q01").question_version
    edit(content / "level-1" / "01-bat-tat.questions.yaml", 'text: "Câu hỏi q1 của bài', 'text: "Câu hỏi mới q1 của bài')
    result = services.load_curriculum(content)
    assert result.new_question_versions == 1
    question = Question.objects.select_related("current").get(code="l1-01-bat-tat-q01")
    assert question.current.number == 2 and question.current.text.startswith("Câu hỏi mới")
    shown.refresh_from_db()
    assert shown.text.startswith("Câu hỏi q1") and shown.number == 1
    assert Attempt.objects.get(pk=attempt.pk).items.filter(question_version=shown).exists()


def test_an_edited_lesson_gets_a_new_version(content, curriculum):
    edit(content / "level-1" / "01-bat-tat.md", "Cầm máy lên.", "Cầm điện thoại lên.")
    services.load_curriculum(content)
    lesson = Lesson.objects.get(code="l1-01-bat-tat")
    assert lesson.version == 2
    assert list(lesson.versions.values_list("number", flat=True)) == [1, 2]
    assert "Cầm máy lên." in lesson.versions.get(number=1).body_html


def test_a_removed_lesson_is_retired_not_deleted(content, curriculum):
    (content / "level-1" / "02-tim-kiem.md").unlink()
    (content / "level-1" / "02-tim-kiem.questions.yaml").unlink()
    skills = content / "level-1" / "skills.yaml"
    skills.write_text(skills.read_text(encoding="utf-8").split("- id: l1.search")[0], encoding="utf-8")
    result = services.load_curriculum(content)
    assert result.retired_lessons == 1 and result.retired_questions == 10
    assert Lesson.objects.get(code="l1-02-tim-kiem").active is False
    assert Skill.objects.filter(code="l1.search").exists()


LEVEL_FOLDERS = ["level-1", "level-2", "level-3", "level-4", "level-ai"]


@pytest.mark.skipif(not all((REAL / f).is_dir() for f in LEVEL_FOLDERS), reason="a level folder is absent")
def test_the_real_curriculum_validates_and_loads(db):
    cur, problems = read_curriculum(REAL)
    assert [str(p) for p in problems] == []
    assert cur.present_levels == ["1", "2", "3", "4", "ai"]
    result = services.load_curriculum(REAL)
    assert result.lessons == Lesson.objects.filter(active=True).count() > 0
    assert Question.objects.filter(active=True, current__isnull=False).count() == result.questions
