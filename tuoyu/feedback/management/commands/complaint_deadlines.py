from django.core.management.base import BaseCommand

from tuoyu.feedback.services import (
    complaints_close_unrated,
    complaints_escalate_overdue,
    lookup_attempts_forget,
)


class Command(BaseCommand):
    help = (
        "Run daily: escalate overdue complaints to the health commission, close answers not rated in "
        "15 days, forget failed 马上查 look-ups older than a day."
    )

    def handle(self, *args, **options):
        escalated = complaints_escalate_overdue()
        closed = complaints_close_unrated()
        lookup_attempts_forget()
        self.stdout.write(f"{escalated} escalated, {closed} closed unrated")
