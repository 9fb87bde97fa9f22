from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuoyu.core.backup import BackupError, restore
from tuoyu.core.crypto import check_keys


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `manage.py backup` into the configured EMPTY database and "
        "EMPTY media folders, then verify row counts and file checksums against its manifest."
    )
    # The target is empty: there is nothing for the checks to look at yet.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, type=Path, help="the dated backup folder")

    def handle(self, *args, source: Path, **options):
        try:
            restored = restore(folder=source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {restored.tables} tables ({restored.rows} rows) and {restored.files} files; "
            "they match the manifest."
        )
        if problems := check_keys():
            # The data is back; without the right keys its ID numbers stay unreadable.
            raise CommandError("\n".join(problems))
