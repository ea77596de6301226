"""Framework files: export -> import elsewhere gives the identical tree; every bad file is refused unchanged.

"Elsewhere" here is the same test database after the exported versions are deleted, so the import resolves
nothing by database id. Run with DATABASE_URL=postgres://... for PostgreSQL (the README says how).
"""

import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.framework_transfer import (
    FrameworkFileInvalid,
    checksum,
    framework_content,
    framework_export,
    framework_import,
)
from assessments.models import Criterion, FrameworkVersion, LevelDescriptor
from assessments.versioning import framework_copy, framework_publish
from tests.factories import make_criterion, make_user
from tests.test_versioning import tree

pytestmark = pytest.mark.django_db


def forget(*versions):
    """Delete versions as if they had never been in this database (newest first)."""
    for version in versions:
        FrameworkVersion.objects.filter(pk=version.pk).update(status="draft")
        FrameworkVersion.objects.filter(pk=version.pk).delete()


def lineage_of(version):
    return sorted(
        (c.code, c.copied_from.version.code, c.copied_from.code) if c.copied_from else (c.code, None, None)
        for c in Criterion.objects.filter(version=version).select_related("copied_from__version")
    )


@pytest.fixture
def original_and_revision(published_framework):
    """A published original and a published revision of it with transit, a split and a new criterion."""
    revision = framework_copy(version=published_framework, code="rev-2026", name="Revision 2026")
    Criterion.objects.filter(version=revision, code="RT1.01").update(perspective="origin,transit")
    parent = Criterion.objects.get(version=revision, code="RT1.02")
    split = make_criterion(theme=parent.theme, code="RT1.05", key_elements=parent.key_elements.all())
    Criterion.objects.filter(pk=split.pk).update(copied_from=parent.copied_from)
    make_criterion(theme=parent.theme, code="RT1.06", key_elements=parent.key_elements.all())
    framework_publish(version=revision)
    return published_framework, revision


def rewrite(text, change, *, fix_checksum=True):
    """The file with ``change(content)`` applied, its checksum recomputed unless told not to."""
    document = json.loads(text)
    change(document["framework"])
    if fix_checksum:
        document["sha256"] = checksum(document["framework"])
    return json.dumps(document)


# --- Round trip ------------------------------------------------------------------------------


def test_export_then_import_into_a_database_without_it_gives_the_identical_tree(published_framework):
    text = framework_export(published_framework)
    before, content = tree(published_framework), framework_content(published_framework)
    forget(published_framework)
    result = framework_import(data=text.encode())
    assert result.version.status == "draft" and result.unlinked == ()
    assert tree(result.version) == before
    assert framework_content(result.version) == content
    assert json.loads(framework_export(result.version))["sha256"] == json.loads(text)["sha256"]
    framework_publish(version=result.version)  # complete, as the original was


def test_a_revision_keeps_its_lineage_when_its_original_travels_first(original_and_revision):
    original, revision = original_and_revision
    files = [framework_export(original), framework_export(revision)]
    trees, lineage = [tree(original), tree(revision)], lineage_of(revision)
    assert ("RT1.05", original.code, "RT1.02") in lineage and ("RT1.06", None, None) in lineage
    forget(revision, original)
    imported = [framework_import(data=text).version for text in files]
    assert [tree(v) for v in imported] == trees
    assert lineage_of(imported[1]) == lineage
    assert imported[1].copied_from == imported[0]
    assert Criterion.objects.get(version=imported[1], code="RT1.01").perspective == "origin,transit"


def test_a_revision_without_its_original_imports_and_names_the_unlinked_criteria(original_and_revision):
    original, revision = original_and_revision
    text = framework_export(revision)
    forget(revision, original)
    result = framework_import(data=text)
    assert result.unlinked == ("RT1.01", "RT1.02", "RT1.03", "RT1.04", "RT1.05", "RT2.01", "RT2.02", "RT2.03",
                               "RT2.04")
    assert result.version.copied_from is None


# --- Refusals: one message, nothing changed --------------------------------------------------


def state():
    return FrameworkVersion.objects.count(), Criterion.objects.count(), LevelDescriptor.objects.count()


def refused(data, match):
    before = state()
    with pytest.raises(FrameworkFileInvalid, match=match):
        framework_import(data=data)
    assert state() == before


@pytest.fixture
def exported(published_framework):
    """A valid file of a version this database no longer has."""
    text = framework_export(published_framework)
    forget(published_framework)
    return text


@pytest.mark.parametrize("data", [b"", b"{not json", b"\xff\xfe\x00garbage", b"[1, 2]", b'{"format": "other"}'])
def test_a_file_that_is_not_a_framework_file_is_refused(db, data):
    refused(data, "not a framework file")


def test_an_unknown_format_version_is_refused(exported):
    document = json.loads(exported)
    document["format_version"] = 3
    refused(json.dumps(document), "format version 3; this installation reads versions 1, 2 only")


