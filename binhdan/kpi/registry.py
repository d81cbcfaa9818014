"""The indicator registry: every indicator declared once, with its rule.

An indicator is a numerator over a denominator of *subjects*:

* ``person``    — current people of the register (``valid_to`` empty, in a village);
* ``household`` — current households;
* ``village``   — open villages;
* ``learner``   — pairs of before/after self-assessments (an average, not a share);
* ``event``     — count indicators (coaching sessions, classes…): a numerator only.

A person rule is a list of conditions from a small vocabulary (``Cond``). Each condition
knows both its queryset filter (for reconciliation, drill-down lists and exports) and its
Python test (for the counters kept in the same transaction as the record). Both come from
the one declaration below, so they cannot drift apart; the reconciliation proves it.

Levels: "basic digital skills" means a person has reached level ``KPI_BASIC_LEVEL``
(default 3: levels 1–3 achieved). A "Gia đình số" household has a current member at level
``KPI_HOUSEHOLD_LEVEL`` or more (default 2). Both are settings; change them, then run
``binhdan kpi_reconcile --fix`` to recount. Achievements by self-report never count
(see ``binhdan.kpi.levels``).

Ages are counted by year of birth against the current year (a person born in 2010 is 15
all through 2025). Every first of January the snapshot job recounts (`kpi_snapshot`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PERCENT, COUNT, AVERAGE = "percent", "count", "average"
PERSON, HOUSEHOLD, VILLAGE, LEARNER, EVENT = "person", "household", "village", "learner", "event"
KINH = "01"
ADULT_AGE = 15
CITIZEN_AGE = 16


def basic_level() -> int:
    return int(getattr(settings, "KPI_BASIC_LEVEL", 3))


def household_level() -> int:
    return int(getattr(settings, "KPI_HOUSEHOLD_LEVEL", 2))


# --- conditions over a person ---------------------------------------------------------------

@dataclass(frozen=True)
class Cond:
    """One condition on a person. `row` is a dict of Person fields plus `level`/`national`."""

    kind: str
    arg: object = None

    def q(self, year: int, prefix: str = "") -> Q:
        p = prefix
        if self.kind == "age_at_least":
            return Q(**{p + "birth_year__lte": year - int(self.arg)})
        if self.kind == "flag":
            return Q(**{p + str(self.arg): True})
        if self.kind == "level_at_least":
            return Q(**{p + "kpi_facts__level__gte": _resolve(self.arg)})
        if self.kind == "national":
            return Q(**{p + "kpi_facts__national": True})
        if self.kind == "vneid_at_least":
            return Q(**{p + "vneid_level__gte": int(self.arg)})
        raise ValueError(self.kind)

    def test(self, row: dict, year: int) -> bool:
        if self.kind == "age_at_least":
            by = row.get("birth_year")
            return by is not None and by <= year - int(self.arg)
        if self.kind == "flag":
            return bool(row.get(str(self.arg)))
        if self.kind == "level_at_least":
            return (row.get("level") or 0) >= _resolve(self.arg)
        if self.kind == "national":
            return bool(row.get("national"))
        if self.kind == "vneid_at_least":
            return (row.get("vneid_level") or 0) >= int(self.arg)
        raise ValueError(self.kind)


def _resolve(arg) -> int:
    if arg == "basic":
        return basic_level()
    if arg == "household":
        return household_level()
    return int(arg)


def adult() -> Cond:
    return Cond("age_at_least", ADULT_AGE)


def citizen16() -> Cond:
    return Cond("age_at_least", CITIZEN_AGE)


def segment(name: str) -> Cond:
    return Cond("flag", name)


def level(at_least) -> Cond:
    return Cond("level_at_least", at_least)


NATIONAL = Cond("national")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: object
    short: object
    kind: str
    subject: str
    rule: str  # the rule in words, shown on the dashboard and in docs/indicators.md
    denominator: tuple[Cond, ...] = ()
    numerator: tuple[Cond, ...] = ()
    sliced: bool = False
    # Count indicators that outreach records can recompute (see binhdan.kpi.sources).
    order: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def is_percent(self) -> bool:
        return self.kind == PERCENT

    @property
    def is_count(self) -> bool:
        return self.kind == COUNT

    def den_q(self, year: int, prefix: str = "") -> Q:
        q = Q()
        for c in self.denominator:
            q &= c.q(year, prefix)
        return q

    def num_q(self, year: int, prefix: str = "") -> Q:
        q = self.den_q(year, prefix)
        for c in self.numerator:
            q &= c.q(year, prefix)
        return q

    def in_den(self, row: dict, year: int) -> bool:
        return all(c.test(row, year) for c in self.denominator)

    def in_num(self, row: dict, year: int) -> bool:
        return self.in_den(row, year) and all(c.test(row, year) for c in self.numerator)


def _i(code, name, short, kind, subject, rule, den=(), num=(), sliced=False):
    return Indicator(code=code, name=name, short=short, kind=kind, subject=subject, rule=rule,
                     denominator=tuple(den), numerator=tuple(num), sliced=sliced)


INDICATORS: list[Indicator] = [
    _i("officials_skills", _("Public officials with digital skills"), _("Officials"), PERCENT, PERSON,
       _("Public officials at the basic level or above / public officials"),
       den=[segment("is_official")], num=[level("basic")], sliced=True),
    _i("students_skills", _("Students with digital knowledge and safety skills"), _("Students"), PERCENT, PERSON,
       _("Students at the basic level or above / students"),
       den=[segment("is_student")], num=[level("basic")], sliced=True),
    _i("adults_basic_skills", _("Adults with basic digital skills"), _("Basic skills"), PERCENT, PERSON,
       _("Adults (15 or older this year) at the basic level or above / adults"),
       den=[adult()], num=[level("basic")], sliced=True),
    _i("adults_national", _("Adults confirmed on VNeID"), _("Confirmed on VNeID"), PERCENT, PERSON,
       _("Adults with a national record of digital-skills universalisation / adults"),
       den=[adult()], num=[NATIONAL], sliced=True),
    _i("workers_skills", _("Enterprise and cooperative workers with basic digital skills"), _("Workers"),
       PERCENT, PERSON, _("Workers at the basic level or above / enterprise and cooperative workers"),
       den=[segment("is_worker")], num=[level("basic")], sliced=True),
    _i("citizens_vneid2", _("Citizens aged 16+ with a level-2 VNeID account"), _("VNeID level 2"), PERCENT,
       PERSON, _("People aged 16 or older this year with a level-2 VNeID account / people aged 16 or older"),
       den=[citizen16()], num=[Cond("vneid_at_least", 2)], sliced=True),
    _i("citizens_bank", _("Citizens aged 16+ with a digital bank account"), _("Bank accounts"), PERCENT, PERSON,
       _("People aged 16 or older this year with a digital bank account / people aged 16 or older"),
       den=[citizen16()], num=[segment("has_bank_account")], sliced=True),
    _i("digital_households", _("Digital households (Gia đình số)"), _("Digital households"), PERCENT, HOUSEHOLD,
       _("Current households with at least one current member at level 2 or above / current households")),
    _i("villages_with_team", _("Villages with an active community digital team"), _("Villages with a team"),
       PERCENT, VILLAGE, _("Open villages covered by at least one active community digital team / open villages")),
    _i("self_assessment_change", _("Average change in self-assessed competence"), _("Self-assessed change"),
       AVERAGE, LEARNER,
       _("Mean of (score after − score before) over learners who answered both self-assessments of a level, "
         "in points out of 100")),
    _i("people_coached", _("People coached one-to-one"), _("People coached"), COUNT, EVENT,
       _("People who received one-to-one coaching")),
    _i("coaching_sessions", _("Coaching sessions"), _("Coaching sessions"), COUNT, EVENT,
       _("One-to-one coaching sessions recorded")),
    _i("confirmed_sessions", _("Confirmed coaching sessions"), _("Confirmed sessions"), COUNT, EVENT,
       _("Coaching sessions confirmed by the person coached or by an officer")),
    _i("classes_held", _("Community classes held"), _("Classes held"), COUNT, EVENT,
       _("Community class sessions held")),
    _i("champions_recognised", _("Village digital champions recognised"), _("Champions"), COUNT, EVENT,
       _("People recognised as village digital champions (Người bản số)")),
    _i("devices_given", _("Devices given to people in need"), _("Devices given"), COUNT, EVENT,
       _("Smartphones and other devices handed over by the device drive")),
]
for _n, _ind in enumerate(INDICATORS):
    object.__setattr__(_ind, "order", _n)

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
CODES = [i.code for i in INDICATORS]
PERSON_INDICATORS = [i for i in INDICATORS if i.subject == PERSON]
COUNT_CODES = [i.code for i in INDICATORS if i.subject == EVENT]


def get(code: str) -> Indicator:
    """The indicator with this code; KeyError when there is none."""
    return BY_CODE[code]


# --- slices: the breakdown of person indicators ---------------------------------------------

TOTAL = ""
AGE_BANDS = [(0, 14), (15, 29), (30, 44), (45, 59), (60, None)]
SEGMENT_FIELDS = ["is_official", "is_student", "is_worker", "is_trader", "is_farmer", "has_disability"]


def age_band(birth_year, year: int) -> str:
    if birth_year is None:
        return "age:?"
    age = year - birth_year
    for low, high in AGE_BANDS:
        if high is None or age <= high:
            if age >= low or low == 0:
                return f"age:{low}-{high}" if high is not None else f"age:{low}+"
    return "age:?"


def slices_of(row: dict, year: int) -> list[str]:
    """The breakdown slices a person falls in (besides the total)."""
    out = [f"sex:{row.get('sex') or '?'}", age_band(row.get("birth_year"), year),
           "eth:kinh" if (row.get("ethnicity") or KINH) == KINH else "eth:minority"]
    for name in SEGMENT_FIELDS:
        if row.get(name):
            out.append("seg:" + name[3:] if name.startswith("is_") else "seg:" + name[4:])
    return out


def slice_q(slice_code: str, year: int, prefix: str = "") -> Q:
    """The queryset filter of a slice (for drill-down lists)."""
    p = prefix
    if not slice_code:
        return Q()
    dim, _sep, value = slice_code.partition(":")
    if dim == "sex":
        return Q(**{p + "sex": ""}) if value == "?" else Q(**{p + "sex": value})
    if dim == "eth":
        return Q(**{p + "ethnicity": KINH}) if value == "kinh" else ~Q(**{p + "ethnicity": KINH})
    if dim == "age":
        if value == "?":
            return Q(**{p + "birth_year__isnull": True})
        low, _s, high = value.partition("-")
        if value.endswith("+"):
            return Q(**{p + "birth_year__lte": year - int(value[:-1])})
        q = Q(**{p + "birth_year__gte": year - int(high)})
        if int(low) > 0:
            q &= Q(**{p + "birth_year__lte": year - int(low)})
        return q
    if dim == "seg":
        name = "has_disability" if value == "disability" else "is_" + value
        if name in SEGMENT_FIELDS:
            return Q(**{p + name: True})
    raise ValueError(slice_code)


def slice_label(slice_code: str):
    dim, _sep, value = slice_code.partition(":")
    labels = {
        "sex:M": _("men"), "sex:F": _("women"), "sex:?": _("sex not recorded"),
        "eth:kinh": _("Kinh"), "eth:minority": _("ethnic minorities"),
        "age:?": _("age not recorded"),
        "seg:official": _("public officials"), "seg:student": _("students"),
        "seg:worker": _("enterprise workers"), "seg:trader": _("small traders"), "seg:farmer": _("farmers"),
        "seg:disability": _("people with disability"),
    }
    if slice_code in labels:
        return labels[slice_code]
    if dim == "age":
        if value.endswith("+"):
            return _("%(age)s and older") % {"age": value[:-1]}
        low, _s, high = value.partition("-")
        return _("aged %(low)s–%(high)s") % {"low": low, "high": high}
    return slice_code


ALL_SLICES = (["sex:M", "sex:F", "sex:?"]
              + [f"age:{lo}-{hi}" if hi is not None else f"age:{lo}+" for lo, hi in AGE_BANDS] + ["age:?"]
              + ["eth:kinh", "eth:minority"]
              + ["seg:official", "seg:student", "seg:worker", "seg:trader", "seg:farmer", "seg:disability"])
SLICE_GROUPS = [
    (_("Sex"), ["sex:M", "sex:F", "sex:?"]),
    (_("Age"), [s for s in ALL_SLICES if s.startswith("age:")]),
    (_("Ethnicity"), ["eth:kinh", "eth:minority"]),
    (_("Segment"), [s for s in ALL_SLICES if s.startswith("seg:")]),
]
