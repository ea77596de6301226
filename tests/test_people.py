"""Governments, people and roles (issue 12): every page at every access level, and what each write does."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from assessments.models import Government, Invitation, Membership, MembershipChange
from tests.people_helpers import invite

pytestmark = pytest.mark.django_db

LEVELS = ["anonymous", "outsider", "viewer", "contributor", "focal", "secretariat", "secretariat_admin", "editor"]


def client_as(client, world, level):
    if level != "anonymous":
        client.force_login(getattr(world, level))
    return client


def expect(response, code):
    if code == "login":
        assert response.status_code == 302 and reverse("login") in response["Location"], response
    elif code == "done":
        assert response.status_code == 302 and reverse("login") not in response["Location"], response
    else:
        assert response.status_code == code, response


ADMIN_ONLY = dict(zip(LEVELS, ["login", 403, 403, 403, 403, 403, 200, 403]))
PEOPLE_PAGE = dict(zip(LEVELS, ["login", 404, 403, 403, 200, 200, 200, 404]))
PEOPLE_WRITE = dict(zip(LEVELS, ["login", 404, 403, 403, "done", 403, "done", 404]))
EVERYONE = dict(zip(LEVELS, ["login", 200, 200, 200, 200, 200, 200, 200]))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", ["government_list", "government_create", "government_edit"])
def test_secretariat_administration_pages_at_every_access_level(people, client, level, name):
    args = [people.government.pk] if name == "government_edit" else []
    expect(client_as(client, people, level).get(reverse(name, args=args)), ADMIN_ONLY[level])


@pytest.mark.parametrize("level", LEVELS)
def test_people_page_at_every_access_level(people, client, level):
    response = client_as(client, people, level).get(reverse("government_people", args=[people.government.pk]))
    expect(response, PEOPLE_PAGE[level])
    if response.status_code == 200:
        html = response.content.decode()
        assert "People of Alphaland" in html and "viewer@example.org" in html
        assert ("Send the invitation" in html) == (level in ("focal", "secretariat_admin"))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("action", ["invite", "role", "remove", "resend", "withdraw"])
def test_people_writes_at_every_access_level(people, client, level, action):
    viewer_membership = Membership.objects.get(user=people.viewer)
    url, data = {
        "invite": (reverse("invitation_create", args=[people.government.pk]), {"email": "new@example.org", "role": "viewer"}),
        "role": (reverse("membership_role", args=[viewer_membership.pk]), {f"m{viewer_membership.pk}-role": "contributor"}),
        "remove": (reverse("membership_remove", args=[viewer_membership.pk]), {}),
        "resend": (reverse("invitation_resend", args=[people.invitation.pk]), {}),
        "withdraw": (reverse("invitation_withdraw", args=[people.invitation.pk]), {}),
    }[action]
    before = (Invitation.objects.count(), MembershipChange.objects.count(),
              list(Invitation.objects.values_list("status", "token_hash")))
    response = client_as(client, people, level).post(url, data)
    expect(response, PEOPLE_WRITE[level])
    after = (Invitation.objects.count(), MembershipChange.objects.count(),
             list(Invitation.objects.values_list("status", "token_hash")))
    assert (after != before) == (PEOPLE_WRITE[level] == "done")


@pytest.mark.parametrize("level", LEVELS)
def test_my_account_at_every_access_level(people, client, level):
    response = client_as(client, people, level).get(reverse("my_account"))
    expect(response, EVERYONE[level])
    if level == "focal":
        assert "Alphaland — focal point" in response.content.decode()


def test_another_governments_membership_and_invitation_are_not_found_for_a_focal_point(people, client):
    theirs = invite(people, "x@example.org", government=people.other_government)
    client.force_login(people.focal)
    membership = Membership.objects.get(user=people.outsider)
    assert client.post(reverse("membership_remove", args=[membership.pk])).status_code == 404
    assert client.post(reverse("invitation_withdraw", args=[theirs.pk])).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- Governments ---------------------------------------------------------------------------


def test_the_secretariat_administrator_creates_a_government_checked_against_iso_3166(people, client):
    client.force_login(people.secretariat_admin)
    url = reverse("government_create")
    response = client.post(url, {"name": "Nowhere", "iso3": "QQQ", "un_region": "africa"})
    assert "QQQ is not an ISO 3166 alpha-3 country code." in response.content.decode()
    assert not Government.objects.filter(name="Nowhere").exists()
    response = client.post(url, {"name": "Kenya", "iso3": "ken", "un_region": "africa"})
    kenya = Government.objects.get(name="Kenya")
    assert kenya.iso3 == "KEN"
    assert response["Location"] == reverse("government_people", args=[kenya.pk])


def test_government_list_shows_members_and_assessment_states_paged(people, client):
    from assessments import views

    client.force_login(people.secretariat_admin)
    html = client.get(reverse("government_list")).content.decode()
    assert "Alphaland" in html and "Betaland" in html and "1 draft, 0 submitted, 0 approved" in html
    assert "focal (focal point)" in html
    views.people.GOVERNMENTS_PER_PAGE, saved = 1, views.people.GOVERNMENTS_PER_PAGE
    try:
        html = client.get(reverse("government_list"), {"page": 2}).content.decode()
    finally:
        views.people.GOVERNMENTS_PER_PAGE = saved
    assert "Betaland" in html and "Alphaland</a>" not in html and "page 2 of 2" in html


def test_editing_a_government_to_a_taken_code_says_so_and_changes_nothing(people, client):
    client.force_login(people.secretariat_admin)
    response = client.post(reverse("government_edit", args=[people.government.pk]),
                           {"name": "Alphaland", "iso3": "KEN", "un_region": "asia"})
    assert response.status_code == 302
    response = client.post(reverse("government_edit", args=[people.other_government.pk]),
                           {"name": "Betaland", "iso3": "KEN", "un_region": "asia"})
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert Government.objects.get(pk=people.other_government.pk).iso3 == "XBB"


# --- Roles and the last focal point --------------------------------------------------------


def test_a_government_never_loses_its_last_focal_point(people, client):
    focal = Membership.objects.get(user=people.focal)
    client.force_login(people.focal)
    response = client.post(reverse("membership_role", args=[focal.pk]), {f"m{focal.pk}-role": "viewer"}, follow=True)
    assert "is the last focal point of Alphaland" in response.content.decode()
    response = client.post(reverse("membership_remove", args=[focal.pk]), follow=True)
    assert "is the last focal point of Alphaland" in response.content.decode()
    assert Membership.objects.get(pk=focal.pk).role == "focal_point"
    assert not MembershipChange.objects.exists()


def test_role_changes_are_recorded_and_shown_to_focal_points_and_the_secretariat(people, client):
    contributor = Membership.objects.get(user=people.contributor)
    client.force_login(people.focal)
    client.post(reverse("membership_role", args=[contributor.pk]), {f"m{contributor.pk}-role": "focal_point"})
    focal = Membership.objects.get(user=people.focal)
    client.post(reverse("membership_role", args=[focal.pk]), {f"m{focal.pk}-role": "viewer"})  # another focal point now
    assert Membership.objects.get(pk=focal.pk).role == "viewer"
    change = MembershipChange.objects.filter(member=people.contributor).get()
    assert (change.changed_by, change.old_role, change.new_role) == (people.focal, "contributor", "focal_point")
    client.force_login(people.secretariat)
    html = client.get(reverse("government_people", args=[people.government.pk])).content.decode()
    assert "contributor → focal point" in html and "focal point → viewer" in html


def test_removing_a_member_keeps_their_account_and_records_it(people, client):
    viewer = Membership.objects.get(user=people.viewer)
    client.force_login(people.focal)
    client.post(reverse("membership_remove", args=[viewer.pk]))
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    assert User.objects.filter(pk=people.viewer.pk).exists()
    assert MembershipChange.objects.get(member=people.viewer).summary == "removed (was viewer)"


# --- My account ----------------------------------------------------------------------------


def test_a_person_changes_their_name_and_email_but_not_to_anothers_address(people, client):
    client.force_login(people.viewer)
    client.post(reverse("my_account"), {"first_name": "Vera", "last_name": "View", "email": "vera@example.org"})
    people.viewer.refresh_from_db()
    assert (people.viewer.get_full_name(), people.viewer.email) == ("Vera View", "vera@example.org")
    response = client.post(reverse("my_account"), {"first_name": "V", "last_name": "", "email": "focal@example.org"},
                           follow=True)
    assert "Another account already uses that email address." in response.content.decode()
    people.viewer.refresh_from_db()
    assert people.viewer.email == "vera@example.org"


def test_the_editors_home_page_says_where_their_work_is(people, client, draft_framework):
    client.force_login(people.editor)
    html = client.get(reverse("home")).content.decode()
    assert "Your work as criteria editor" in html and draft_framework.name in html
    assert reverse("admin:assessments_frameworkversion_changelist") in html


# --- The admin ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["government", "membership", "invitation", "assessment", "membershipchange"])
def test_the_secretariat_administrator_has_the_people_admin_with_search(people, client, model):
    client.force_login(people.secretariat_admin)
    response = client.get(reverse(f"admin:assessments_{model}_changelist"), {"q": "Alphaland"})
    assert response.status_code == 200


def test_assessments_are_read_only_in_the_admin(people, client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    response = client.post(reverse("admin:assessments_assessment_change", args=[people.assessment.pk]), {"cycle": "1999"})
    people.assessment.refresh_from_db()
    assert people.assessment.cycle == "2026"
    assert response.status_code in (200, 403)


def test_the_admin_withdraw_action_calls_the_same_write_function(people, client):
    client.force_login(people.secretariat_admin)
    client.post(reverse("admin:assessments_invitation_changelist"),
                {"action": "withdraw", "_selected_action": [people.invitation.pk]})
    assert Invitation.objects.get(pk=people.invitation.pk).status == "withdrawn"
