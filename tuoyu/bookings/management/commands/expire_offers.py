from django.core.management.base import BaseCommand

from tuoyu.bookings.services import expire_offers


class Command(BaseCommand):
    help = "Expire offered places whose reply deadline has passed and offer them to the next family."

    def handle(self, *args, **options):
        self.stdout.write(f"Expired {expire_offers()} offer(s).")
