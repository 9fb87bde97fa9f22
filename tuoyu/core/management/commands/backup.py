from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuoyu.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a dated backup folder: the database, the uploaded files (MEDIA_ROOT and "
        "PRIVATE_MEDIA_ROOT) and a manifest of row counts and checksums. The keys are not included."
    )
    # A backup must work even when something else is misconfigured (wrong keys included).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="folder that receives the dated backup")

    def handle(self, *args, to: Path, **options):
        try:
            folder = backup(into=to)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # The folder alone on the last line, so scripts can pick it up.
        self.stdout.write(str(folder))
