"""Personal API tokens: created on the "API tokens" page, shown once, stored hashed, revoked, expiring."""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.api.tokens import MAX_ACTIVE_TOKENS, TokenError, api_token_create, api_token_revoke
from assessments.models import ApiToken

URL = reverse("api_tokens")
API = reverse("api_assessments")


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_created_on_the_page_shown_once_and_stored_hashed(client, world):
    client.force_login(world.viewer)
    response = client.post(URL, {"name": "Notebook", "days": 90})
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    row = ApiToken.objects.get(user=world.viewer)
    secret = html.split('id="token-value" class="form-control font-monospace" readonly value="')[1].split('"')[0]
    assert secret.startswith("hld_") and len(secret) > 40
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest() and row.prefix == secret[:10]
    assert secret not in str(list(ApiToken.objects.values()))  # only the hash and a prefix are kept
    assert abs(row.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert secret not in client.get(URL).content.decode()  # never shown again
    assert bearer(secret).get(API).status_code == 200


def test_bad_input_changes_nothing(client, world):
    client.force_login(world.viewer)
    for data in ({"name": "", "days": 90}, {"name": "x", "days": 7}, {"name": "x" * 101, "days": 30}):
        response = client.post(URL, data)
        assert response.status_code == 200 and 'id="new-token"' not in response.content.decode()
    assert not ApiToken.objects.exists()
    with pytest.raises(TokenError, match="name"):
        api_token_create(user=world.viewer, name="   ", days=30)


def test_revoked_on_the_page_then_refused(client, world):
    row, secret = api_token_create(user=world.viewer, name="t", days=30)
    client.force_login(world.viewer)
    response = client.post(reverse("api_token_revoke", args=[row.pk]), follow=True)
    assert "is revoked" in response.content.decode() and ">Revoked<" in response.content.decode()
    assert bearer(secret).get(API).status_code == 401


def test_another_persons_token_cannot_be_revoked(client, world):
    row, secret = api_token_create(user=world.viewer, name="t", days=30)
    client.force_login(world.outsider)
    assert client.post(reverse("api_token_revoke", args=[row.pk])).status_code == 404
    assert "t (" not in client.get(URL).content.decode()  # nor listed
    assert bearer(secret).get(API).status_code == 200


def test_revoke_needs_post_and_a_signed_in_person(client, world):
    row, _secret = api_token_create(user=world.viewer, name="t", days=30)
    url = reverse("api_token_revoke", args=[row.pk])
    assert client.post(url).status_code == 302  # to the sign-in page
    client.force_login(world.viewer)
    assert client.get(url).status_code == 405
    row.refresh_from_db()
    assert row.revoked_at is None


def test_an_expired_token_is_refused(world):
    row, secret = api_token_create(user=world.viewer, name="t", days=30)
    now = timezone.now()
    ApiToken.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=31),
                                              expires_at=now - timedelta(seconds=1))
    assert bearer(secret).get(API).status_code == 401


def test_an_inactive_persons_token_is_refused(world):
    _row, secret = api_token_create(user=world.viewer, name="t", days=30)
    world.viewer.is_active = False
    world.viewer.save()
    assert bearer(secret).get(API).status_code == 401


def test_last_use_is_recorded(world):
    row, secret = api_token_create(user=world.viewer, name="t", days=30)
    bearer(secret).get(API)
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_at_most_twenty_active_tokens(world):
    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=world.viewer, name=f"t{n}", days=30)
    with pytest.raises(TokenError, match="revoke one first"):
        api_token_create(user=world.viewer, name="one more", days=30)
    api_token_revoke(user=world.viewer, pk=ApiToken.objects.filter(user=world.viewer).first().pk)
    api_token_create(user=world.viewer, name="one more", days=30)


def test_the_page_at_every_access_level(client, world, editor):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    api_token_create(user=world.secretariat, name="secretariat's", days=30)
    for user in (world.outsider, world.viewer, world.contributor, world.focal, world.secretariat, editor):
        client.force_login(user)
        html = client.get(URL).content.decode()
        assert "Create a token" in html
        assert ("secretariat&#x27;s" in html) == (user == world.secretariat), user.username
