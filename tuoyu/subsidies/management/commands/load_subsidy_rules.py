from django.core.management.base import BaseCommand, CommandError

from tuoyu.subsidies.services.rules import SUBSIDY_RULES_FILE, subsidy_rules_load


class Command(BaseCommand):
    help = (
        "Load the subsidy rules and rates (one version per effective_from) from "
        "tuoyu/subsidies/data/kaizhou.json. Idempotent: a version is created or updated by its date, and a "
        "second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(SUBSIDY_RULES_FILE), help="subsidy rules (JSON)")

    def handle(self, *args, file, **options):
        try:
            created = subsidy_rules_load(path=file)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Subsidy rules loaded: {created} new versions.")
