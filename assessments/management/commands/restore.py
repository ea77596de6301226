"""manage.py restore FILE: load a backup into a new, migrated, empty database (see assessments/backup.py)."""

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from assessments.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a file written by manage.py backup into a database that has been migrated and holds no data "
        "of its own. All of it is restored, or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file (.json or .json.gz).")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, file, database="default", **options):
        try:
            counts = backup_restore(path=file, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # Cached pages are keyed by assessment revision; restored rows may reuse revisions the cache has seen.
        cache.clear()
        self.stdout.write(f"Restored {sum(counts.values())} rows of {len(counts)} tables from {file}:")
        for label, n in counts.items():
            if n:
                self.stdout.write(f"  {label:40} {n:>8}")
