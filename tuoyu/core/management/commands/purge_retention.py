from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tuoyu.core.retention import purge_all


class Command(BaseCommand):
    help = (
        "Run daily: blank sent message bodies after TUOYU_OUTBOX_RETENTION_DAYS, delete expired sign-in "
        "codes, failed 马上查 look-ups and sign-in attempts past their cool-off, and audit records older "
        "than TUOYU_AUDIT_RETENTION_DAYS (never less than 183 days)."
    )

    def handle(self, *args, **options):
        try:
            counts = purge_all(now=timezone.now())
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
