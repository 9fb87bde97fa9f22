from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from tuoyu.health.demo import demo_sign_ins, seed_health


class Command(BaseCommand):
    help = (
        "Synthetic child health for the demo (示例): health staff and a child-health officer, six enrolled "
        "children's records (complete ones, doses missing, an underweight and an overweight child), a week of "
        "morning checks with a fever cluster that raises an alert, and the demo family's child with a growth "
        "chart. Loads the outbreak rules if needed. Idempotent; every row is example data."
    )

    def handle(self, *args, **options):
        # In the site's own language, whatever the shell's: outbox texts are stored as written.
        with translation.override(settings.LANGUAGE_CODE):
            seeded = seed_health()
            rows = demo_sign_ins()
        if seeded is None:
            self.stdout.write("No demo institutions or personas yet; run seed_demo first.")
            return
        if seeded.children or seeded.parts or seeded.checks:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Added {seeded.children} synthetic children (示例) at {seeded.institution.name}, "
                    f"{seeded.parts} record entries and measurements, {seeded.checks} morning checks, "
                    f"{len(seeded.alerts)} outbreak alert(s) (see /health/records/ as health, "
                    f"/health/summary/ as childhealth)."
                )
            )
        self.stdout.write("Demo health sign-ins (synthetic accounts; officials also enter a demo_otp code):")
        for who, login, secret in rows:
            self.stdout.write(f"  {who:<16} {login:<12} {secret}")
