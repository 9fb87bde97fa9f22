from django.core.management.base import BaseCommand, CommandError

from tuoyu.institutions.demo import SCALES, SYNTHETIC_ROOT, seed_district, seed_personas, seed_synthetic
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Unit


class Command(BaseCommand):
    help = "Create deterministic synthetic demo data (every name marked 示例). Runs once: skips when demo data exist."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["district", *SCALES], default="district")

    def handle(self, *args, scale, **options):
        if scale == "district":
            if (
                Institution.objects.filter(is_demo=True)
                .exclude(unit__path__startswith=f"/{SYNTHETIC_ROOT}/")
                .exists()
            ):
                self.stdout.write("Demo institutions already exist; nothing to do.")
                count = 0
            else:
                try:
                    count = seed_district()
                except RuntimeError as exc:
                    raise CommandError(str(exc)) from exc
            self.stdout.write("Demo sign-ins (synthetic accounts):")
            for role, login, secret in seed_personas():
                self.stdout.write(f"  {role:<28} {login:<14} {secret}")
        else:
            if Unit.objects.filter(code=SYNTHETIC_ROOT).exists():
                self.stdout.write("The synthetic tree already exists; nothing to do.")
                return
            count = seed_synthetic(**SCALES[scale])
        if count:
            self.stdout.write(self.style.SUCCESS(f"Created {count} synthetic institutions ({scale})."))
