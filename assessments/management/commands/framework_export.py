import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.framework_transfer import framework_export
from assessments.models import FrameworkVersion


class Command(BaseCommand):
    help = "Write a framework version to a framework file (JSON, docs/framework-format.md) for another installation."

    def add_arguments(self, parser):
        parser.add_argument("version", help="The version's code, e.g. hld2013.")
        parser.add_argument("file", help="Where to write, e.g. hld2013.framework.json; - for standard output.")

    def handle(self, *args, version, file, **options):
        found = FrameworkVersion.objects.filter(code=version).first()
        if found is None:
            codes = ", ".join(FrameworkVersion.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"There is no framework version with the code “{version}” (there are: {codes}).")
        text = framework_export(found)
        if file == "-":
            sys.stdout.write(text)
            return
        Path(file).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote “{found.name}” ({found.code}) to {file}.")
