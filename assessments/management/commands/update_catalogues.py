"""Refresh the French and Spanish catalogues in locale/ from the code and the templates (issue 15).

One place for makemessages' options, used by ``make messages`` and by tests/test_catalogues.py, which fails
when running this would change a catalogue (a string added, changed or removed without updating them).
Locations are written per file only, so moving a string within a file does not make the catalogues stale.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORED = [".venv", "venv", "tests", "bench", "staticfiles", "static", "node_modules", ".e2e", "media", "docs",
           "fixtures", "deploy"]


class Command(BaseCommand):
    help = "Update locale/<language>/LC_MESSAGES/django.po for every language but English."

    def handle(self, *args, **options):
        languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        call_command(
            "makemessages", locale=languages, domain="django", ignore_patterns=IGNORED, add_location="file",
            no_obsolete=True, verbosity=options["verbosity"],
        )
