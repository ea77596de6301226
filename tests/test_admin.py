import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from assessments.models import Criterion, FrameworkVersion

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    return reverse(f"admin:assessments_{name}", args=args)


def criterion_of(version, code="RT1.01"):
    return Criterion.objects.get(version=version, code=code)


@pytest.mark.parametrize(
    "name", ["frameworkversion_changelist", "criterion_changelist", "roundtable_changelist", "theme_changelist",
             "criterion_add", "policysector_changelist"]
)
def test_admin_pages_render_for_an_editor(editor_client, published_framework, name):
    response = editor_client.get(admin_url(name))
    assert response.status_code == 200


def test_criterion_list_searches_by_code_and_filters_by_round_table(editor_client, published_framework):
    response = editor_client.get(admin_url("criterion_changelist"), {"q": "RT2.01"})
    assert response.status_code == 200
    assert [c.code for c in response.context["cl"].result_list] == ["RT2.01"]
    round_table = published_framework.round_tables.get(code="RT1")
    response = editor_client.get(admin_url("criterion_changelist"), {"theme__round_table__id__exact": round_table.pk})
    assert {c.code[:3] for c in response.context["cl"].result_list} == {"RT1"}


def test_criterion_page_shows_descriptors_in_level_order(editor_client, draft_framework):
    response = editor_client.get(admin_url("criterion_change", criterion_of(draft_framework).pk))
    html = response.content.decode()
    positions = [html.index(f"RT1.01 at level {level}") for level in range(5)]
    assert positions == sorted(positions)


def test_admin_is_refused_to_a_user_without_permission(client, published_framework):
    user = User.objects.create_user("official", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(admin_url("criterion_changelist")).status_code == 403
    assert client.get(admin_url("criterion_change", criterion_of(published_framework).pk)).status_code == 403


def test_admin_redirects_anonymous_users_to_login(client, published_framework):
    response = client.get(admin_url("criterion_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_published_criterion_is_read_only_in_the_admin(editor_client, published_framework):
    criterion = criterion_of(published_framework)
    url = admin_url("criterion_change", criterion.pk)
    page = editor_client.get(url)
    assert page.status_code == 200
    assert 'name="statement' not in page.content.decode()
    response = editor_client.post(url, {"statement": "Hacked", "theme": criterion.theme_id, "code": "RT1.01"})
    assert response.status_code == 403
    criterion.refresh_from_db()
    assert criterion.statement != "Hacked"
    assert editor_client.post(admin_url("criterion_delete", criterion.pk), {"post": "yes"}).status_code == 403


def test_draft_criterion_is_editable_in_the_admin(editor_client, draft_framework):
    criterion = criterion_of(draft_framework)
    page = editor_client.get(admin_url("criterion_change", criterion.pk))
    html = page.content.decode()
    # Each language of the statement, the guidance and the level descriptors is edited on the same page.
    for language in ("en", "fr", "es"):
        assert f'name="statement_{language}"' in html
        assert f'name="guidance_{language}"' in html
        assert f'name="descriptors-0-text_{language}"' in html


def test_copy_and_publish_are_admin_actions(editor_client, published_framework):
    editor_client.post(
        admin_url("frameworkversion_changelist"),
        {"action": "copy_to_new_draft", "_selected_action": [published_framework.pk]},
    )
    draft = FrameworkVersion.objects.get(copied_from=published_framework)
    assert draft.status == "draft"
    response = editor_client.post(
        admin_url("frameworkversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == "published"
    assert "Published" in response.content.decode()


def test_publish_action_reports_what_is_missing(editor_client, draft_framework):
    criterion_of(draft_framework).descriptors.filter(level=4).delete()
    response = editor_client.post(
        admin_url("frameworkversion_changelist"),
        {"action": "publish", "_selected_action": [draft_framework.pk]},
        follow=True,
    )
    assert "RT1.01 lacks level descriptor(s) 4" in response.content.decode()
    draft_framework.refresh_from_db()
    assert draft_framework.status == "draft"


# --- Reference rows used by a published version (issue 11, item 5) ----------------------------------------------


def test_a_policy_sector_used_by_a_published_version_is_read_only_in_the_admin_and_says_why(
    editor_client, published_framework
):
    from assessments.models import PolicySector

    sector = PolicySector.objects.get(code="labour-employment")
    url = admin_url("policysector_change", sector.pk)
    page = editor_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name_' not in html
    assert f"is used by “{published_framework.name}”, which is published and read-only" in html
    response = editor_client.post(url, {"code": "labour-employment", "name": "Renamed"})
    assert response.status_code == 403
    assert PolicySector.objects.get(pk=sector.pk).name == sector.name
    assert editor_client.post(admin_url("policysector_delete", sector.pk), {"post": "yes"}).status_code == 403
    bulk = editor_client.post(admin_url("policysector_changelist"),
                              {"action": "delete_selected", "_selected_action": [sector.pk], "post": "yes"})
    assert bulk.status_code in (200, 302, 403)
    assert PolicySector.objects.filter(pk=sector.pk).exists()


def test_a_policy_sector_used_only_by_drafts_is_editable_in_the_admin(editor_client, draft_framework):
    from assessments.models import PolicySector

    sector = PolicySector.objects.get(code="labour-employment")
    page = editor_client.get(admin_url("policysector_change", sector.pk))
    assert 'name="name_fr"' in page.content.decode()
    response = editor_client.post(admin_url("policysector_change", sector.pk),
                                  {"code": "labour-employment", "name_en": "Labour (renamed)",
                                   "name_fr": "Travail (renommé)", "name_es": "Trabajo"})
    assert response.status_code == 302
    renamed = PolicySector.objects.get(pk=sector.pk)
    assert (renamed.name_en, renamed.name_fr, renamed.name_es) == ("Labour (renamed)", "Travail (renommé)", "Trabajo")


@pytest.mark.parametrize("name,lookup", [("keyelement", {"code": "c"}), ("sdgdomain", {"code": "migrant-rights"}),
                                         ("gcmobjective", {"number": 6})])
def test_the_fixed_reference_lists_used_by_a_published_version_are_read_only_even_for_a_superuser(
    client, published_framework, name, lookup
):
    from django.apps import apps

    row = apps.get_model("assessments", name).objects.get(**lookup)
    client.force_login(User.objects.create_superuser("root", password="pw"))
    html = client.get(admin_url(f"{name}_change", row.pk)).content.decode()
    assert "read-only" in html and 'type="submit" value="Save"' not in html
    assert client.post(admin_url(f"{name}_delete", row.pk), {"post": "yes"}).status_code == 403
