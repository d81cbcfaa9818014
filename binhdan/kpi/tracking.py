"""The one hook through which every change that can move an indicator passes.

Wrap the mutation, inside its transaction, naming the existing people, households,
villages and learners whose state may change:

    with transaction.atomic(), track(persons=[person.pk]):
        ...create the achievement, move the person, change a segment...

`track` reads what the named records contribute to every indicator before the block, and
applies the difference after it to the counters of their villages, in the same transaction.
The households a tracked person was in or joins are followed automatically.

Records *created* inside the block are added to the tracker once they exist:

    with transaction.atomic(), track(persons=[old_head]) as t:
        person = save_person(...)          # a new person, maybe a new household
        t.add(persons=[person], households=[person.household] if new_household else [])

Count indicators (coaching sessions, classes held…) use `bump()`. Bulk imports that touch
many records call `rebuild(village_ids)` inside their transaction instead (see
`binhdan.kpi.services.rebuild`). The counters engine lives in this app; callers never
touch counters. docs/indicators.md lists every call site.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

_local = threading.local()


def _ids(values) -> list[int]:
    return [getattr(v, "pk", v) for v in values if v is not None and getattr(v, "pk", v) is not None]


class Tracker:
    def __init__(self):
        self.added: dict[str, set] = {"persons": set(), "households": set(), "villages": set(), "learners": set()}

    def add(self, *, persons=(), households=(), villages=(), learners=()) -> None:
        """Records created inside the block (they contributed nothing before it)."""
        self.added["persons"].update(_ids(persons))
        self.added["households"].update(_ids(households))
        self.added["villages"].update(_ids(villages))
        self.added["learners"].update(_ids(learners))


class _Open:
    """A track() block in progress: what it captured and what it was told."""

    def __init__(self, before, names, tracker):
        self.before, self.names, self.tracker = before, names, tracker


@contextmanager
def track(*, persons=(), households=(), villages=(), learners=()):
    """Nested blocks (a service calling another inside its own `track`) join the outermost
    one: their records' earlier state is captured once, and the counters change once, when
    the outermost block ends."""
    from binhdan.kpi import counters

    names = {"persons": _ids(persons), "households": _ids(households), "villages": _ids(villages),
             "learners": _ids(learners)}
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    if stack:
        outer = stack[-1]
        fresh = {k: [i for i in v if i not in getattr(outer.before, k) and i not in outer.tracker.added[k]]
                 for k, v in names.items()}
        part = counters.capture(fresh["persons"], fresh["households"], fresh["villages"], fresh["learners"])
        for k in names:
            getattr(outer.before, k).update(getattr(part, k))
            outer.names[k] = list(outer.names[k]) + fresh[k]
        yield outer.tracker
        return
    before = counters.capture(names["persons"], names["households"], names["villages"], names["learners"])
    tracker = Tracker()
    stack.append(_Open(before, names, tracker))
    try:
        yield tracker
    finally:
        stack.pop()
    counters.finish(before, names["persons"], names["households"], names["villages"], names["learners"],
                    tracker.added)


def bump(indicator: str, village_id: int, delta: int = 1) -> None:
    """Add `delta` to a count indicator of a village (e.g. one more coaching session)."""
    from binhdan.kpi import counters

    counters.add(indicator, getattr(village_id, "pk", village_id), delta)


def rebuild(village_ids) -> int:
    """Recount the counters of these villages from the records (after a bulk import), in the
    caller's transaction. Returns the number of counters changed."""
    from binhdan.kpi import reconcile

    return reconcile.run(villages=_ids(village_ids), fix=True, record=False).differences
