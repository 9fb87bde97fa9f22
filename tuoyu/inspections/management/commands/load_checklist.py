from django.core.management.base import BaseCommand, CommandError

from tuoyu.inspections.services.inspecting import CHECKLIST_FILE, checklist_load_file


class Command(BaseCommand):
    help = (
        "Load the inspection checklist (default: Kaizhou's demo compilation). Items are matched by code: "
        "a loaded item is updated, none is deleted, so running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(CHECKLIST_FILE))

    def handle(self, *args, path, **options):
        try:
            count = checklist_load_file(path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} checklist items loaded from {path}")
