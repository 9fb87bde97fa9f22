from django.core.management.base import BaseCommand

from tuoyu.feedback.services import complaints_close_unrated, complaints_escalate_overdue


class Command(BaseCommand):
    help = (
        "Run daily: escalate overdue complaints to the health commission, close answers not rated in "
        "15 days. (Failed 马上查 look-ups are forgotten by purge_retention.)"
    )

    def handle(self, *args, **options):
        escalated = complaints_escalate_overdue()
        closed = complaints_close_unrated()
        self.stdout.write(f"{escalated} escalated, {closed} closed unrated")
