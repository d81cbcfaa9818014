import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhdan.geo import services


class Command(BaseCommand):
    help = "Load the 34 provinces and 3,321 communes from the vietnam-provinces package (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", help="Only this province code (repeatable).")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            result = services.load_units(options.get("province"))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Units: %(created)d created, %(updated)d updated, %(unchanged)d unchanged (%(seconds).1f s).")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
               "seconds": time.perf_counter() - started}
        )
