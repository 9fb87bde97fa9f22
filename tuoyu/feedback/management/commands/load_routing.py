from django.core.management.base import BaseCommand, CommandError

from tuoyu.feedback.models import RoutingRule
from tuoyu.feedback.services import ROUTING_FILE, routing_load_file


class Command(BaseCommand):
    help = "Load the table that routes each complaint category to its department (default: Kaizhou's)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(ROUTING_FILE))
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when no rule exists yet, so that rules edited in the admin are kept.",
        )

    def handle(self, *args, path, if_empty, **options):
        if if_empty and RoutingRule.objects.exists():
            self.stdout.write("Routing rules exist already; nothing to do.")
            return
        try:
            count = routing_load_file(path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} routing rules loaded from {path}")
