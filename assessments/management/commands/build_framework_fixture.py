from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments import fixture_builder


class Command(BaseCommand):
    help = "Check fixtures/source/*.yaml and write the loadable fixture fixtures/hld2013.yaml."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report whether the fixture is up to date.")

    def handle(self, *args, check=False, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        round_tables, links = fixture_builder.load_sources(fixtures / "source")
        problems = fixture_builder.validate(round_tables, links)
        if settings.SEEDS_DIR.is_dir():
            problems += fixture_builder.excerpt_problems(round_tables, settings.SEEDS_DIR)
        else:
            self.stderr.write(f"Seeds folder {settings.SEEDS_DIR} not found: excerpts not checked.")
        if problems:
            raise CommandError("The framework sources have problems:\n  " + "\n  ".join(problems))
        text = fixture_builder.render(fixture_builder.to_fixture(round_tables, links))
        target = fixtures / "hld2013.yaml"
        if check:
            if not target.exists() or target.read_text() != text:
                raise CommandError("fixtures/hld2013.yaml is out of date: run `make fixture`.")
            self.stdout.write("fixtures/hld2013.yaml is up to date.")
            return
        target.write_text(text)
        criteria = sum(len(rt["criteria"]) for rt in round_tables)
        self.stdout.write(f"Wrote {target.name}: {len(round_tables)} round tables, {criteria} criteria, {len(links)} links.")
