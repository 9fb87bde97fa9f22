from django.core.management.base import BaseCommand, CommandError

from tuoyu.core.crypto import rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column (ID numbers, reporters' details) under the newest key in "
        "TUOYU_FIELD_KEYS and recompute the blind indexes used to look them up. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; report what is not yet under the newest key and exit 1 if anything is",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction")

    def handle(self, *args, check: bool, batch_size: int, **options):
        counts = rotate_keys(batch_size=batch_size, dry_run=check)
        pending = unreadable = 0
        for count in counts:
            verb = "to re-encrypt" if check else "re-encrypted"
            line = (
                f"{count.column}: {count.rows} row(s) with a value, {count.reencrypted} {verb}, "
                f"{count.reindexed} blind index(es) {'to recompute' if check else 'recomputed'}"
            )
            if count.unreadable:
                line += (
                    f", {len(count.unreadable)} unreadable (ids {', '.join(map(str, count.unreadable[:10]))})"
                )
            self.stdout.write(line)
            pending += count.changed
            unreadable += len(count.unreadable)
        if unreadable:
            # Rotating with an old key already dropped: those rows stay as they are until it is put back.
            raise CommandError(
                f"{unreadable} value(s) could not be decrypted with any key in TUOYU_FIELD_KEYS: add the "
                "key they were written with (after the newest) and run again."
            )
        if check and pending:
            raise CommandError(f"{pending} row(s) to change: run manage.py rotate_field_keys.", returncode=1)
        self.stdout.write("All encrypted values are under the newest key.")
