from django.core.management.base import BaseCommand, CommandError

from tuoyu.health.services.rules import OUTBREAK_RULES_FILE, outbreak_rules_load


class Command(BaseCommand):
    help = (
        "Load the outbreak thresholds (N children with similar symptoms in one class within D consecutive "
        "days) from tuoyu/health/data/outbreak_rules.json. Idempotent: a rule is created or updated by its "
        "code, and a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rules", default=str(OUTBREAK_RULES_FILE), help="outbreak rules (JSON)")

    def handle(self, *args, rules, **options):
        try:
            created = outbreak_rules_load(path=rules)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Health rules loaded: {created} new outbreak rules.")
