"""The one hook through which every change that can move an indicator passes.

Wrap the mutation, inside its transaction, naming the people, households and villages
whose state may change:

    with transaction.atomic(), track(persons=[person.pk], households=[person.household_id]):
        ...create the achievement, move the person, record the visit...

`track` reads what the named records contribute to every indicator before the block,
and applies the difference after it to the counters of their villages, in the same
transaction. Count indicators (sessions, classes held…) use `bump()`.

The counters engine lives in this app (`binhdan.kpi`); callers never touch counters.
"""

from __future__ import annotations

from contextlib import contextmanager


def _ids(values) -> list[int]:
    return [getattr(v, "pk", v) for v in values if v is not None]


@contextmanager
def track(*, persons=(), households=(), villages=()):
    from binhdan.kpi import counters

    persons, households, villages = _ids(persons), _ids(households), _ids(villages)
    before = counters.contributions(persons, households, villages)
    yield
    after = counters.contributions(persons, households, villages)
    counters.apply(before, after)


def bump(indicator: str, village_id: int, delta: int = 1) -> None:
    """Add `delta` to a count indicator of a village (e.g. one more coaching session)."""
    from binhdan.kpi import counters

    counters.add(indicator, village_id, delta)
