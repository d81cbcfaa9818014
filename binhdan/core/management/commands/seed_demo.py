import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhdan.core import demo
from binhdan.geo.services import find_commune
from binhdan.people.demo import seed_people
from binhdan.people.models import Person


class Command(BaseCommand):
    help = "Build a deterministic, realistic demo commune: villages, organisations, accounts, households, people."

    def add_arguments(self, parser):
        parser.add_argument("--commune", default="19363", help="Commune code (default 19363, Xã Vĩnh Linh)")
        parser.add_argument("--villages", type=int, default=8)
        parser.add_argument("--people", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-accounts", action="store_true", help="Do not create the demo accounts.")

    def handle(self, *args, **options):
        if options["villages"] < 1 or options["people"] < 0:
            raise CommandError(_("--villages must be at least 1 and --people at least 0."))
        try:
            commune = find_commune(options["commune"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if Person.objects.filter(commune=commune).exists():
            raise CommandError(
                _("%(commune)s already has people; demo data is only added to an empty commune.")
                % {"commune": commune.name}
            )
        started = time.perf_counter()
        rng = random.Random(options["seed"])
        villages = demo.make_villages(commune, options["villages"], rng)
        demo.make_organisations(commune)
        counts = seed_people(commune, villages, options["people"], options["seed"])
        self.stdout.write(
            _("%(commune)s: %(villages)d villages, %(households)d households, %(people)d people (%(seconds).1f s).")
            % {"commune": commune.name, "villages": len(villages), "households": counts["households"],
               "people": counts["people"], "seconds": time.perf_counter() - started}
        )
        if not options["no_accounts"]:
            rows = demo.make_accounts(commune, villages[0])
            self.stdout.write(_("Demo accounts (password: %(password)s):") % {"password": demo.DEMO_PASSWORD})
            for username, role, unit in rows:
                self.stdout.write(f"  {username:<14} {role:<28} {unit}")
        from binhdan.learning.demo import seed_learning, seed_population_skills

        seed_learning(self.stdout)
        skills = seed_population_skills(commune, seed=options["seed"])
        self.stdout.write(_("Skills already verified: %(count)d achievements.") % {"count": skills})
        if not options["no_accounts"]:
            # Field work and plans are recorded by the demo officers and team members.
            from binhdan.outreach.demo import seed_outreach

            field = seed_outreach(commune, villages, options["seed"])
            self.stdout.write(_("Community teams: %(counts)s") % {"counts": _counts(field)})
        # Counters are recounted from the records (the demo population was bulk-inserted),
        # with back-dated daily snapshots so the charts have history.
        from binhdan.kpi.demo import seed_kpi

        seed_kpi(commune)
        if not options["no_accounts"]:
            from binhdan.campaigns.demo import seed_campaigns

            plans = seed_campaigns(commune, options["seed"])
            self.stdout.write(_("Plans and reports: %(counts)s") % {"counts": _counts(plans)})
        self.stdout.write(_("Demo data ready (%(seconds).1f s).") % {"seconds": time.perf_counter() - started})


def _counts(counts) -> str:
    if not isinstance(counts, dict):
        return str(counts)
    return ", ".join(f"{key} {value}" for key, value in counts.items())
