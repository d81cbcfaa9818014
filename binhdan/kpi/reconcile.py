"""Recount every counter from the records and compare it with the stored one.

Two checks, both from scratch:

1. the derived facts of people (level, national confirmation) against their counted
   achievements;
2. every village counter (with its breakdown) against a GROUP BY over people, households,
   villages and self-assessments, using the registry's queryset rules — not the Python
   tests `track()` uses, so the two ways of counting check each other.

`run(fix=True)` writes the recomputed values; `run(villages=[…], fix=True)` is the
`rebuild()` bulk imports call.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When

from binhdan.kpi import registry as reg
from binhdan.kpi.counters import current_year


@dataclass
class Result:
    differences: int = 0
    facts_differences: int = 0
    counters: int = 0
    details: list = field(default_factory=list)
    unverified: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.differences == 0 and self.facts_differences == 0


def _band_case(year: int):
    whens = []
    for low, high in reg.AGE_BANDS:
        code = f"age:{low}-{high}" if high is not None else f"age:{low}+"
        if high is None:
            whens.append(When(birth_year__lte=year - low, then=Value(code)))
        else:
            whens.append(When(birth_year__gte=year - high, then=Value(code)))
    return Case(*whens, default=Value("age:?"))


def expected_person(year: int, villages=None) -> dict:
    from binhdan.people.models import Person

    qs = Person.objects.filter(valid_to__isnull=True, village__isnull=False)
    if villages is not None:
        qs = qs.filter(village_id__in=villages)
    aggregates = {}
    for ind in reg.PERSON_INDICATORS:
        aggregates[f"d_{ind.code}"] = Count("pk", filter=ind.den_q(year))
        aggregates[f"n_{ind.code}"] = Count("pk", filter=ind.num_q(year))
    dims = ["village_id", "commune_id", "province_id", "sex", "band", "minority", *reg.SEGMENT_FIELDS]
    rows = (qs.annotate(band=_band_case(year),
                        minority=Case(When(ethnicity=reg.KINH, then=Value(0)), default=Value(1),
                                      output_field=IntegerField()))
            .values(*dims).annotate(**aggregates).order_by())
    out: dict = defaultdict(lambda: [0, 0])
    places = {}
    for row in rows:
        v = row["village_id"]
        places[v] = (row["commune_id"], row["province_id"])
        slices = [reg.TOTAL, f"sex:{row['sex'] or '?'}", row["band"],
                  "eth:minority" if row["minority"] else "eth:kinh"]
        for name in reg.SEGMENT_FIELDS:
            if row[name]:
                slices.append("seg:" + (name[3:] if name.startswith("is_") else name[4:]))
        for ind in reg.PERSON_INDICATORS:
            d = row[f"d_{ind.code}"]
            if not d:
                continue
            n = row[f"n_{ind.code}"]
            for s in slices:
                cell = out[(v, ind.code, s)]
                cell[0] += n
                cell[1] += d
    return out, places


def expected_households(villages=None) -> tuple[dict, dict]:
    from binhdan.kpi.models import PersonFacts
    from binhdan.people.models import Household

    digital = PersonFacts.objects.filter(person__household_id=OuterRef("pk"), person__valid_to__isnull=True,
                                         level__gte=reg.household_level())
    qs = Household.objects.filter(valid_to__isnull=True, village__isnull=False)
    if villages is not None:
        qs = qs.filter(village_id__in=villages)
    rows = (qs.annotate(dig=Exists(digital)).values("village_id", "commune_id", "province_id", "dig")
            .annotate(n=Count("pk")).order_by())
    out: dict = defaultdict(lambda: [0, 0])
    places = {}
    for row in rows:
        v = row["village_id"]
        places[v] = (row["commune_id"], row["province_id"])
        cell = out[(v, "digital_households", reg.TOTAL)]
        cell[1] += row["n"]
        if row["dig"]:
            cell[0] += row["n"]
    return out, places


def expected_villages(villages=None) -> tuple[dict, dict]:
    from binhdan.geo.models import AdminUnit, Level
    from binhdan.kpi import sources

    qs = AdminUnit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True)
    if villages is not None:
        qs = qs.filter(pk__in=villages)
    teams = sources.active_team_villages(villages)
    out: dict = defaultdict(lambda: [0, 0])
    places = {}
    for vid, commune, province in qs.values_list("pk", "commune_id", "province_id"):
        places[vid] = (commune, province)
        out[(vid, "villages_with_team", reg.TOTAL)] = [1 if vid in teams else 0, 1]
    return out, places


def expected_self_assessment(villages=None) -> tuple[dict, dict]:
    from binhdan.learning.models import SelfAssessment

    before = SelfAssessment.objects.filter(learner_id=OuterRef("learner_id"), level_id=OuterRef("level_id"),
                                           phase=SelfAssessment.Phase.BEFORE).values("score")[:1]
    qs = SelfAssessment.objects.filter(phase=SelfAssessment.Phase.AFTER, village__isnull=False)
    if villages is not None:
        qs = qs.filter(village_id__in=villages)
    rows = (qs.annotate(b=Subquery(before)).filter(b__isnull=False)
            .values("village_id", "commune_id", "province_id")
            .annotate(s=Sum(F("score") - F("b")), c=Count("pk")).order_by())
    out: dict = defaultdict(lambda: [0, 0])
    places = {}
    for row in rows:
        v = row["village_id"]
        places[v] = (row["commune_id"], row["province_id"])
        out[(v, "self_assessment_change", reg.TOTAL)] = [int(row["s"] or 0), row["c"]]
    return out, places


def expected_counts(villages=None) -> tuple[dict, dict, list]:
    from binhdan.geo.models import AdminUnit
    from binhdan.kpi import sources

    found = sources.count_sources()
    out: dict = {}
    unverified = [code for code in reg.COUNT_CODES if code not in found]
    for code, fn in found.items():
        for vid, n in fn(villages).items():
            if n:
                out[(vid, code, reg.TOTAL)] = [n, 0]
    ids = {k[0] for k in out}
    places = {pk: (c, p) for pk, c, p in AdminUnit.objects.filter(pk__in=ids).values_list(
        "pk", "commune_id", "province_id")} if ids else {}
    return out, places, unverified


def check_facts(villages=None, fix: bool = False) -> tuple[int, list]:
    from binhdan.kpi import facts
    from binhdan.kpi.models import PersonFacts

    person_filter = Q(person__village_id__in=villages) if villages is not None else None
    stored_qs = PersonFacts.objects.all()
    if villages is not None:
        stored_qs = stored_qs.filter(person__village_id__in=villages)
    stored = {pid: (lvl, nat) for pid, lvl, nat in stored_qs.values_list("person_id", "level", "national")}
    details, updates, creates = [], [], []
    n = 0
    for pid, lvl, nat in facts.iter_all(person_filter):
        want = (lvl, nat)
        have = stored.pop(pid, None)
        if want == (0, False):
            if have is not None:
                n += 1
                updates.append((pid, None))
                details.append({"person": pid, "stored": list(have), "expected": [0, False]}) if len(
                    details) < 50 else None
            continue
        if have != want:
            n += 1
            (updates if have is not None else creates).append((pid, want))
            if len(details) < 50:
                details.append({"person": pid, "stored": list(have) if have else None, "expected": list(want)})
    for pid, have in stored.items():  # facts left for people without counted achievements
        if have != (0, False):
            n += 1
            if len(details) < 50:
                details.append({"person": pid, "stored": list(have), "expected": [0, False]})
        updates.append((pid, None))
    if fix:
        gone = [pid for pid, want in updates if want is None]
        for start in range(0, len(gone), 5000):
            PersonFacts.objects.filter(pk__in=gone[start:start + 5000]).delete()
        for pid, want in updates:
            if want is not None:
                PersonFacts.objects.filter(pk=pid).update(level=want[0], national=want[1])
        PersonFacts.objects.bulk_create([PersonFacts(person_id=pid, level=w[0], national=w[1])
                                         for pid, w in creates], batch_size=5000)
    return n, details


def expected_all(villages=None, year: int | None = None) -> tuple[dict, dict, list]:
    year = year or current_year()
    expected: dict = {}
    places: dict = {}
    for part, pl in (expected_person(year, villages), expected_households(villages), expected_villages(villages),
                     expected_self_assessment(villages)):
        expected.update(part)
        places.update(pl)
    counts, pl, unverified = expected_counts(villages)
    expected.update(counts)
    places.update(pl)
    return expected, places, unverified


def stored_counters(villages=None, skip_codes=()) -> dict:
    from binhdan.kpi.models import Counter

    qs = Counter.objects.exclude(indicator__in=list(skip_codes))
    if villages is not None:
        qs = qs.filter(village_id__in=villages)
    return {(v, code, s): (n, d) for v, code, s, n, d in qs.values_list(
        "village_id", "indicator", "slice", "numerator", "denominator").iterator(chunk_size=20000)}


def check_communes(villages=None, fix: bool = False) -> tuple[int, list]:
    """Commune counters against the sum of their villages' counters."""
    from django.db.models import Sum

    from binhdan.geo.models import AdminUnit
    from binhdan.kpi.models import CommuneCounter, Counter

    communes = None
    if villages is not None:
        communes = set(AdminUnit.objects.filter(pk__in=villages).exclude(commune__isnull=True)
                       .values_list("commune_id", flat=True))
    sums = Counter.objects.filter(commune__isnull=False)
    stored_qs = CommuneCounter.objects.all()
    if communes is not None:
        sums = sums.filter(commune_id__in=communes)
        stored_qs = stored_qs.filter(commune_id__in=communes)
    expected, provinces = {}, {}
    for row in sums.values("commune_id", "province_id", "indicator", "slice").annotate(
            n=Sum("numerator"), d=Sum("denominator")).order_by().iterator(chunk_size=20000):
        key = (row["commune_id"], row["indicator"], row["slice"])
        n0, d0 = expected.get(key, (0, 0))
        expected[key] = (n0 + int(row["n"] or 0), d0 + int(row["d"] or 0))
        provinces[row["commune_id"]] = row["province_id"]
    stored = {(c, i, s): (n, d) for c, i, s, n, d in stored_qs.values_list(
        "commune_id", "indicator", "slice", "numerator", "denominator").iterator(chunk_size=20000)}
    diffs = [(k, stored.get(k, (0, 0)), expected.get(k, (0, 0))) for k in set(expected) | set(stored)
             if tuple(stored.get(k, (0, 0))) != tuple(expected.get(k, (0, 0)))]
    details = [{"commune": k[0], "indicator": k[1], "slice": k[2], "stored": list(h), "expected": list(w)}
               for k, h, w in sorted(diffs)[:50]]
    if fix and diffs:
        for start in range(0, len(diffs), 500):
            q = Q()
            for (c, code, s), _h, _w in diffs[start:start + 500]:
                q |= Q(commune_id=c, indicator=code, slice=s)
            CommuneCounter.objects.filter(q).delete()
        if provinces.keys() != {k[0] for k, _h, _w in diffs}:
            provinces.update(dict(AdminUnit.objects.filter(pk__in={k[0] for k, _h, _w in diffs})
                                  .values_list("pk", "province_id")))
        CommuneCounter.objects.bulk_create([
            CommuneCounter(commune_id=k[0], province_id=provinces.get(k[0]), indicator=k[1], slice=k[2],
                           numerator=w[0], denominator=w[1]) for k, _h, w in diffs if tuple(w) != (0, 0)],
            batch_size=5000)
    return len(diffs), details


