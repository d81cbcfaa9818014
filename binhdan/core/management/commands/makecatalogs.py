"""Refresh the Vietnamese catalog of every app (each app keeps its own under <app>/locale)."""

import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

import binhdan

ROOT = Path(binhdan.__file__).resolve().parent


class Command(BaseCommand):
    help = "Run makemessages for Vietnamese in every app of the project (needs GNU gettext)."

    def handle(self, *args, **options):
        cwd = os.getcwd()
        try:
            for locale_dir in sorted(ROOT.glob("*/locale")):
                os.chdir(locale_dir.parent)
                call_command("makemessages", locale=["vi"], no_obsolete=True, verbosity=0)
                self.stdout.write(f"{locale_dir.parent.name}: updated")
        finally:
            os.chdir(cwd)
