from django.core.management.base import BaseCommand

from tuoyu.workforce.services import expiry_reminders_send


class Command(BaseCommand):
    help = (
        "Run daily: certificates and health checks of active staff expiring within 30 days are reminded to "
        "the institution's people through the outbox, once at 30 days before and once at 7."
    )

    def handle(self, *args, **options):
        reminded = expiry_reminders_send()
        self.stdout.write(f"{reminded} expiring items reminded")
