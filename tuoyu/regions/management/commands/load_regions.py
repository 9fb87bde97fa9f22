from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tuoyu.regions.services import KAIZHOU_FILE, regions_load_file


class Command(BaseCommand):
    help = "Load a district's units, population and departments from a JSON file (default: Kaizhou)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(KAIZHOU_FILE))

    def handle(self, *args, path, **options):
        try:
            counts = regions_load_file(path=Path(path))
        except (OSError, ValueError, ValidationError) as exc:
            raise CommandError(f"Could not load {path}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['units']} units, {counts['population']} population rows, {counts['departments']} departments"
            )
        )
