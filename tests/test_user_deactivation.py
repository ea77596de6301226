"""Issue 11 item 9: a user who has written anything is deactivated, never deleted (the history keeps their name)."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from assessments.models import Assessment, Membership
from tests.factories import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


def approve(world):
    answer_all(world.assessment, user=world.contributor)
    Assessment.objects.filter(pk=world.assessment.pk).update(
        status="approved", submitted_by=world.focal, approved_by=world.focal
    )


def test_deleting_the_approver_in_the_admin_is_refused_and_the_approved_assessment_keeps_who(world, superuser_client):
    approve(world)
    url = reverse("admin:auth_user_delete", args=[world.focal.pk])
    response = superuser_client.post(url, {"post": "yes"}, follow=True)
    assert User.objects.filter(pk=world.focal.pk).exists()
    assessment = Assessment.objects.get(pk=world.assessment.pk)
    assert assessment.approved_by_id == world.focal.pk
    assert assessment.submitted_by_id == world.focal.pk
    assert "deactivate" in response.content.decode().lower()


def test_bulk_delete_in_the_admin_does_not_delete_a_writer(world, superuser_client):
    approve(world)
    superuser_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [world.focal.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=world.focal.pk).exists()


def test_deleting_a_writer_in_code_is_refused(world):
    from django.db import transaction
    from django.db.models import ProtectedError

    approve(world)
    with pytest.raises(ProtectedError), transaction.atomic():
        world.focal.delete()
    assert Assessment.objects.get(pk=world.assessment.pk).approved_by_id == world.focal.pk


def test_the_admin_deactivate_action_keeps_the_user_and_their_history(world, superuser_client):
    approve(world)
    Membership.objects.filter(user=world.contributor).update(role="focal_point")  # someone else stays focal point
    response = superuser_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [world.focal.pk]},
        follow=True,
    )
    assert response.status_code == 200
    focal = User.objects.get(pk=world.focal.pk)
    assert not focal.is_active
    assert Assessment.objects.get(pk=world.assessment.pk).approved_by == focal


def test_a_deactivated_user_cannot_sign_in(world, client):
    from assessments.people import user_deactivate

    admin = User.objects.create_superuser("root", "root@example.org", "pw")
    user_deactivate(user=world.contributor, by=admin)
    response = client.post(reverse("login"), {"username": "contributor", "password": "pw"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_user_who_wrote_nothing_can_still_be_deleted(world, superuser_client):
    fresh = User.objects.create_user("fresh", password="pw")
    superuser_client.post(reverse("admin:auth_user_delete", args=[fresh.pk]), {"post": "yes"})
    assert not User.objects.filter(pk=fresh.pk).exists()


def test_deactivating_the_last_focal_point_is_refused_with_a_message(world, superuser_client):
    response = superuser_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [world.focal.pk]},
        follow=True,
    )
    assert "last focal point of Alphaland" in response.content.decode()
    assert User.objects.get(pk=world.focal.pk).is_active


def test_a_deactivated_authors_name_stays_in_the_history_and_cannot_be_deleted(world, client):
    from assessments.people import user_deactivate
    from assessments.workflow import AnswerInput, responses_save

    criterion = world.framework.criteria.order_by("code").first()
    responses_save(assessment=world.assessment, user=world.contributor,
                   answers=[AnswerInput(criterion_id=criterion.pk, base_edit_count=0, score=3)])
    # Someone else overwrites the answer: the contributor is now named only in the history.
    response = world.assessment.responses.get()
    responses_save(assessment=world.assessment, user=world.focal,
                   answers=[AnswerInput(criterion_id=criterion.pk, base_edit_count=response.edit_count, score=1)])
    admin = User.objects.create_superuser("root", "root@example.org", "pw")
    user_deactivate(user=world.contributor, by=admin)
    from django.db import transaction
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        User.objects.filter(pk=world.contributor.pk).delete()
    client.force_login(world.focal)
    html = client.get(reverse("criterion_history", args=[world.assessment.pk, criterion.pk])).content.decode()
    assert re.search(r">\s*contributor\s*</td>", html), "the deactivated contributor is still named"
