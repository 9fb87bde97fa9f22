from django.core.management.base import BaseCommand, CommandError

from tuoyu.grading.services import RUBRIC_FILE, rubric_load_file


class Command(BaseCommand):
    help = (
        "Load a grading rubric (default: the illustrative WS/T 821 compilation) and make it the one in use. "
        "Idempotent by name and version: a rubric already loaded is only activated, never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(RUBRIC_FILE))

    def handle(self, *args, path, **options):
        try:
            rubric, created = rubric_load_file(path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        verb = "loaded" if created else "already loaded"
        self.stdout.write(f"Rubric {rubric} {verb}; it is in use.")
