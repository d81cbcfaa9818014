"""Compile every .po catalog of the project to .mo with polib (no GNU gettext needed)."""

from pathlib import Path

import polib
from django.core.management.base import BaseCommand

import binhdan

ROOT = Path(binhdan.__file__).resolve().parent


def catalogs():
    return sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compile the project's translation catalogs (.po → .mo) when they changed."

    def handle(self, *args, **options):
        built = 0
        for po_path in catalogs():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            built += 1
        self.stdout.write(f"catalogs: {built} compiled, {len(catalogs())} in all")
