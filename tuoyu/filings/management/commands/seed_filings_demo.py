from django.core.management.base import BaseCommand

from tuoyu.filings.demo import seed_filings


class Command(BaseCommand):
    help = "Synthetic filing applications for the demo (a queue to review, a receipt, a notice, a case). Runs once."

    def handle(self, *args, **options):
        made = seed_filings()
        self.stdout.write(
            f"Created {made} synthetic filing applications."
            if made
            else "Demo filing applications already exist; nothing to do."
        )
