"""The French and Spanish catalogues are complete, correct and up to date with the code (issue 15).

Completeness and correctness: gettext's own ``msgfmt --check --statistics`` (format placeholders that match
the English, no fuzzy or untranslated entry). Up to date: ``manage.py update_catalogues`` (makemessages with
the project's options) run on a copy of the project must not change a catalogue.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed (apt-get install gettext)")


def catalogue(language: str) -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def without_creation_date(text: str) -> str:
    return re.sub(r'^"POT-Creation-Date: [^"]*"\n', "", text, flags=re.M)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_is_complete_and_its_placeholders_match(language):
    path = catalogue(language)
    assert path.exists(), f"{path} is missing: run `make messages` and translate it"
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert f'"Language: {language}\\n"' in header
    assert "#, fuzzy" not in header


def test_the_catalogues_are_up_to_date_with_the_code(tmp_path):
    """A string added, changed or removed in the code or a template without `make messages` fails here."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("assessments", "hldassess", "templates", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "hldassess.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}", "PYTHONPATH": str(copy)}
    result = subprocess.run([sys.executable, "manage.py", "update_catalogues", "--verbosity", "0"], cwd=copy,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for language in TRANSLATED:
        before = without_creation_date(catalogue(language).read_text(encoding="utf-8"))
        after = without_creation_date((copy / "locale" / language / "LC_MESSAGES" / "django.po").read_text("utf-8"))
        assert after == before, f"locale/{language}: run `make messages` and translate what is new"
