"""A focal point deletes a draft started by mistake: after a confirmation, never a submitted or approved one, logged."""

import pytest
from django.urls import reverse

from assessments import models
from assessments.models import Assessment
from assessments import workflow
from assessments.workflow import AssessmentError, NotAllowed, assessment_submit
from tests.factories import answer_all

pytestmark = pytest.mark.django_db


def url(world):
    return reverse("assessment_delete", args=[world.assessment.pk])


def exists(world) -> bool:
    return Assessment.objects.filter(pk=world.assessment.pk).exists()


def test_the_focal_point_deletes_a_draft_and_the_deletion_is_logged(world):
    answer_all(world.assessment)
    workflow.assessment_delete(assessment=world.assessment, user=world.focal)
    assert not exists(world)
    event = models.AssessmentEvent.objects.get(action="delete")
    assert (event.government, event.cycle, event.actor) == (world.government, "2026", world.focal)
    assert event.assessment is None  # the assessment is gone; the row stays


def test_a_submitted_assessment_cannot_be_deleted(world):
    answer_all(world.assessment)
    assessment_submit(assessment=world.assessment, user=world.focal)
    with pytest.raises(AssessmentError, match="Only a draft can be deleted"):
        workflow.assessment_delete(assessment=world.assessment, user=world.focal)
    assert exists(world)


def test_only_the_focal_point_deletes(world):
    with pytest.raises(NotAllowed):
        workflow.assessment_delete(assessment=world.assessment, user=world.contributor)
    assert exists(world)


def test_delete_asks_for_confirmation_first(client, world):
    client.force_login(world.focal)
    page = client.get(url(world)).content.decode()
    assert "Delete the draft assessment Alphaland 2026" in page
    assert "cannot be undone" in page
    assert exists(world)
    response = client.post(url(world), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Deleted the draft assessment Alphaland 2026" in response.content.decode()
    assert not exists(world)


def test_the_overview_offers_delete_only_to_the_focal_point_of_a_draft(client, world):
    detail = reverse("assessment_detail", args=[world.assessment.pk])
    client.force_login(world.focal)
    assert f'href="{url(world)}"' in client.get(detail).content.decode()
    client.force_login(world.contributor)
    assert f'href="{url(world)}"' not in client.get(detail).content.decode()


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_the_page_refuses_a_submitted_or_approved_assessment_with_a_message(client, world, status):
    answer_all(world.assessment)
    Assessment.objects.filter(pk=world.assessment.pk).update(status=status)
    client.force_login(world.focal)
    response = client.post(url(world), follow=True)
    assert "Only a draft can be deleted" in response.content.decode()
    assert exists(world)
    assert "Only a draft can be deleted" in client.get(url(world), follow=True).content.decode()


# --- Every access level ----------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, world):
    for method in (client.get, client.post):
        response = method(url(world))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert exists(world)


@pytest.mark.parametrize("who", ["outsider", "secretariat"])
def test_strangers_get_404(client, world, who):
    """The secretariat does not see drafts at all; the other government does not see this one."""
    client.force_login(getattr(world, who))
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world)).status_code == 404
    assert exists(world)


@pytest.mark.parametrize("role", ["viewer", "contributor"])
def test_other_roles_get_403(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(url(world)).status_code == 403
    assert client.post(url(world)).status_code == 403
    assert exists(world)


def test_secretariat_gets_403_on_a_submitted_assessment(client, world):
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")
    client.force_login(world.secretariat)
    assert client.post(url(world)).status_code == 403
    assert exists(world)
