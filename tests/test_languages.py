"""English, French and Spanish (issue 15): the choice of language, the framework's texts, the documents, the mail."""

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from docx import Document
from pypdf import PdfReader

from assessments import documents, fixture_translations
from assessments.content_languages import completeness
from assessments.models import (
    Criterion,
    FrameworkError,
    FrameworkVersion,
    GcmObjective,
    LevelDescriptor,
    Profile,
    RoundTable,
)
from assessments.translation import TRANSLATED_FIELDS
from assessments.versioning import framework_copy, framework_publish
from tests.factories import make_assessment, make_government, make_user
from tests.test_reports import pdf_text

pytestmark = pytest.mark.django_db

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "source"
VERSION_FOLDERS = {"hld2013": SOURCES, "hld2013-r2026": SOURCES / "hld2013-r2026"}


def english_sources(folder: Path):
    round_tables = [yaml.safe_load(path.read_text()) for path in sorted(folder.glob("rt*.yaml"))]
    return round_tables, yaml.safe_load((folder / "links.yaml").read_text())


def round_table_title(folder: Path, language: str, number: int) -> str:
    data = yaml.safe_load((folder / "translations" / language / f"rt{number}.yaml").read_text())
    return " ".join(data["round_table"]["title"].split())


@pytest.fixture
def revision(db):
    call_command("loaddata", "hld2013", "hld2013-r2026", verbosity=0)
    return FrameworkVersion.objects.get(code="hld2013-r2026")


# --- The shipped framework texts --------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSION_FOLDERS)
@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_shipped_version_has_every_text_in_french_and_spanish(version, language):
    folder = VERSION_FOLDERS[version]
    round_tables, links = english_sources(folder)
    problems = fixture_translations.problems(round_tables, links, fixture_translations.load(folder, language), language)
    assert problems == []


def test_the_loaded_fixtures_are_complete_in_every_language_and_fit_their_columns(revision):
    for version in FrameworkVersion.objects.all():
        assert all(state.complete for state in completeness(version)), version.code
    for model, fields in TRANSLATED_FIELDS.items():
        for field in fields:
            limit = model._meta.get_field(field).max_length
            if limit is None:
                continue
            for language in ("en", "fr", "es"):
                for value in model.objects.values_list(f"{field}_{language}", flat=True):
                    assert value is None or len(value) <= limit, (model.__name__, field, language, value)


def test_each_language_reads_its_own_text_and_the_excerpts_stay_english(revision):
    criterion = Criterion.objects.get(version=revision, code="RT1.01")
    english_excerpt = criterion.excerpt
    for language, number in (("fr", 1), ("es", 1)):
        with translation.override(language):
            round_table = RoundTable.objects.get(version=revision, number=number)
            assert round_table.title == round_table_title(VERSION_FOLDERS["hld2013-r2026"], language, number)
            again = Criterion.objects.get(pk=criterion.pk)
            assert again.statement != criterion.statement_en
            assert again.excerpt == english_excerpt
    with translation.override("fr"):
        assert GcmObjective.objects.get(number=1).title.startswith("Collecter et utiliser des données précises")
    with translation.override("es"):
        assert GcmObjective.objects.get(number=1).title.startswith("Recopilar y utilizar datos exactos y desglosados")


def test_a_missing_translation_falls_back_to_english(revision):
    descriptor = LevelDescriptor.objects.filter(criterion__version=revision).first()
    LevelDescriptor.objects.filter(pk=descriptor.pk).update(text_fr="")
    with translation.override("fr"):
        assert LevelDescriptor.objects.get(pk=descriptor.pk).text == descriptor.text_en


# --- Editors: completeness and publishing ------------------------------------------------------------------


@pytest.mark.parametrize("required", [["en", "fr", "es"]])
def test_publishing_refuses_a_version_whose_languages_are_incomplete_and_lists_what_is_missing(
    revision, settings, required
):
    settings.HLD_FRAMEWORK_LANGUAGES = required
    draft = framework_copy(version=revision, code="r2026-fix")
    assert all(state.complete for state in completeness(draft))  # the copy carries every language
    criterion = Criterion.objects.get(version=draft, code="RT2.07")
    Criterion.objects.filter(pk=criterion.pk).update(statement_es="")
    LevelDescriptor.objects.filter(criterion=criterion, level=3).update(text_fr=None)
    with pytest.raises(FrameworkError) as refused:
        framework_publish(version=draft)
    problems = "\n".join(refused.value.problems)
    assert "French is incomplete (1 texts missing): RT2.07 level 3" in problems
    assert "Spanish is incomplete (1 texts missing): RT2.07 statement" in problems
    assert FrameworkVersion.objects.get(pk=draft.pk).status == FrameworkVersion.Status.DRAFT

    Criterion.objects.filter(pk=criterion.pk).update(statement_es="El Gobierno dispone de …")
    LevelDescriptor.objects.filter(criterion=criterion, level=3).update(text_fr="Comme 2, et …")
    assert framework_publish(version=draft).status == FrameworkVersion.Status.PUBLISHED


def test_an_english_only_installation_can_publish_without_translations(revision, settings):
    settings.HLD_FRAMEWORK_LANGUAGES = ["en"]
    draft = framework_copy(version=revision, code="r2026-en")
    Criterion.objects.filter(version=draft).update(statement_fr="", statement_es="")
    assert framework_publish(version=draft).status == FrameworkVersion.Status.PUBLISHED


def test_the_admin_shows_how_complete_each_language_is(revision, editor_client):
    draft = framework_copy(version=revision, code="r2026-admin")
    Criterion.objects.filter(version=draft, code="RT1.01").update(guidance_fr="")
    page = editor_client.get(reverse("admin:assessments_frameworkversion_change", args=[draft.pk]))
    html = page.content.decode()
    texts = completeness(draft)[0].total
    assert f"English: {texts} of {texts} texts (100%)" in html
    assert f"French: {texts - 1} of {texts} texts" in html
    assert "missing: RT1.01 guidance" in html


