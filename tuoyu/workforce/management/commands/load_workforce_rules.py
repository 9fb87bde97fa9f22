from django.core.management.base import BaseCommand, CommandError

from tuoyu.workforce.services.rules import KINDS_FILE, STANDARD_FILE, workforce_rules_load_files


class Command(BaseCommand):
    help = (
        "Load the certificate kinds, which count for which post, the staffing standard (ratios, health "
        "staff) and the yearly training hours from tuoyu/workforce/data/. Idempotent: a second run changes "
        "nothing; a standard already loaded for its date is never changed (a change is a new version)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kinds", default=str(KINDS_FILE), help="certificate kinds and post rules (JSON)"
        )
        parser.add_argument("--standard", default=str(STANDARD_FILE), help="staffing standard (JSON)")

    def handle(self, *args, kinds, standard, **options):
        try:
            loaded = workforce_rules_load_files(kinds_path=kinds, standard_path=standard)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Workforce rules loaded: {loaded.kinds} new certificate kinds, {loaded.post_rules} new post rules, "
            f"{loaded.standards} new standards, {loaded.training} new training requirements."
        )
