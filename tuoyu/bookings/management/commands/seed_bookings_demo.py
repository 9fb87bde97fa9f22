from django.core.management.base import BaseCommand

from tuoyu.bookings.demo import seed_bookings


class Command(BaseCommand):
    help = "Synthetic bookings for the demo family and operator (visit times, a child, an application). Runs once."

    def handle(self, *args, **options):
        made = seed_bookings()
        self.stdout.write(
            f"Created {made} synthetic booking records."
            if made
            else "Demo bookings exist already (or no demo personas); nothing to do."
        )
