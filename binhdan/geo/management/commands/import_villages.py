from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhdan.geo import services


class Command(BaseCommand):
    help = "Import the villages of a commune from an XLSX or CSV file (columns: name, kind)."

    def add_arguments(self, parser):
        parser.add_argument("--commune", required=True, help="Commune code, e.g. 19363")
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            commune = services.find_commune(options["commune"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        result = services.import_villages(None, commune, path.read_bytes(), path.name)
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("Nothing was imported: %(count)d problem(s).") % {"count": len(result.problems)})
        self.stdout.write(
            _("Villages: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": len(result.created), "updated": len(result.updated), "unchanged": len(result.unchanged)}
        )
