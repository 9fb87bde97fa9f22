from django.core.management.base import BaseCommand

from tuoyu.inspections.services.publication import publish_due


class Command(BaseCommand):
    help = "Run daily: publish every inspection result whose 20 working days have come (一公开)."

    def handle(self, *args, **options):
        self.stdout.write(f"{publish_due()} results published")
