from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from tuoyu.subsidies.demo import demo_sign_ins, seed_subsidies


class Command(BaseCommand):
    help = (
        "Synthetic subsidies for the demo (示例): a finance officer and an investor's operator, Kaizhou's "
        "rules, this year's and last year's budget, the investor's and two state-owned premises' subsidy "
        "profiles, children enrolled over the previous half year, that half year proposed and its "
        "entitlements confirmed, disputed, reviewed, approved and paid. Idempotent; every row is example data."
    )

    def handle(self, *args, **options):
        # In the site's own language, whatever the shell's: outbox texts are stored as written.
        with translation.override(settings.LANGUAGE_CODE):
            seeded = seed_subsidies()
            rows = demo_sign_ins()
        if seeded is None:
            self.stdout.write("No demo institutions or personas yet; run seed_demo first.")
            return
        if seeded.children or seeded.profiles or seeded.budgets or seeded.moved or seeded.reminders:
            moved = ", ".join(f"{n} {status}" for status, n in seeded.moved.items()) or "none moved"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Subsidies: {seeded.rule_sets} rule set(s), {seeded.budgets} budget(s), "
                    f"{seeded.profiles} profile(s), {seeded.reminders} rent-free reminder(s), {seeded.children} synthetic children (示例), "
                    f"{seeded.period} proposed ({moved}). See /subsidies/ as hcadmin, "
                    f"/subsidies/approvals/ as finance, /subsidies/mine/ as operator."
                )
            )
        self.stdout.write("Demo subsidy sign-ins (synthetic accounts; officials also enter a demo_otp code):")
        for who, login, secret in rows:
            self.stdout.write(f"  {who:<16} {login:<12} {secret}")
