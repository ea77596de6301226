"""manage.py backup [FILE]: everything in the database to one file (see assessments/backup.py)."""

from datetime import UTC, datetime

from django.core.management.base import BaseCommand

from assessments.backup import backup_write


class Command(BaseCommand):
    help = (
        "Write frameworks, governments, users, memberships, assessments, responses and their history to one "
        "JSON file (gzip-compressed if it ends in .gz), readable by its owner only. Restore it with manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="Where to write (default: hldassess-backup-<UTC time>.json.gz in this folder)."
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, file=None, database="default", **options):
        path = file or f"hldassess-backup-{datetime.now(UTC):%Y%m%d-%H%M%S}.json.gz"
        counts = backup_write(path=path, using=database)
        self.stdout.write(f"Backed up {sum(counts.values())} rows of {len(counts)} tables to {path}:")
        for label, n in counts.items():
            if n:
                self.stdout.write(f"  {label:40} {n:>8}")
