"""The finished questionnaire page from the shared cache (issue 19): the CSRF token of the request filled in,
per person and language, never while messages wait, and a new page after every save."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Criterion
from tests.page_forms import form_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def url(world, number=1):
    return reverse("questionnaire", args=[world.assessment.pk, number])


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_the_second_view_comes_from_the_cache_with_this_sessions_token_and_a_save_works(world):
    client = signed_in(world.focal)
    with CaptureQueriesContext(connection) as rendered:
        first = client.get(url(world)).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url(world)).content.decode()
    assert "hld-csrf-token-placeholder" not in first + second
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    assert len(queries) < len(rendered) - 3, [q["sql"] for q in queries]  # no criteria, answers or progress read
    data = form_data(second)
    criterion = Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code")[0]
    data[f"c{criterion.pk}-answer"], data[f"c{criterion.pk}-justification"] = "2", "Saved from a cached page"
    assert client.post(url(world), data).status_code == 302  # the filled-in token passes the CSRF check
    after = client.get(url(world)).content.decode()
    assert "Saved from a cached page" in after


def test_another_person_or_language_gets_their_own_page(world):
    focal = signed_in(world.focal)
    focal.get(url(world))
    viewer_page = signed_in(world.viewer).get(url(world)).content.decode()
    assert ">viewer</span>" in viewer_page and ">focal</span>" not in viewer_page  # the header names who is in
    french = focal.get(url(world), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in french and '<html lang="en">' in focal.get(url(world)).content.decode()


def test_a_page_with_a_waiting_message_is_rendered_and_shows_it(world):
    client = signed_in(world.focal)
    page = client.get(url(world)).content.decode()
    data = form_data(page)
    criterion = Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code")[0]
    data[f"c{criterion.pk}-answer"], data[f"c{criterion.pk}-justification"] = "1", "A reason"
    saved = client.post(url(world), data)
    shown = client.get(saved["Location"]).content.decode()
    assert 'role="status"' in shown and "alert-success" in shown  # the "saved" message, not a cached copy
    assert "alert-success" not in client.get(url(world)).content.decode()  # shown once


def test_the_report_page_comes_from_the_cache_until_the_next_save(world):
    from tests.factories import answer_all

    answer_all(world.assessment)
    client = signed_in(world.focal)
    report = reverse("report", args=[world.assessment.pk])
    with CaptureQueriesContext(connection) as rendered:
        first = client.get(report)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(report)
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", second.content.decode())
    assert second["ETag"] == first["ETag"] and len(queries) < len(rendered)
    world.assessment.responses.filter(score=2).update(justification="Changed behind the page")
    world.assessment.__class__.objects.filter(pk=world.assessment.pk).update(revision=world.assessment.revision + 1)
    assert "Changed behind the page" in client.get(report).content.decode()
