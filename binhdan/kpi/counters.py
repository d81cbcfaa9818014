"""Counters engine (contract). The indicators engineer implements these three functions;
until then they change nothing, so callers can already wrap their mutations in `track()`."""


def contributions(person_ids, household_ids, village_ids) -> dict:
    return {}


def apply(before: dict, after: dict) -> None:
    return None


def add(indicator: str, village_id: int, delta: int) -> None:
    return None
