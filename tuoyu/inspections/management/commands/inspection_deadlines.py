from django.core.management.base import BaseCommand

from tuoyu.inspections.services import escalate_overdue


class Command(BaseCommand):
    help = (
        "Run daily: findings not put right by their deadline become overdue and are escalated by SMS to "
        "the plan's lead department, the health commission's administrators and the street or town."
    )

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        self.stdout.write(f"{escalated} findings escalated")
