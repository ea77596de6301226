"""Approving: by another person than the submitter (four-eyes, HLD_FOUR_EYES), after a page that says it is final."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.workflow import AssessmentError, assessment_approve, assessment_submit
from tests.factories import answer_all, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(world):
    return make_user("approver", government=world.government, role="focal_point")


@pytest.fixture
def submitted(world):
    answer_all(world.assessment)
    return assessment_submit(assessment=world.assessment, user=world.focal)


def status(world) -> str:
    return Assessment.objects.get(pk=world.assessment.pk).status


def test_the_submitter_cannot_approve_their_own_submission(world, submitted):
    with pytest.raises(AssessmentError, match="another focal point must approve"):
        assessment_approve(assessment=submitted, user=world.focal)
    assert status(world) == "submitted"


def test_another_focal_point_approves(world, submitted, approver):
    approved = assessment_approve(assessment=submitted, user=approver)
    assert (approved.status, approved.submitted_by, approved.approved_by) == ("approved", world.focal, approver)


def test_the_four_eyes_rule_can_be_turned_off(world, submitted, settings):
    settings.HLD_FOUR_EYES = False
    assert assessment_approve(assessment=submitted, user=world.focal).status == "approved"


def test_the_submitter_is_refused_with_a_message_on_the_page(client, world, submitted):
    client.force_login(world.focal)
    url = reverse("assessment_approve", args=[world.assessment.pk])
    page = client.get(url).content.decode()
    assert "another focal point must approve" in page
    assert 'name="confirm"' not in page
    response = client.post(url, follow=True)
    assert "another focal point must approve" in response.content.decode()
    assert status(world) == "submitted"


def test_approve_asks_for_confirmation_and_says_it_is_final(client, world, submitted, approver):
    client.force_login(approver)
    url = reverse("assessment_approve", args=[world.assessment.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "final" in page and "cannot be undone" in page
    assert "Submitted by focal" in page
    assert 'name="confirm"' in page
    assert status(world) == "submitted"  # a GET changes nothing
    response = client.post(url)
    assert response["Location"] == reverse("assessment_detail", args=[world.assessment.pk])
    assert status(world) == "approved"


def test_the_overview_links_to_the_confirmation_instead_of_approving_in_one_click(client, world, submitted, approver):
    client.force_login(approver)
    page = client.get(reverse("assessment_detail", args=[world.assessment.pk])).content.decode()
    url = reverse("assessment_approve", args=[world.assessment.pk])
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page


def test_the_confirmation_of_a_draft_says_it_cannot_be_approved(client, world, approver):
    client.force_login(approver)
    response = client.get(reverse("assessment_approve", args=[world.assessment.pk]), follow=True)
    assert "Only a submitted assessment can be approved" in response.content.decode()


# --- Every access level ----------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, world, submitted):
    url = reverse("assessment_approve", args=[world.assessment.pk])
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert status(world) == "submitted"


def test_member_of_another_government_gets_404(client, world, submitted):
    client.force_login(world.outsider)
    url = reverse("assessment_approve", args=[world.assessment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert status(world) == "submitted"


@pytest.mark.parametrize("role", ["viewer", "contributor", "secretariat"])
def test_other_roles_get_403(client, world, submitted, role):
    client.force_login(getattr(world, role))
    url = reverse("assessment_approve", args=[world.assessment.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert status(world) == "submitted"


def test_the_confirmation_works_without_a_recorded_submitter(client, world, submitted, approver):
    # Authors are deactivated, never deleted, but an assessment restored from an older backup may lack a submitter.
    Assessment.objects.filter(pk=submitted.pk).update(submitted_by=None)
    client.force_login(approver)
    response = client.get(reverse("assessment_approve", args=[world.assessment.pk]))
    assert response.status_code == 200
    assert "Submitted by — on" in response.content.decode()
