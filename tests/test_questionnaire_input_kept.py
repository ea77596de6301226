"""No typed work lost (issue 10): a save after the session expired, or after the assessment was submitted."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Criterion, Response
from tests.page_forms import form_data

pytestmark = pytest.mark.django_db


def first_criteria(world):
    return list(Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code"))


def url(world):
    return reverse("questionnaire", args=[world.assessment.pk, 1])


def opened_then_signed_out(world, user, **changes):
    """The page was opened while signed in; the session then ended (expired, or signed out elsewhere)."""
    client = Client()
    client.force_login(user)
    data = form_data(client.get(url(world)).content.decode())
    data.update(changes)
    client.logout()
    return client, data


def test_a_save_after_the_session_expired_keeps_the_input_for_after_sign_in(world):
    c = first_criteria(world)
    client, data = opened_then_signed_out(
        world, world.contributor, **{f"c{c[0].pk}-answer": "3", f"c{c[0].pk}-evidence": "Typed before the expiry"}
    )
    response = client.post(url(world), data)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    [next_url] = parse_qs(location.query)["next"]
    assert not Response.objects.exists()  # nothing saved without a session

    login_page = client.get(response["Location"]).content.decode()
    assert "Your session had ended" in login_page

    client.force_login(world.contributor)
    page = client.get(next_url).content.decode()
    assert "Typed before the expiry" in page
    assert re.search(rf'name="c{c[0].pk}-answer" value="3"[^>]*checked', page)
    assert "not saved yet" in page
    assert not Response.objects.exists()
    # Saving from the restored page stores the answer.
    assert client.post(url(world), form_data(page)).status_code == 302
    assert Response.objects.get(criterion=c[0]).evidence == "Typed before the expiry"


def test_the_kept_input_is_never_shown_to_another_user(world):
    c = first_criteria(world)
    client, data = opened_then_signed_out(world, world.contributor, **{f"c{c[0].pk}-evidence": "Contributor secret"})
    response = client.post(url(world), data)
    [next_url] = parse_qs(urlsplit(response["Location"]).query)["next"]
    for other in (world.focal, world.viewer, world.outsider):
        other_client = Client()
        other_client.force_login(other)
        answer = other_client.get(next_url)
        assert "Contributor secret" not in answer.content.decode()
    # The owner still gets it back afterwards.
    owner = Client()
    owner.force_login(world.contributor)
    assert "Contributor secret" in owner.get(next_url).content.decode()


def test_kept_input_is_given_back_once(world):
    c = first_criteria(world)
    client, data = opened_then_signed_out(world, world.contributor, **{f"c{c[0].pk}-evidence": "Only once"})
    next_url = parse_qs(urlsplit(client.post(url(world), data)["Location"]).query)["next"][0]
    client.force_login(world.contributor)
    assert "Only once" in client.get(next_url).content.decode()
    assert "Only once" not in client.get(next_url).content.decode()


def test_an_anonymous_post_without_a_page_token_keeps_nothing(world):
    c = first_criteria(world)
    response = Client().post(url(world), {f"c{c[0].pk}-evidence": "Planted", "resume": "forged"})
    assert response.status_code == 302
    assert "restore" not in response["Location"]


def test_a_save_refused_because_the_assessment_was_submitted_shows_the_input_read_only(world):
    c = first_criteria(world)
    client = Client()
    client.force_login(world.contributor)
    data = form_data(client.get(url(world)).content.decode())
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")  # the focal point submits
    data.update({f"c{c[0].pk}-answer": "4", f"c{c[0].pk}-justification": "Typed while it was submitted"})

    response = client.post(url(world), data)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: the assessment was submitted" in page
    assert "copy" in page
    assert re.search(r"<textarea[^>]*readonly[^>]*>\s*Typed while it was submitted", page)  # selectable, to copy
    assert "Not allowed" not in page
    assert not Response.objects.exists()


def test_a_viewer_posting_is_still_refused_outright(world):
    client = Client()
    client.force_login(world.viewer)
    assert client.post(url(world), {}).status_code == 403
