from django.core.management.base import BaseCommand

from tuoyu.feedback.demo import seed_feedback


class Command(BaseCommand):
    help = "Synthetic complaints in each stage and a verified review for the demo. Runs once."

    def handle(self, *args, **options):
        rows = seed_feedback()
        if not rows:
            self.stdout.write("Demo complaints exist already (or no demo personas); nothing to do.")
            return
        self.stdout.write("Synthetic complaints (track them at /complaints/track/):")
        for what, number, code in rows:
            self.stdout.write(f"  {what:18} {number}  query code {code}")
