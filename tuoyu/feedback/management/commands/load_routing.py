from django.core.management.base import BaseCommand, CommandError

from tuoyu.feedback.services import ROUTING_FILE, routing_load_file


class Command(BaseCommand):
    help = "Load the table that routes each complaint category to its department (default: Kaizhou's)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(ROUTING_FILE))

    def handle(self, *args, path, **options):
        try:
            count = routing_load_file(path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} routing rules loaded from {path}")
