import time

from django.core.management.base import BaseCommand

from tuoyu.core.notifications import deliver_due


class Command(BaseCommand):
    help = "Send the outbox's due messages (new ones and retries). With --loop, keep doing it."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run until stopped")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between passes with --loop")

    def handle(self, *args, loop: bool, interval: float, **options):
        while True:
            sent = deliver_due()
            if sent or not loop:
                self.stdout.write(f"Sent {sent} message(s).")
            if not loop:
                return
            time.sleep(interval)