def test_a_file_changed_after_export_is_refused(exported):
    tampered = rewrite(exported, lambda f: f["criteria"][0].update(weight=3), fix_checksum=False)
    refused(tampered, "checksum does not match")


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda f: f.pop("criteria"), r"criteria is missing or not a list"),
        (lambda f: f["criteria"][0].update(weight="3"), r"criteria\[0\]\.weight is missing or not a whole number"),
        (lambda f: f["criteria"][0].update(theme="RT9.Z"), "names an unknown theme RT9.Z"),
        (lambda f: f["criteria"][1].update(code=f["criteria"][0]["code"]), "the criterion code RT1.01 appears twice"),
        (lambda f: f["criteria"][0].update(perspective=["everywhere"]), "needs a perspective"),
        (lambda f: f["criteria"][0]["levels"].append({"level": 0, "text": "again"}), "level 0 appears twice"),
        (lambda f: f["criteria"][0].update(weight=7), "Ensure this value is less than or equal to 3"),
        (lambda f: f["criteria"][0].update(key_elements=["z"]), r"key elements that this installation does not have"),
        (lambda f: f["links"].append({"from": "RT1.01", "to": "RT9.99", "reason": "x"}), "names a criterion it does"),
        (lambda f: f.update(code="x" * 41), "Ensure this value has at most 40 characters"),
    ],
)
def test_a_malformed_framework_is_refused(exported, change, match):
    refused(rewrite(exported, change), match)


def test_a_version_code_or_name_already_here_is_refused(published_framework):
    text = framework_export(published_framework)
    refused(text, rf"already has the framework version “{published_framework.name}”")
    refused(rewrite(text, lambda f: f.update(code="another-code")), "collides")
    refused(rewrite(text, lambda f: f.update(name="Another name")), "collides")


# --- Commands --------------------------------------------------------------------------------


def test_the_commands_export_and_import_a_file(published_framework, tmp_path, capsys):
    path = tmp_path / "framework.json"
    call_command("framework_export", published_framework.code, str(path))
    before = tree(published_framework)
    forget(published_framework)
    call_command("framework_import", str(path))
    assert "as a draft" in capsys.readouterr().out
    assert tree(FrameworkVersion.objects.get(code=published_framework.code, status="draft")) == before
    with pytest.raises(CommandError, match="collides"):
        call_command("framework_import", str(path))
    with pytest.raises(CommandError, match="no framework version with the code “nope”"):
        call_command("framework_export", "nope", str(path))


# --- Admin -----------------------------------------------------------------------------------

IMPORT_URL = "admin:assessments_frameworkversion_import"


def upload(text, name="framework.json"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, "application/json")


def test_the_export_action_downloads_the_file(editor_client, published_framework):
    response = editor_client.post(reverse("admin:assessments_frameworkversion_changelist"), {
        "action": "export_file", "_selected_action": [published_framework.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{published_framework.code}.framework.json"'
    assert json.loads(response.content)["framework"] == framework_content(published_framework)


def test_the_export_action_wants_exactly_one_version(editor_client, published_framework, draft_framework):
    response = editor_client.post(reverse("admin:assessments_frameworkversion_changelist"), {
        "action": "export_file", "_selected_action": [published_framework.pk, draft_framework.pk]}, follow=True)
    assert "Select exactly one version to export." in response.content.decode()


def test_the_import_page_imports_a_draft(editor_client, exported):
    page = editor_client.get(reverse(IMPORT_URL))
    assert page.status_code == 200 and 'type="file"' in page.content.decode()
    assert "Import a framework file" in editor_client.get(
        reverse("admin:assessments_frameworkversion_changelist")).content.decode()
    response = editor_client.post(reverse(IMPORT_URL), {"file": upload(exported)})
    version = FrameworkVersion.objects.get(code=json.loads(exported)["framework"]["code"])
    assert version.status == "draft"
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:assessments_frameworkversion_change", args=[version.pk])


def test_the_import_page_shows_a_refusal_and_changes_nothing(editor_client, exported):
    before = state()
    response = editor_client.post(reverse(IMPORT_URL), {"file": upload(rewrite(
        exported, lambda f: f.update(name="Changed"), fix_checksum=False))})
    assert response.status_code == 200
    assert "checksum does not match" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("role", ["focal_point", "contributor", "viewer", "other", "secretariat"])
def test_the_import_page_sends_people_without_admin_access_to_the_admin_sign_in(client, world, role):
    user = {"focal_point": world.focal, "contributor": world.contributor, "viewer": world.viewer,
            "other": world.outsider, "secretariat": world.secretariat}[role]
    client.force_login(user)
    response = client.post(reverse(IMPORT_URL), {"file": upload(b"{}")})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_import_page_redirects_anonymous_users_to_sign_in(client, db):
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_import_page_is_refused_to_staff_who_cannot_add_versions(client, db):
    user = User.objects.create_user("staff-only", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse(IMPORT_URL)).status_code == 403


def test_a_viewer_of_versions_can_export_but_not_import(client, published_framework):
    from django.contrib.auth.models import Permission

    user = make_user("reader")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_frameworkversion"))
    client.force_login(User.objects.get(pk=user.pk))
    response = client.post(reverse("admin:assessments_frameworkversion_changelist"), {
        "action": "export_file", "_selected_action": [published_framework.pk]})
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert "Import a framework file" not in client.get(
        reverse("admin:assessments_frameworkversion_changelist")).content.decode()

