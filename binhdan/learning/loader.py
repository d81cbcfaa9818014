"""Read and validate the curriculum under content/<lang>/ (format: docs/content-format.md).

`read_curriculum(root)` parses every file and returns a `Curriculum` plus a list of
`Problem(file, line, reason)`; nothing touches the database. `services.load_curriculum`
writes a valid curriculum in one transaction, so a broken file changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml

LEVEL_IDS = ("1", "2", "3", "4", "ai")
SKILL_PREFIX = {"1": "l1.", "2": "l2.", "3": "l3.", "4": "l4.", "ai": "ai."}
HEADINGS = ["Bạn sẽ làm được", "Vì sao có ích", "Các bước", "Lưu ý an toàn", "Tự thực hành"]
SECTION_KEYS = ["goal", "why", "steps", "safety", "practice"]
MIN_QUESTIONS = 10
MAX_WORDS_PER_SENTENCE = 18
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-_]*$")


@dataclass
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class CurriculumError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- YAML that remembers line numbers ------------------------------------------------------

class LDict(dict):
    """A mapping with the (1-based) line of itself and of each key."""

    line = 0
    key_lines: dict

    def at(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LList(list):
    line = 0
    item_lines: list


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    result = LDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader, node):
    result = LList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _load_yaml(text: str, file: str, problems: list[Problem], line_offset: int = 0):
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 1 if mark else 1) + line_offset
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(file, line, f"YAML error: {reason}"))
        return None


def _shift(value, offset: int):
    """Add `offset` to every remembered line (front matter starts after the opening ---)."""
    if isinstance(value, LDict):
        value.line += offset
        value.key_lines = {k: v + offset for k, v in value.key_lines.items()}
        for v in value.values():
            _shift(v, offset)
    elif isinstance(value, LList):
        value.line += offset
        value.item_lines = [v + offset for v in value.item_lines]
        for v in value:
            _shift(v, offset)
    return value


# --- What the loader produces -----------------------------------------------------------------

@dataclass
class SkillData:
    code: str
    level: str
    position: int
    title: str
    competences: list
    groups: list


@dataclass
class QuestionData:
    code: str
    skill: str
    position: int
    text: str
    options: list  # [{"text": str, "correct": bool}]
    explanation: str
    multi: bool

    def content_hash(self) -> str:
        return _hash([self.skill, self.text, self.options, self.explanation, self.multi])


@dataclass
class LessonData:
    code: str
    level: str
    position: int
    file_name: str
    title: str
    summary: str
    minutes: int
    skills: list
    competences: list
    groups: list
    source_title: str
    source_url: str
    reviewed: datetime.date | None
    key_steps: list
    body_html: str
    sections: dict
    questions: list[QuestionData] = field(default_factory=list)

    def content_hash(self) -> str:
        return _hash([self.level, self.title, self.summary, self.minutes, self.skills, self.competences,
                      self.groups, self.source_title, self.source_url, str(self.reviewed), self.key_steps,
                      self.body_html])


@dataclass
class LevelData:
    code: str
    position: int
    title: str
    summary: str


@dataclass
class Curriculum:
    levels: list[LevelData] = field(default_factory=list)
    skills: list[SkillData] = field(default_factory=list)
    lessons: list[LessonData] = field(default_factory=list)
    present_levels: list[str] = field(default_factory=list)

    @property
    def question_count(self) -> int:
        return sum(len(lesson.questions) for lesson in self.lessons)


def _hash(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


# --- Checks -------------------------------------------------------------------------------------

class _Checker:
    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems

    def add(self, line: int, reason: str) -> None:
        self.problems.append(Problem(self.file, line, reason))

    def text(self, data: LDict, key: str, *, required=True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(data.at(key), f"missing '{key}'")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.add(data.at(key), f"'{key}' must be text")
            return ""
        return str(value).strip()

    def codes(self, data: LDict, key: str, known: set[str], what: str, *, required=True) -> list[str]:
        value = data.get(key)
        if value is None:
            if required:
                self.add(data.at(key), f"missing '{key}'")
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(data.at(key), f"'{key}' must be a list of quoted codes")
            return []
        if required and not value:
            self.add(data.at(key), f"'{key}' must not be empty")
        for code in value:
            if code not in known:
                self.add(data.at(key), f"unknown {what} '{code}'")
        return list(value)


def _mapping_list(value, checker: _Checker, line: int, what: str) -> list:
    if not isinstance(value, list):
        checker.add(line, f"{what} must be a list")
        return []
    out = []
    for i, item in enumerate(value):
        item_line = value.item_lines[i] if isinstance(value, LList) else line
        if not isinstance(item, LDict):
            checker.add(item_line, f"each entry of {what} must be a mapping")
            continue
        out.append(item)
    return out


def _rel(path: Path, root: Path) -> str:
    """The file as the user named the folder, e.g. content/vi/level-1/01-bat-tat.md."""
    return str(path)


_SENTENCE_END = re.compile(r"[.!?…:]+(?:\s|$)|\n")
_MD_NOISE = re.compile(r"[#>*_`\[\]()]|^\s*\d+\.\s", re.M)


def average_words_per_sentence(body: str) -> float:
    plain = _MD_NOISE.sub(" ", body)
    sentences = [s for s in _SENTENCE_END.split(plain) if s and s.strip()]
    words = [len(s.split()) for s in sentences if s.split()]
    return sum(words) / len(words) if words else 0.0


def _sections(body: str, body_line: int, checker: _Checker) -> dict:
    """Split the body at `## ` headings; check the five required headings, in order."""
    found: list[tuple[str, int, list[str]]] = []
    for i, raw in enumerate(body.split("\n")):
        if raw.startswith("## "):
            found.append((raw[3:].strip(), body_line + i, []))
        elif found:
            found[-1][2].append(raw)
    names = [name for name, _line, _lines in found]
    if names != HEADINGS:
        missing = [h for h in HEADINGS if h not in names]
        line = found[0][1] if found else body_line
        if missing:
            checker.add(line, "missing heading(s): " + ", ".join("## " + h for h in missing))
        else:
            checker.add(line, "headings must be, in this order: " + ", ".join("## " + h for h in HEADINGS))
        return {}
    sections: dict = {}
    for key, (_name, line, lines) in zip(SECTION_KEYS, found, strict=True):
        text = "\n".join(lines).strip()
        if not text:
            checker.add(line, f"section '## {_name}' is empty")
        if key == "steps":
            steps = [re.sub(r"^\d+\.\s+", "", s.strip()) for s in lines if re.match(r"^\s*\d+\.\s+", s)]
            if not steps:
                checker.add(line, "'## Các bước' must be a numbered list (1. 2. 3.)")
            sections[key] = steps
        else:
            sections[key] = text
    return sections


def _render(body: str) -> str:
    return markdown.markdown(body, extensions=["sane_lists"], output_format="html")


def _read_lesson(path: Path, root: Path, level: str, position: int, skills: dict[str, SkillData],
                 competences: set[str], groups: set[str], problems: list[Problem]) -> LessonData | None:
    file = _rel(path, root)
    check = _Checker(file, problems)
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        check.add(1, "a lesson must start with a YAML header between '---' lines")
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        check.add(1, "the YAML header is not closed with '---'")
        return None
    header_text = text[4:end + 1]
    body = text[end + 5:]
    body_line = header_text.count("\n") + 3
    before = len(problems)
    meta = _load_yaml(header_text, file, problems, line_offset=1)
    if len(problems) > before:
        return None
    if not isinstance(meta, LDict):
        check.add(2, "the YAML header must be a mapping")
        return None
    _shift(meta, 1)
    code = check.text(meta, "id")
    if code and not _ID.match(code):
        check.add(meta.at("id"), f"id '{code}' may use only a-z, 0-9, '-', '.' and '_'")
    lesson_level = check.text(meta, "level")
    if lesson_level and lesson_level != level:
        check.add(meta.at("level"), f"level '{lesson_level}' does not match the folder (level-{level})")
    title = check.text(meta, "title")
    summary = check.text(meta, "summary")
    minutes = meta.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 120:
        check.add(meta.at("minutes"), "'minutes' must be a whole number from 1 to 120")
        minutes = 0
    lesson_skills = check.codes(meta, "skills", set(skills), "skill")
    for s in lesson_skills:
        if s in skills and skills[s].level != level:
            check.add(meta.at("skills"), f"skill '{s}' belongs to level {skills[s].level}")
    lesson_comp = check.codes(meta, "competences", competences, "competence code")
    lesson_groups = check.codes(meta, "groups", groups, "skill group")
    source = meta.get("source")
    source_title = source_url = ""
    if not isinstance(source, LDict):
        check.add(meta.at("source"), "'source' must be a mapping with 'title' (and optional 'url')")
    else:
        source_title = check.text(source, "title")
        source_url = check.text(source, "url", required=False)
        if source_url and not source_url.startswith("https://"):
            check.add(source.at("url"), "'source.url' must start with https://")
    reviewed = meta.get("reviewed")
    if not isinstance(reviewed, datetime.date):
        check.add(meta.at("reviewed"), "'reviewed' must be a date (YYYY-MM-DD)")
        reviewed = None
    key_steps = meta.get("key_steps")
    if not isinstance(key_steps, list) or len(key_steps) != 3 or not all(
            isinstance(s, str) and s.strip() for s in key_steps):
        check.add(meta.at("key_steps"), "'key_steps' must be exactly 3 short steps")
        key_steps = []
    known = {"id", "level", "title", "summary", "skills", "competences", "groups", "minutes", "source",
             "reviewed", "key_steps"}
    for key in meta:
        if key not in known:
            check.add(meta.at(key), f"unknown key '{key}'")
    sections = _sections(body, body_line, check)
    avg = average_words_per_sentence(body)
    if avg >= MAX_WORDS_PER_SENTENCE:
        check.add(body_line, f"sentences are too long: {avg:.1f} words on average (must stay under "
                             f"{MAX_WORDS_PER_SENTENCE})")
    return LessonData(
        code=code, level=level, position=position, file_name=path.name, title=title, summary=summary,
        minutes=minutes, skills=lesson_skills, competences=lesson_comp, groups=lesson_groups,
        source_title=source_title, source_url=source_url or "", reviewed=reviewed,
        key_steps=[s.strip() for s in key_steps], body_html=_render(body), sections=sections,
    )


def _read_questions(path: Path, root: Path, lessons: dict[str, LessonData], problems: list[Problem],
                    seen: dict[str, str]) -> None:
    file = _rel(path, root)
    check = _Checker(file, problems)
    before = len(problems)
    data = _load_yaml(path.read_text(encoding="utf-8"), file, problems)
    if len(problems) > before:
        return
    if not isinstance(data, LDict):
        check.add(1, "a question bank must be a mapping with 'lesson' and 'questions'")
        return
    lesson_code = check.text(data, "lesson")
    lesson = lessons.get(lesson_code)
    if lesson_code and lesson is None:
        check.add(data.at("lesson"), f"unknown lesson '{lesson_code}' (no lesson with this id in the folder)")
        return
    if lesson is None:
        return
    if lesson.questions:
        check.add(data.at("lesson"), f"lesson '{lesson_code}' already has a question bank")
        return
    items = _mapping_list(data.get("questions"), check, data.at("questions"), "'questions'")
    for position, q in enumerate(items, start=1):
        qid = check.text(q, "id")
        where = f"{file}:{q.line}"
        if qid:
            if not _ID.match(qid):
                check.add(q.at("id"), f"id '{qid}' may use only a-z, 0-9, '-', '.' and '_'")
            if qid in seen:
                check.add(q.at("id"), f"duplicate question id '{qid}' (first at {seen[qid]})")
            else:
                seen[qid] = where
        skill = check.text(q, "skill")
        if skill and skill not in lesson.skills:
            check.add(q.at("skill"), f"unknown skill '{skill}': not a skill of lesson '{lesson.code}'")
        text = check.text(q, "text")
        explanation = check.text(q, "explanation")
        multi = q.get("multi", False)
        if not isinstance(multi, bool):
            check.add(q.at("multi"), "'multi' must be true or false")
            multi = False
        options = []
        raw_options = _mapping_list(q.get("options"), check, q.at("options"), "'options'")
        for o in raw_options:
            otext = check.text(o, "text")
            correct = o.get("correct", False)
            if not isinstance(correct, bool):
                check.add(o.at("correct"), "'correct' must be true or false")
                correct = False
            for key in o:
                if key not in ("text", "correct"):
                    check.add(o.at(key), f"unknown key '{key}'")
            options.append({"text": otext, "correct": correct})
        if "options" in q and not 3 <= len(options) <= 4:
            check.add(q.at("options"), f"a question needs 3 or 4 options, not {len(options)}")
        right = sum(1 for o in options if o["correct"])
        if options and not multi and right != 1:
            check.add(q.at("options"), f"question '{qid}' must have exactly one right answer "
                                       f"(has {right}); mark it 'multi: true' if several are right")
        if options and multi and right < 1:
            check.add(q.at("options"), f"question '{qid}' has no right answer")
        texts = [o["text"] for o in options]
        if len(set(texts)) != len(texts):
            check.add(q.at("options"), "two options have the same text")
        for key in q:
            if key not in ("id", "skill", "text", "options", "explanation", "multi"):
                check.add(q.at(key), f"unknown key '{key}'")
        lesson.questions.append(QuestionData(code=qid, skill=skill, position=position, text=text,
                                             options=options, explanation=explanation, multi=multi))
    if len(lesson.questions) < MIN_QUESTIONS:
        check.add(data.at("questions"), f"lesson '{lesson.code}' has {len(lesson.questions)} questions; "
                                        f"it needs at least {MIN_QUESTIONS}")


def read_curriculum(root: Path | str) -> tuple[Curriculum, list[Problem]]:
    root = Path(root)
    problems: list[Problem] = []
    cur = Curriculum()
    if not root.is_dir():
        return cur, [Problem(str(root), 0, "not a folder")]

    # frameworks.yaml
    fw_path = root / "frameworks.yaml"
    competences: set[str] = set()
    groups: set[str] = set()
    if not fw_path.is_file():
        problems.append(Problem(_rel(fw_path, root), 0, "file is missing"))
    else:
        file = _rel(fw_path, root)
        check = _Checker(file, problems)
        fw = _load_yaml(fw_path.read_text(encoding="utf-8"), file, problems)
        if isinstance(fw, LDict):
            for key, bucket in (("competences", competences), ("skill_groups", groups)):
                for item in _mapping_list(fw.get(key), check, fw.at(key), f"'{key}'"):
                    code = check.text(item, "code")
                    if code in bucket:
                        check.add(item.at("code"), f"duplicate code '{code}'")
                    bucket.add(code)
        elif fw is not None:
            check.add(1, "frameworks.yaml must be a mapping with 'competences' and 'skill_groups'")

    # levels.yaml
    lv_path = root / "levels.yaml"
    if not lv_path.is_file():
        problems.append(Problem(_rel(lv_path, root), 0, "file is missing"))
    else:
        file = _rel(lv_path, root)
        check = _Checker(file, problems)
        levels = _load_yaml(lv_path.read_text(encoding="utf-8"), file, problems)
        if levels is not None:
            for position, item in enumerate(_mapping_list(levels, check, 1, "levels.yaml"), start=1):
                code = check.text(item, "id")
                if code and code not in LEVEL_IDS:
                    check.add(item.at("id"), f"unknown level id '{code}' (use one of {', '.join(LEVEL_IDS)})")
                if code in {lv.code for lv in cur.levels}:
                    check.add(item.at("id"), f"duplicate level id '{code}'")
                cur.levels.append(LevelData(code=code, position=position, title=check.text(item, "title"),
                                            summary=check.text(item, "summary", required=False)))
    if problems:
        return cur, problems

    # level folders, whichever exist
    skills: dict[str, SkillData] = {}
    skill_where: dict[str, str] = {}
    lesson_where: dict[str, str] = {}
    question_where: dict[str, str] = {}
    for level in cur.levels:
        folder = root / f"level-{level.code}"
        if not folder.is_dir():
            continue
        cur.present_levels.append(level.code)
        sk_path = folder / "skills.yaml"
        if not sk_path.is_file():
            problems.append(Problem(_rel(sk_path, root), 0, "file is missing"))
            continue
        file = _rel(sk_path, root)
        check = _Checker(file, problems)
        raw = _load_yaml(sk_path.read_text(encoding="utf-8"), file, problems)
        level_skills = []
        for position, item in enumerate(_mapping_list(raw, check, 1, "skills.yaml") if raw is not None else [],
                                        start=1):
            code = check.text(item, "id")
            if code and not code.startswith(SKILL_PREFIX[level.code]):
                check.add(item.at("id"), f"skill id '{code}' must start with '{SKILL_PREFIX[level.code]}'")
            if code in skill_where:
                check.add(item.at("id"), f"duplicate skill id '{code}' (first at {skill_where[code]})")
                continue
            skill_where[code] = f"{file}:{item.line}"
            data = SkillData(code=code, level=level.code, position=position, title=check.text(item, "title"),
                             competences=check.codes(item, "competences", competences, "competence code"),
                             groups=check.codes(item, "groups", groups, "skill group"))
            skills[code] = data
            level_skills.append(data)
        cur.skills.extend(level_skills)

        level_lessons: dict[str, LessonData] = {}
        for position, path in enumerate(sorted(p for p in folder.glob("*.md")), start=1):
            lesson = _read_lesson(path, root, level.code, position, skills, competences, groups, problems)
            if lesson is None or not lesson.code:
                continue
            if lesson.code in lesson_where:
                problems.append(Problem(_rel(path, root), 2, f"duplicate lesson id '{lesson.code}' "
                                                             f"(first at {lesson_where[lesson.code]})"))
                continue
            lesson_where[lesson.code] = f"{_rel(path, root)}:2"
            level_lessons[lesson.code] = lesson
            cur.lessons.append(lesson)
        for path in sorted(folder.glob("*.questions.yaml")):
            _read_questions(path, root, level_lessons, problems, question_where)
        for lesson in level_lessons.values():
            if not lesson.questions and not (folder / f"{Path(lesson.file_name).stem}.questions.yaml").is_file():
                problems.append(Problem(lesson_where[lesson.code].rsplit(":", 1)[0], 1,
                                        f"lesson '{lesson.code}' has no question bank "
                                        f"({Path(lesson.file_name).stem}.questions.yaml)"))
        taught = {s for lesson in level_lessons.values() for s in lesson.skills}
        for skill in level_skills:
            if skill.code and skill.code not in taught:
                problems.append(Problem(file, int(skill_where[skill.code].rsplit(":", 1)[1]),
                                        f"skill '{skill.code}' is not taught by any lesson"))
    return cur, problems
