"""Conditional GET on the report page and the documents (issue 19): ETag, 304 without a body, never a stale or
another person's copy; ``private, no-cache`` on these responses only (no-store everywhere else, SECURITY.md)."""

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.urls import reverse

from assessments.models import Assessment, Criterion, Response
from assessments.workflow import AnswerInput, responses_save
from tests.factories import answer_all


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def save_one(assessment, user, text: str):
    """A save through the write path the questionnaire uses: bumps the revision."""
    criterion = Criterion.objects.filter(theme__round_table__version=assessment.framework_version).order_by("code")[0]
    current = Response.objects.filter(assessment=assessment, criterion=criterion).first()
    responses_save(assessment=Assessment.objects.get(pk=assessment.pk), user=user, answers=[
        AnswerInput(criterion_id=criterion.pk, base_edit_count=current.edit_count if current else 0, score=4,
                    justification=text, evidence="", not_applicable=False, dont_know=False)])


def test_the_report_page_revalidates_with_304_and_no_body(client, world):
    answer_all(world.assessment)
    client.force_login(world.focal)
    url = reverse("report", args=[world.assessment.pk])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    assert directives(first) == {"private", "no-cache"}
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and directives(again) == {"private", "no-cache"}


def test_after_a_save_the_same_etag_gets_the_new_report(client, world):
    answer_all(world.assessment)
    client.force_login(world.focal)
    url = reverse("report", args=[world.assessment.pk])
    first = client.get(url)
    save_one(world.assessment, world.focal, "A brand-new justification")
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert "A brand-new justification" in after.content.decode()
    assert "A brand-new justification" not in first.content.decode()


def test_another_person_or_language_or_session_never_matches(client, world):
    answer_all(world.assessment)
    url = reverse("report", args=[world.assessment.pk])
    client.force_login(world.focal)
    focal_tag = client.get(url)["ETag"]
    in_french = client.get(url, HTTP_IF_NONE_MATCH=focal_tag, HTTP_ACCEPT_LANGUAGE="fr")
    assert in_french.status_code == 200 and in_french["ETag"] != focal_tag
    client.force_login(world.viewer)  # same browser, another person (and session)
    viewer = client.get(url, HTTP_IF_NONE_MATCH=focal_tag)
    assert viewer.status_code == 200 and viewer["ETag"] != focal_tag
    client.force_login(world.focal)  # the same person signed in again: a new session, a new CSRF secret
    assert client.get(url, HTTP_IF_NONE_MATCH=focal_tag).status_code == 200


def test_no_etag_while_messages_wait(rf, world):
    """A 304 would show the browser's old copy and hide the message: such a page is not revalidated."""
    from django.contrib.sessions.backends.db import SessionStore

    from assessments.conditional import page_etag

    request = rf.get("/")
    request.user, request.session = world.focal, SessionStore()
    request._messages = FallbackStorage(request)
    assert page_etag(request, "report", 1) is not None
    request._messages.add(constants.SUCCESS, "Saved.")
    assert page_etag(request, "report", 1) is None
    assert len(get_messages(request)) == 1  # still waiting: looking did not use it up


def test_a_report_shown_with_a_message_is_neither_tagged_nor_stored(client, world):
    from tests.page_forms import form_data

    client.force_login(world.focal)
    page = client.get(reverse("questionnaire", args=[world.assessment.pk, 1]))
    data = form_data(page.content.decode())
    code = sorted(k for k in data if k.endswith("-answer"))[0]
    data[code] = "2"
    assert client.post(reverse("questionnaire", args=[world.assessment.pk, 1]), data).status_code == 302
    report = client.get(reverse("report", args=[world.assessment.pk]))  # the "Saved" message shows here
    assert "Saved RT1" in report.content.decode()
    assert "ETag" not in report and "no-store" in directives(report)
    assert "ETag" in client.get(reverse("report", args=[world.assessment.pk]))  # shown once: tagged again


@pytest.mark.parametrize("kind", ["full", "brief", "docx"])
def test_a_document_revalidates_and_a_new_revision_does_not_match(client, world, kind):
    client.force_login(world.focal)
    url = reverse("document_download", args=[world.assessment.pk, kind, "en"])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert directives(first) == {"private", "no-cache"}
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and directives(again) == {"private", "no-cache"}
    save_one(world.assessment, world.focal, "changed")
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code in (200, 302)  # the new revision's file, or its "being prepared" page
    if after.status_code == 200:
        assert after["ETag"] != first["ETag"]
    client.force_login(world.viewer)
    other = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code != 304


def test_other_pages_stay_no_store(client, world):
    client.force_login(world.focal)
    for url in (reverse("assessment_detail", args=[world.assessment.pk]),
                reverse("questionnaire", args=[world.assessment.pk, 1]),
                reverse("report_csv", args=[world.assessment.pk])):
        response = client.get(url)
        assert response.status_code == 200 and {"private", "no-store"} <= directives(response), url
        assert "ETag" not in response, url
