from django.core.management.base import BaseCommand, CommandError

from tuoyu.institutions.demo import SCALES, SYNTHETIC_ROOT, seed_district, seed_personas, seed_synthetic
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Unit

# The demo's government staff accounts (seed_personas), who get the shared demo authenticator.
DEMO_STAFF = ("reviewer", "hcadmin", "inspector", "street", "admin")


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
            self._demo_second_factor()
        else:
            if Unit.objects.filter(code=SYNTHETIC_ROOT).exists():
                self.stdout.write("The synthetic tree already exists; nothing to do.")
                return
            count = seed_synthetic(**SCALES[scale])
        if count:
            self.stdout.write(self.style.SUCCESS(f"Created {count} synthetic institutions ({scale})."))

    def _demo_second_factor(self):
        """Government staff also need a code from an authenticator app: the demo staff share one known
        demo key (RFC 6238's test secret), so a developer can sign in."""
        import base64

        from django.conf import settings

        from tuoyu.accounts.models import User
        from tuoyu.accounts.otp import DEMO_TOTP_KEY, demo_totp_device_give
        from tuoyu.core.security import needs_second_factor

        if not settings.TUOYU_DEMO:
            return
        staff = [
            u for u in User.objects.filter(username__in=DEMO_STAFF).order_by("id") if needs_second_factor(u)
        ]
        for user in staff:
            demo_totp_device_give(user=user)
        if staff:
            key = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
            self.stdout.write(f"  Staff ({', '.join(u.username for u in staff)}) also enter a 6-digit code:")
            self.stdout.write("    python manage.py demo_otp <username>   prints the current code")
            self.stdout.write(f"    or add the demo key {key} to an authenticator app (demo only)")
