import pytest

from binhdan.kpi.tests import helpers


@pytest.fixture
def scenario(scenario):
    """The canonical scenario, with its villages counted (geo's village services are wired to
    `track()` by the lead; here the villages the scenario creates are counted once)."""
    from binhdan.kpi.tracking import rebuild

    rebuild([u.pk for u in scenario.units.values() if u.level == 3])
    return scenario


@pytest.fixture
def levels(db):
    return helpers.curriculum()
