from django.core.management.base import BaseCommand

from tuoyu.feedback.demo import demo_cases, seed_feedback


class Command(BaseCommand):
    help = (
        "Synthetic complaints in each stage and a verified review for the demo. Runs once; then lists them."
    )

    def handle(self, *args, **options):
        rows = seed_feedback() or demo_cases()
        if not rows:
            self.stdout.write("No demo personas yet; run seed_demo first.")
            return
        self.stdout.write("Synthetic complaints (track them at /complaints/track/):")
        for what, number, code in rows:
            self.stdout.write(f"  {what:18} {number}  query code {code}")
