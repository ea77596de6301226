"""Who may download and upload the workbook (issue 16): as the questionnaire, at every level."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Response
from tests.factories import make_user
from tests.workbook_helpers import client_for, confirm, download, edit, upload

pytestmark = pytest.mark.django_db


def urls(world):
    pk = world.assessment.pk
    return {
        "download": reverse("workbook_download", args=[pk]),
        "download_rt": reverse("workbook_download_round_table", args=[pk, 1]),
        "upload": reverse("workbook_upload", args=[pk]),
    }


@pytest.fixture
def editor(world):
    user = make_user("criteria-editor")
    user.is_staff = True
    user.save()
    return user


def test_anonymous_is_sent_to_sign_in(world):
    for url in urls(world).values():
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post(reverse("workbook_confirm", args=[world.assessment.pk]), {"key": "x"}).status_code == 302


@pytest.mark.parametrize("who", ["outsider", "editor", "secretariat"])
def test_strangers_get_404_on_a_draft(world, editor, who):
    user = editor if who == "editor" else getattr(world, who)
    client = client_for(user)
    for url in urls(world).values():
        assert client.get(url).status_code == 404
    assert client.post(reverse("workbook_confirm", args=[world.assessment.pk]), {"key": "x"}).status_code == 404


def test_a_viewer_downloads_but_may_not_upload(world):
    client = client_for(world.viewer)
    assert client.get(urls(world)["download"]).status_code == 200
    assert client.get(urls(world)["download_rt"]).status_code == 200
    assert client.get(urls(world)["upload"]).status_code == 403
    assert upload(client, world.assessment, download(world.viewer, world.assessment)).status_code == 403
    assert client.post(reverse("workbook_confirm", args=[world.assessment.pk]), {"key": "x"}).status_code == 403


@pytest.mark.parametrize("who", ["contributor", "focal"])
def test_contributors_and_focal_points_of_a_draft_upload(world, who):
    user = getattr(world, who)
    client = client_for(user)
    assert client.get(urls(world)["upload"]).status_code == 200
    code = world.assessment.framework_version.criteria.order_by("code").first().code
    preview = upload(client, world.assessment, edit(download(user, world.assessment), {("RT1", code, "answer"): 2}))
    assert confirm(client, world.assessment, preview).status_code == 302
    assert Response.objects.get().updated_by == user


def test_the_secretariat_downloads_a_submitted_assessment_read_only_and_cannot_upload(world):
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")
    client = client_for(world.secretariat)
    assert client.get(urls(world)["download"]).status_code == 200
    assert client.get(urls(world)["upload"]).status_code == 403


def test_an_upload_kept_for_one_person_cannot_be_confirmed_by_another(world):
    code = world.assessment.framework_version.criteria.order_by("code").first().code
    preview = upload(client_for(world.contributor), world.assessment,
                     edit(download(world.contributor, world.assessment), {("RT1", code, "answer"): 2}))
    response = confirm(client_for(world.focal), world.assessment, preview)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not Response.objects.exists()


def test_the_overview_links_download_and_upload_by_role(world):
    detail = reverse("assessment_detail", args=[world.assessment.pk])
    contributor = client_for(world.contributor).get(detail).content.decode()
    viewer = client_for(world.viewer).get(detail).content.decode()
    assert urls(world)["upload"] in contributor and urls(world)["download"] in contributor
    assert urls(world)["upload"] not in viewer and urls(world)["download"] in viewer
