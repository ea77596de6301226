"""Every workflow action at every access level: only the government's focal point changes anything."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import answer_all, make_user

pytestmark = pytest.mark.django_db

# action → (status the assessment needs, POST data, status after a focal point's POST)
ACTIONS = {
    "assessment_submit": ("draft", {}, "submitted"),
    "assessment_approve": ("submitted", {}, "approved"),
    "assessment_return": ("submitted", {"comment": "Check RT2"}, "draft"),
    "assessment_delete": ("draft", {}, None),
}


def prepare(world, status):
    answer_all(world.assessment)
    Assessment.objects.filter(pk=world.assessment.pk).update(status=status)


def state(world):
    row = Assessment.objects.filter(pk=world.assessment.pk).values_list("status", flat=True).first()
    return row  # None once deleted


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_is_sent_to_sign_in_and_nothing_changes(client, world, action):
    before, data, _ = ACTIONS[action]
    prepare(world, before)
    response = client.post(reverse(action, args=[world.assessment.pk]), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert state(world) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_member_of_another_government_gets_404(client, world, action):
    before, data, _ = ACTIONS[action]
    prepare(world, before)
    client.force_login(world.outsider)
    assert client.post(reverse(action, args=[world.assessment.pk]), data).status_code == 404
    assert state(world) == before


@pytest.mark.parametrize("role", ["viewer", "contributor", "secretariat"])
@pytest.mark.parametrize("action", ACTIONS)
def test_other_roles_are_refused(client, world, action, role):
    """403, or 404 for the secretariat on a draft (it does not see drafts at all)."""
    before, data, _ = ACTIONS[action]
    prepare(world, before)
    client.force_login(getattr(world, role))
    expected = 404 if role == "secretariat" and before == "draft" else 403
    assert client.post(reverse(action, args=[world.assessment.pk]), data).status_code == expected
    assert state(world) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_focal_point_of_the_government_does_it(client, world, action):
    before, data, after = ACTIONS[action]
    prepare(world, before)
    client.force_login(make_user("approver", government=world.government, role="focal_point"))
    response = client.post(reverse(action, args=[world.assessment.pk]), data)
    assert response.status_code == 302
    assert state(world) == after


# The secretariat and the other government are not members of this government: it is not found for them.
@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("outsider", 404), ("viewer", 403), ("contributor", 403), ("secretariat", 404),
])
def test_start_at_every_access_level(client, world, who, expected):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    prefix = f"g{world.government.pk}"
    response = client.post(reverse("assessment_start", args=[world.government.pk]),
                           {f"{prefix}-cycle": "2030", f"{prefix}-is_origin": "on"})
    assert response.status_code == expected
    assert not Assessment.objects.filter(cycle="2030").exists()


def test_start_by_the_focal_point(client, world):
    client.force_login(world.focal)
    prefix = f"g{world.government.pk}"
    client.post(reverse("assessment_start", args=[world.government.pk]),
                {f"{prefix}-cycle": "2030", f"{prefix}-is_origin": "on"})
    assert Assessment.objects.filter(government=world.government, cycle="2030").exists()
