from django.core.management.base import BaseCommand

from tuoyu.subsidies.services.reminders import rent_free_reminders_send


class Command(BaseCommand):
    help = (
        "Run daily: rent-free years on state-owned premises that end within the rules' reminder days are "
        "told to the institution's people and the commission through the outbox, once per end date."
    )

    def handle(self, *args, **options):
        reminded = rent_free_reminders_send()
        self.stdout.write(f"{reminded} rent-free ends reminded")
