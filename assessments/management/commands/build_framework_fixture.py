from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments import fixture_builder


class Command(BaseCommand):
    help = (
        "Check fixtures/source/*.yaml and write fixtures/hld2013.yaml; when fixtures/source/hld2013-r2026/ "
        "exists, also check it and write fixtures/hld2013-r2026.yaml."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report whether the fixtures are up to date.")

    def handle(self, *args, check=False, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        seeds = settings.SEEDS_DIR if settings.SEEDS_DIR.is_dir() else None
        if seeds is None:
            self.stderr.write(f"Seeds folder {settings.SEEDS_DIR} not found: excerpts not checked.")
        try:
            built = fixture_builder.build(fixtures / "source", seeds)
        except fixture_builder.SourcesInvalid as error:
            raise CommandError(str(error)) from None
        for fixture in built:
            target = fixtures / fixture.file_name
            if check:
                if not target.exists() or target.read_text() != fixture.text:
                    raise CommandError(f"fixtures/{fixture.file_name} is out of date: run `make fixture`.")
                self.stdout.write(f"fixtures/{fixture.file_name} is up to date.")
            else:
                target.write_text(fixture.text)
                self.stdout.write(f"Wrote {fixture.file_name}: {fixture.summary}.")