def test_a_framework_file_carries_every_language(revision):
    from assessments.framework_transfer import framework_export, framework_import

    data = framework_export(revision)
    FrameworkVersion.objects.filter(pk=revision.pk).update(code="r2026-here", name="here")  # room for the import
    imported = framework_import(data=data).version
    assert imported.code == "hld2013-r2026" and imported.is_draft
    for code in ("RT1.01", "RT3.05", "RT4.18"):
        original = Criterion.objects.get(version=revision, code=code)
        copy = Criterion.objects.get(version=imported, code=code)
        for field in ("statement", "guidance"):
            for language in ("en", "fr", "es"):
                assert getattr(copy, f"{field}_{language}") == getattr(original, f"{field}_{language}")
    assert [state.percent for state in completeness(imported)] == [100, 100, 100]


# --- Choosing the language -----------------------------------------------------------------------------------


def test_the_switcher_works_without_javascript_and_sets_the_pages_language(client):
    page = client.get(reverse("login"))
    assert '<html lang="en">' in page.content.decode()
    assert f'action="{reverse("set_language")}"' in page.content.decode()
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert '<html lang="fr">' in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "es", "next": reverse("login")})
    assert '<html lang="es">' in client.get(reverse("login")).content.decode()


def test_an_unknown_language_or_a_foreign_next_changes_nothing_harmful(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()
    assert client.get(reverse("set_language")).status_code == 405  # a POST form only


def test_the_browser_language_applies_until_the_person_chooses(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert '<html lang="es">' in page.content.decode()


def test_a_signed_in_persons_choice_is_kept_on_their_profile_and_follows_them(world, client):
    client.force_login(world.focal)
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("home")})
    assert Profile.objects.get(user=world.focal).language == "fr"
    from django.test import Client

    other_browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    other_browser.post(reverse("login"), {"username": "focal", "password": "pw"})
    assert '<html lang="fr">' in other_browser.get(reverse("home")).content.decode()


def test_a_person_who_chose_before_signing_in_keeps_that_language(world, client):
    client.post(reverse("set_language"), {"language": "es", "next": reverse("login")})
    client.post(reverse("login"), {"username": "viewer", "password": "pw"})
    assert Profile.objects.get(user=world.viewer).language == "es"
    assert '<html lang="es">' in client.get(reverse("home")).content.decode()


def test_workflow_mail_is_written_in_each_members_language(world, django_capture_on_commit_callbacks):
    from assessments.workflow import assessment_submit
    from tests.factories import answer_all

    Profile.objects.create(user=world.viewer, language="fr")
    Profile.objects.create(user=world.contributor, language="es")
    answer_all(world.assessment)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=world.assessment, user=world.focal)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient[world.viewer.email].subject != by_recipient[world.focal.email].subject
    english = "Open the assessment: %(url)s"
    for user, language in ((world.viewer, "fr"), (world.contributor, "es")):
        with translation.override(language):
            translated = gettext(english).split("%(url)s")[0]
        assert translated != english.split("%(url)s")[0]  # the catalogue has it
        assert translated in by_recipient[user.email].body
    assert "Open the assessment" in by_recipient[world.focal.email].body


# --- Documents in any language -------------------------------------------------------------------------------


@pytest.fixture
def revision_assessment(revision):
    government = make_government("Demoland", "XDL")
    focal = make_user("focal-r", government=government, role="focal_point")
    return make_assessment(government=government, framework=revision), focal


def stored(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_pdfs_and_the_word_file_are_in_the_language_chosen_at_download(revision_assessment, client, language):
    assessment, focal = revision_assessment
    client.force_login(focal)
    title = round_table_title(VERSION_FOLDERS["hld2013-r2026"], language, 2)
    words = " ".join(title.split()[:6])
    for kind in ("brief", "full"):
        response = client.get(reverse("document_download", args=[assessment.pk, kind, language]))
        assert response.status_code == 200
        assert f"-{language}.pdf" in response["Content-Disposition"]
        pdf = b"".join(response.streaming_content)
        assert words in pdf_text(pdf)
        assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == language
    response = client.get(reverse("document_download", args=[assessment.pk, "docx", language]))
    word = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert word.core_properties.language == language
    text = " ".join(" ".join(p.text for p in word.paragraphs).split())
    table_text = " ".join(cell.text for table in word.tables for row in table.rows for cell in row.cells)
    assert words in text or words in " ".join(table_text.split())


def test_a_document_is_stored_once_per_language(revision_assessment):
    assessment, _focal = revision_assessment
    files = {language: documents.document_request(assessment=assessment, kind="brief", language=language)
             for language in documents.LANGUAGES}
    assert sorted(files) == ["en", "es", "fr"]
    assert len({stored(document) for document in files.values()}) == 3


def test_the_report_page_offers_each_document_in_every_language(revision_assessment, client):
    assessment, focal = revision_assessment
    client.force_login(focal)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    html = client.get(reverse("report", args=[assessment.pk])).content.decode()
    for language in ("en", "fr", "es"):
        assert reverse("document_download", args=[assessment.pk, "brief", language]) in html
    assert 'class="unofficial-translation' in html  # the framework's texts are marked as a translation
    english = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert english.status_code == 302
    assert 'class="unofficial-translation' not in client.get(reverse("report", args=[assessment.pk])).content.decode()


def test_word_file_is_a_real_docx(revision_assessment):
    assessment, _focal = revision_assessment
    document = documents.document_request(assessment=assessment, kind="docx", language="fr")
    assert zipfile.is_zipfile(io.BytesIO(stored(document)))
