"""Workflow mail: sent after the commit, says what happened, links to the assessment, never a 500 (issue 10)."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse

from assessments.models import Assessment, Government
from assessments.workflow import assessment_approve, assessment_return, assessment_submit
from tests.factories import answer_all, make_user

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def approver(world):
    return make_user("approver", government=world.government, role="focal_point", email="approver@example.org")


@pytest.fixture
def submitted(world, django_capture_on_commit_callbacks):
    answer_all(world.assessment)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=world.assessment, user=world.focal)
    return world.assessment


def detail_url(assessment, site="http://127.0.0.1:8000"):
    return site + reverse("assessment_detail", args=[assessment.pk])


def test_submit_mail_says_submitted_and_links_to_the_assessment(world, submitted):
    assert sorted(m.to[0] for m in mail.outbox) == [
        "contributor@example.org", "focal@example.org", "viewer@example.org"
    ]
    message = mail.outbox[0]
    assert message.subject == "HLD Assess: Alphaland 2026 submitted for approval"
    assert detail_url(submitted) in message.body
    assert "focal" in message.body


def test_return_mail_says_returned_with_a_comment_and_includes_it(world, submitted, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(assessment=submitted, user=world.focal, comment="Check the RT2 evidence")
    message = mail.outbox[0]
    assert message.subject == "HLD Assess: Alphaland 2026 returned to draft with a comment"
    assert "Check the RT2 evidence" in message.body
    assert detail_url(submitted) in message.body


def test_approve_mail_says_approved(world, submitted, approver, django_capture_on_commit_callbacks, settings):
    settings.HLD_SITE_URL = "https://assess.example.org/"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_approve(assessment=submitted, user=approver)
    assert {m.subject for m in mail.outbox} == {"HLD Assess: Alphaland 2026 approved"}
    assert detail_url(submitted, "https://assess.example.org") in mail.outbox[0].body


def test_no_mail_is_sent_when_the_transition_rolls_back(world, django_capture_on_commit_callbacks):
    answer_all(world.assessment)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                assessment_submit(assessment=world.assessment, user=world.focal)
                raise RuntimeError("a later step failed")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert Assessment.objects.get(pk=world.assessment.pk).status == "draft"


def test_a_failing_mail_server_is_logged_and_the_transition_stands(client, world, settings, caplog,
                                                                   django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.test_notifications.FailingBackend"
    answer_all(world.assessment)
    client.force_login(world.focal)
    with caplog.at_level(logging.ERROR, logger="assessments.notifications"),\
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment_submit", args=[world.assessment.pk]))
    assert response.status_code == 302
    assert Assessment.objects.get(pk=world.assessment.pk).status == "submitted"
    assert any("not sent" in record.getMessage() for record in caplog.records)


def test_a_line_break_in_the_government_name_does_not_break_the_mail_header(world, django_capture_on_commit_callbacks):
    Government.objects.filter(pk=world.government.pk).update(name="Alpha\nland")
    answer_all(world.assessment)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=Assessment.objects.get(pk=world.assessment.pk), user=world.focal)
    assert mail.outbox[0].subject == "HLD Assess: Alpha land 2026 submitted for approval"
