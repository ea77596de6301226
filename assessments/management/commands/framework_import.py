from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.framework_transfer import FrameworkFileInvalid, framework_import


class Command(BaseCommand):
    help = "Create a draft framework version from a framework file written by framework_export."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The framework file (JSON).")

    def handle(self, *args, file, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = framework_import(data=data)
        except FrameworkFileInvalid as error:
            raise CommandError(str(error)) from None
        version = result.version
        self.stdout.write(
            f"Imported “{version.name}” ({version.code}) as a draft: {version.criteria.count()} criteria. "
            "Review it in the admin, then publish it."
        )
        if result.unlinked:
            self.stdout.write(
                f"{len(result.unlinked)} criteria name an original that this installation does not have, so the "
                f"report cannot compare them across versions: {', '.join(result.unlinked)}."
            )
