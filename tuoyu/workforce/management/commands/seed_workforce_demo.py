from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from tuoyu.workforce.demo import demo_sign_ins, seed_workforce


class Command(BaseCommand):
    help = (
        "Synthetic workforce for the demo: staff with certificates at three demo institutions (a class short "
        "of carers, certificates expiring, one person at two institutions), two courses and the expert pool. "
        "Loads the workforce rules if needed. Idempotent; every row is example data."
    )

    def handle(self, *args, **options):
        # In the site's own language, whatever the shell's: outbox texts are stored as written.
        with translation.override(settings.LANGUAGE_CODE):
            seeded = seed_workforce()
            rows = demo_sign_ins()
        if seeded is None:
            self.stdout.write("No demo institutions or personas yet; run seed_demo first.")
            return
        if seeded.staff or seeded.courses or seeded.experts:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Added {seeded.staff} synthetic staff (示例), {seeded.courses} courses and "
                    f"{seeded.experts} experts (see /workforce/staff/ as operator, /workforce/ as hcadmin)."
                )
            )
        self.stdout.write("Demo workforce sign-ins (synthetic accounts; staff also enter a demo_otp code):")
        for who, login, secret in rows:
            self.stdout.write(f"  {who:<16} {login:<12} {secret}")
