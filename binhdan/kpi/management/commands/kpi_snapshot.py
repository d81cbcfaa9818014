"""Write today's (or a given day's) snapshot of every commune's indicator totals."""

import datetime

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write the daily snapshot of every commune's indicators (run once a day, after midnight)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, date=None, **options):
        from binhdan.kpi import services

        day = datetime.date.fromisoformat(date) if date else None
        n = services.take_snapshots(day)
        self.stdout.write(f"{n} snapshot rows written")
