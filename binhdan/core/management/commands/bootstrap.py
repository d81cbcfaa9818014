from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from binhdan.core import demo
from binhdan.geo.models import AdminUnit, Level
from binhdan.people.models import Person


class Command(BaseCommand):
    help = "First run: load the administrative units and the demo commune when the database is empty."

    def handle(self, *args, **options):
        if not AdminUnit.objects.filter(level=Level.COMMUNE).exists():
            call_command("load_units", stdout=self.stdout)
        if not Person.objects.exists():
            call_command("seed_demo", stdout=self.stdout)
        else:
            self.stdout.write(_("Demo accounts (password: %(password)s):") % {"password": demo.DEMO_PASSWORD})
            for username, role, *_rest in demo.DEMO_ACCOUNTS:
                self.stdout.write(f"  {username:<14} {role.label}")
            from binhdan.learning.demo import seed_learning

            seed_learning(self.stdout)
        self.stdout.write(_("Sign in at /dang-nhap/ — these accounts exist only in demo data."))
