import datetime

from django.db.models import Count, Q

from binhdan.people.demo import seed_people
from binhdan.people.models import Household, Person

TODAY = datetime.date(2026, 11, 22)


def _profile(commune):
    return list(Person.objects.filter(commune=commune).order_by("pk").values_list(
        "full_name", "birth_year", "sex", "has_smartphone", "vneid_level", "id_last4", "phone_masked", "consent_at"))


def test_demo_people_have_digital_status_ids_phones_and_consent_and_are_deterministic(scenario):
    counts = seed_people(scenario.c11, [scenario.v111, scenario.v112], 400, seed=3, today=TODAY)
    seed_people(scenario.c12, [scenario.v121, scenario.v122], 400, seed=3, today=TODAY)
    assert counts["people"] == 400 and Person.objects.filter(commune=scenario.c11).count() == 400
    assert _profile(scenario.c11) == _profile(scenario.c12)
    stats = Person.objects.filter(commune=scenario.c11).aggregate(
        ids=Count("pk", filter=~Q(id_hash="")), phones=Count("pk", filter=~Q(phone_encrypted="")),
        smartphones=Count("pk", filter=Q(has_smartphone=True)), vneid2=Count("pk", filter=Q(vneid_level=2)),
        consent=Count("pk", filter=Q(consent_at__isnull=False)))
    assert all(100 < value < 400 for value in stats.values()), stats
    person = Person.objects.filter(commune=scenario.c11).exclude(phone_encrypted="").first()
    assert person.phone().startswith("+84") and person.phone_masked.endswith(person.phone()[-3:])
    assert not Household.objects.filter(commune=scenario.c11, head__isnull=True).exists()
    children = Person.objects.filter(commune=scenario.c11, birth_year__gt=TODAY.year - 12)
    assert not children.filter(Q(has_smartphone=True) | ~Q(phone_encrypted="")).exists()
