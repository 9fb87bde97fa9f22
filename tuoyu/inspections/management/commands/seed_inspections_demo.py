from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from tuoyu.inspections.demo import demo_sign_ins, seed_inspections


class Command(BaseCommand):
    help = (
        "Synthetic supervision for the demo: an inspector roster, a joint plan drawn with a published seed, "
        "inspections in each stage and published results. Runs once; then lists the sign-ins."
    )

    def handle(self, *args, **options):
        # In the site's own language, whatever the shell's: timeline notes and SMS texts are stored as
        # written, and a visitor reads them on the pages.
        with translation.override(settings.LANGUAGE_CODE):
            seeded = seed_inspections()
            rows = demo_sign_ins()
        if seeded is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the demo plan with {seeded.plan.inspections.count()} drawn inspections "
                    f"({len(seeded.stages)} carried through; results at /inspections/results/)."
                )
            )
        if not rows:
            self.stdout.write("No demo supervision yet; run seed_demo first.")
            return
        self.stdout.write("Demo supervision sign-ins (synthetic accounts; staff also enter a demo_otp code):")
        for who, login, secret, waiting in rows:
            self.stdout.write(f"  {who:<16} {login:<12} {secret}  ({waiting} waiting)")
