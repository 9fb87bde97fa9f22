from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from tuoyu.feedback.demo import demo_cases, seed_feedback


class Command(BaseCommand):
    help = (
        "Synthetic complaints in each stage and a verified review for the demo. Runs once; then lists them."
    )

    def handle(self, *args, **options):
        # In the site's own language, whatever the shell's: the cases' timeline notes and SMS texts are
        # stored as written, and the stages printed below are what a visitor then sees on the pages.
        with translation.override(settings.LANGUAGE_CODE):
            rows = seed_feedback() or demo_cases()
            if not rows:
                self.stdout.write("No demo personas yet; run seed_demo first.")
                return
            self.stdout.write("Synthetic complaints (track them at /complaints/track/):")
            for what, number, code in rows:
                self.stdout.write(f"  {what:18} {number}  query code {code}")
