"""Malformed input to the people pages (issue 12): never a 500, nothing half-written, always a message.

Reuses the odd values of tests/test_fuzz.py (NUL bytes, huge strings, lists for single fields…).
"""

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import Government, Invitation, Membership, MembershipChange
from tests.test_fuzz import EXAMPLES, field, fuzz, post_data, unknown_fields

pytestmark = pytest.mark.django_db

emails = st.one_of(st.emails(), st.just("new@example.org"))
roles = st.sampled_from(["contributor", "focal_point", "viewer"])
names = st.text(min_size=1, max_size=30).filter(str.strip)
iso3 = st.sampled_from(["KEN", "FRA", "XNL", "XAA", "QQQ", "ken"])
regions = st.sampled_from(["africa", "americas", "asia", "europe", "oceania"])


def state():
    return (
        list(Government.objects.order_by("pk").values_list("name", "iso3", "un_region")),
        list(Invitation.objects.order_by("pk").values_list("email", "role", "status")),
        list(Membership.objects.order_by("pk").values_list("user_id", "government_id", "role")),
        MembershipChange.objects.count(),
        list(User.objects.order_by("pk").values_list("username", "first_name", "last_name", "email", "is_active")),
    )


def said_something(response) -> bool:
    if response.status_code == 302:
        return bool(list(get_messages(response.wsgi_request)))
    html = response.content.decode()
    return response.status_code in (200, 410) and ("invalid-feedback" in html or "alert" in html)


def post(user, url, data):
    from django.db import transaction

    client = Client()
    if user is not None:
        client.force_login(user)
    with transaction.atomic():
        before = state()
        response = client.post(url, data)
        after = state()
        transaction.set_rollback(True)
    assert response.status_code in (200, 302, 403, 404, 410), response
    if after == before and response.status_code in (200, 302):
        assert said_something(response), response.content.decode()[:500]
    return before, after


@pytest.mark.parametrize("who", ["focal", "secretariat_admin"])
def test_invitation_form_takes_any_input_without_error(people, who):
    @fuzz(EXAMPLES)
    @given(st.fixed_dictionaries({"email": field(emails), "role": field(roles)}), unknown_fields)
    def check(fields, extra):
        post(getattr(people, who), reverse("invitation_create", args=[people.government.pk]),
             post_data({**fields, **extra}))

    check()


def test_government_form_takes_any_input_without_error(people):
    @fuzz(EXAMPLES)
    @given(st.fixed_dictionaries({"name": field(names), "iso3": field(iso3), "un_region": field(regions)}))
    def check(fields):
        before, after = post(people.secretariat_admin, reverse("government_create"), post_data(fields))
        if after != before:
            assert len(after[0]) == len(before[0]) + 1

    check()


def test_account_form_takes_any_input_without_error(people):
    @fuzz(EXAMPLES)
    @given(st.fixed_dictionaries({"first_name": field(names), "last_name": field(names), "email": field(emails)}))
    def check(fields):
        post(people.viewer, reverse("my_account"), post_data(fields))

    check()


def test_accepting_takes_any_input_without_error(people):
    from django.core import mail

    from tests.people_helpers import invite, link_in

    mail.outbox.clear()
    invite(people, "fresh@example.org")
    url = link_in(mail.outbox[-1])
    passwords = st.sampled_from(["Hld-2013-strong", "12345678", "short"])

    @fuzz(EXAMPLES)
    @given(st.fixed_dictionaries({"username": field(st.sampled_from(["fresh", "viewer", "a b", "x" * 200])),
                                  "password1": field(passwords), "password2": field(passwords)}))
    def check(fields):
        before, after = post(None, url, post_data(fields))
        if after != before:  # an account was made: exactly one, a member, with the invitation's address
            assert len(after[4]) == len(before[4]) + 1 and after[4][-1][3] == "fresh@example.org"

    check()
