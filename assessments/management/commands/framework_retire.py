from django.core.management.base import BaseCommand, CommandError

from assessments.models import FrameworkError, FrameworkVersion
from assessments.versioning import framework_retire


class Command(BaseCommand):
    help = "Retire a published framework version: assessments on it keep it, new ones cannot start on it."

    def add_arguments(self, parser):
        parser.add_argument("version", help="The version's code, e.g. hld2013.")

    def handle(self, *args, version, **options):
        found = FrameworkVersion.objects.filter(code=version).first()
        if found is None:
            raise CommandError(f"There is no framework version with the code “{version}”.")
        if found.status == FrameworkVersion.Status.RETIRED:
            self.stdout.write(f"“{found.name}” is already retired.")
            return
        try:
            framework_retire(version=found)
        except FrameworkError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Retired “{found.name}”.")