def run(*, villages=None, fix: bool = False, record: bool = True) -> Result:
    """Compare (and with `fix`, correct) the counters of `villages` (or of everything)."""
    from binhdan.kpi.models import Counter, ReconcileRun

    started = time.monotonic()
    villages = list(villages) if villages is not None else None
    result = Result()
    with transaction.atomic():
        result.facts_differences, facts_details = check_facts(villages, fix=fix)
        expected, places, unverified = expected_all(villages)
        result.unverified = unverified
        stored = stored_counters(villages, skip_codes=unverified)
        result.counters = len(stored)
        diffs = []
        for key in set(expected) | set(stored):
            want = tuple(expected.get(key, (0, 0)))
            have = tuple(stored.get(key, (0, 0)))
            if want != have:
                diffs.append((key, have, want))
        result.differences = len(diffs)
        result.details = facts_details + [
            {"village": k[0], "indicator": k[1], "slice": k[2], "stored": list(h), "expected": list(w)}
            for k, h, w in sorted(diffs, key=lambda d: (d[0][0], d[0][1], d[0][2]))[:200]]
        if fix and diffs:
            keys = [k for k, _h, _w in diffs]
            by_village = defaultdict(list)
            for k in keys:
                by_village[k[0]].append(k)
            for v, ks in by_village.items():
                q = Q()
                for _v, code, s in ks:
                    q |= Q(indicator=code, slice=s)
                Counter.objects.filter(q, village_id=v).delete()
            from binhdan.geo.models import AdminUnit

            missing = {k[0] for k in keys if k[0] not in places}
            if missing:
                places.update({pk: (c, p) for pk, c, p in AdminUnit.objects.filter(pk__in=missing).values_list(
                    "pk", "commune_id", "province_id")})
            Counter.objects.bulk_create([
                Counter(village_id=k[0], commune_id=places.get(k[0], (None, None))[0],
                        province_id=places.get(k[0], (None, None))[1], indicator=k[1], slice=k[2],
                        numerator=w[0], denominator=w[1])
                for k, _h, w in diffs if w != (0, 0)], batch_size=5000)
        commune_diffs, commune_details = check_communes(villages, fix=fix)
        result.differences += commune_diffs
        result.details += commune_details
        result.seconds = time.monotonic() - started
        if record:
            ReconcileRun.objects.create(scope="" if villages is None else f"{len(villages)} villages",
                                        differences=result.differences + result.facts_differences, fixed=fix,
                                        seconds=result.seconds, details=result.details[:200])
    return result
