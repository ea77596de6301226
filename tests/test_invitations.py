"""Invitations (issue 12): a one-time link by email, stored hashed; accept, expire, reuse, withdraw, resend."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from assessments.models import Invitation, Membership, MembershipChange
from tests.people_helpers import invite, link_in

pytestmark = pytest.mark.django_db


def test_an_invitation_emails_a_one_time_link_whose_token_is_stored_hashed(people):
    mail.outbox.clear()
    invitation = invite(people, "newcomer@example.org", role="viewer")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newcomer@example.org"]
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash != token and len(invitation.token_hash) == 64
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert (invitation.expires_at - invitation.created_at).days in (6, 7)


def test_accepting_creates_the_account_with_the_password_validators_and_signs_in(people, client):
    mail.outbox.clear()
    invite(people, "newcomer@example.org", role="viewer")
    link = link_in(mail.outbox[0])
    assert "Create your account" in client.get(link).content.decode()
    weak = client.post(link, {"username": "newcomer", "password1": "12345678", "password2": "12345678"})
    assert "This password is too common." in weak.content.decode()
    assert not User.objects.filter(username="newcomer").exists()
    done = client.post(link, {"username": "newcomer", "first_name": "Nia", "last_name": "New",
                              "password1": "Hld-2013-strong", "password2": "Hld-2013-strong"})
    assert done.status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.email == "newcomer@example.org" and user.check_password("Hld-2013-strong")
    assert Membership.objects.get(user=user).role == "viewer"
    assert int(client.session["_auth_user_id"]) == user.pk
    change = MembershipChange.objects.get(member=user)
    assert (change.changed_by, change.old_role, change.new_role) == (people.focal, "", "viewer")


def test_a_used_link_says_so(people, client):
    mail.outbox.clear()
    invite(people, "newcomer@example.org")
    link = link_in(mail.outbox[0])
    client.post(link, {"username": "newcomer", "password1": "Hld-2013-strong", "password2": "Hld-2013-strong"})
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation has already been used." in response.content.decode()
    again = client.post(link, {"username": "other", "password1": "Hld-2013-strong", "password2": "Hld-2013-strong"})
    assert again.status_code == 410 and not User.objects.filter(username="other").exists()


def test_an_expired_link_says_so(people, client):
    from datetime import timedelta

    from django.utils import timezone

    mail.outbox.clear()
    invitation = invite(people, "late@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 410 and "expired on" in response.content.decode()


def test_a_withdrawn_link_says_so_and_a_resent_link_replaces_the_old_one(people, client):
    mail.outbox.clear()
    invitation = invite(people, "twice@example.org")
    first = link_in(mail.outbox[0])
    client.force_login(people.focal)
    client.post(reverse("invitation_resend", args=[invitation.pk]))
    second = link_in(mail.outbox[1])
    client.logout()
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    client.force_login(people.focal)
    client.post(reverse("invitation_withdraw", args=[invitation.pk]))
    client.logout()
    response = client.get(second)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()


def test_an_existing_account_must_sign_in_to_accept_and_gets_the_membership(people, client):
    mail.outbox.clear()
    invite(people, "outsider@example.org", role="viewer")  # the focal point of Betaland
    link = link_in(mail.outbox[0])
    page = client.get(link).content.decode()
    assert "Sign in to accept" in page and "Create your account" not in page
    client.post(link, {"username": "outsider", "password1": "Hld-2013-strong", "password2": "Hld-2013-strong"})
    assert not Membership.objects.filter(user=people.outsider, government=people.government).exists()
    client.force_login(people.viewer)  # the wrong account
    assert "sign in as that account" in client.get(link).content.decode()
    client.post(link)
    assert not Membership.objects.filter(user=people.viewer, government=people.government, role="contributor").exists()
    client.force_login(people.outsider)
    assert client.post(link).status_code == 302
    assert Membership.objects.get(user=people.outsider, government=people.government).role == "viewer"


def test_inviting_a_member_or_a_pending_address_again_is_refused_with_a_message(people, client):
    client.force_login(people.focal)
    url = reverse("invitation_create", args=[people.government.pk])
    response = client.post(url, {"email": "viewer@example.org", "role": "viewer"}, follow=True)
    assert "viewer@example.org is already a member of Alphaland." in response.content.decode()
    response = client.post(url, {"email": "pending@example.org", "role": "viewer"}, follow=True)
    assert "already has a pending invitation" in response.content.decode()
    assert Invitation.objects.count() == 1
