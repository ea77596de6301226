"""The record keeps every transition: start, submit, return (with its comment), approve, delete (issue 10)."""


import pytest
from django.urls import reverse

from assessments import models
from assessments.workflow import assessment_approve, assessment_return, assessment_start, assessment_submit
from tests.test_reports import pdf_text
from tests.factories import answer_all, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(world):
    return make_user("approver", government=world.government, role="focal_point")


def events(assessment):
    return list(models.AssessmentEvent.objects.filter(assessment=assessment).order_by("at", "pk"))


def return_resubmit_approve(client, world, approver):
    """The journey of the issue, through the pages."""
    answer_all(world.assessment)
    client.force_login(world.focal)
    client.post(reverse("assessment_submit", args=[world.assessment.pk]))
    client.post(reverse("assessment_return", args=[world.assessment.pk]), {"comment": "Check the RT2 evidence"})
    client.post(reverse("assessment_submit", args=[world.assessment.pk]))
    client.force_login(approver)
    client.post(reverse("assessment_approve", args=[world.assessment.pk]))
    world.assessment.refresh_from_db()
    assert world.assessment.status == "approved"


def test_every_transition_is_kept_as_a_row_with_who_when_and_comment(world, approver):
    assessment = assessment_start(government=world.government, user=world.focal, cycle="2028")
    answer_all(assessment)
    assessment_submit(assessment=assessment, user=world.focal)
    assessment_return(assessment=assessment, user=world.focal, comment="Check the RT2 evidence")
    assessment_submit(assessment=assessment, user=world.focal)
    assessment_approve(assessment=assessment, user=approver)
    rows = events(assessment)
    assert [(e.action, e.actor, e.comment) for e in rows] == [
        ("start", world.focal, ""),
        ("submit", world.focal, ""),
        ("return", world.focal, "Check the RT2 evidence"),
        ("submit", world.focal, ""),
        ("approve", approver, ""),
    ]
    assert all(e.at is not None for e in rows)
    assert rows == sorted(rows, key=lambda e: e.at)
    # The fields of the assessment still say the latest of each (the questionnaire shows the return comment).
    assessment.refresh_from_db()
    assert (assessment.returned_by, assessment.return_comment, assessment.approved_by) == (
        world.focal, "Check the RT2 evidence", approver)


def test_a_refused_transition_writes_no_row(world):
    with pytest.raises(Exception, match="Only a draft|unanswered"):
        assessment_submit(assessment=world.assessment, user=world.focal)
    assert events(world.assessment) == []


def test_a_row_is_never_overwritten_or_deleted(world):
    answer_all(world.assessment)
    assessment_submit(assessment=world.assessment, user=world.focal)
    event = events(world.assessment)[0]
    event.comment = "rewritten"
    with pytest.raises(models.AssessmentEvent.Immutable):
        event.save()
    with pytest.raises(models.AssessmentEvent.Immutable):
        event.delete()
    assert events(world.assessment)[0].comment == ""


def test_return_resubmit_approve_keeps_the_return_and_its_comment_on_the_overview(client, world, approver):
    return_resubmit_approve(client, world, approver)
    client.force_login(world.viewer)
    page = client.get(reverse("assessment_detail", args=[world.assessment.pk])).content.decode()
    log = page[page.index('id="transition-log"'):]
    assert "Returned to draft" in log
    assert "Check the RT2 evidence" in log
    assert log.count("Submitted") == 2
    assert "Approved" in log and "approver" in log


def test_return_resubmit_approve_keeps_the_return_in_the_report_approval_record(client, world, approver):
    return_resubmit_approve(client, world, approver)
    client.force_login(world.secretariat)
    page = client.get(reverse("report", args=[world.assessment.pk])).content.decode()
    record = page[page.index('id="signoff"'):]
    assert "Returned to draft" in record
    assert "Check the RT2 evidence" in record
    assert record.count("Submitted") >= 2
    pdf = b"".join(client.get(reverse("report_pdf", args=[world.assessment.pk])).streaming_content)
    text = pdf_text(pdf)
    signoff = text[text.rindex("Approval record"):]
    assert "Returned to draft" in signoff
    assert "Check the RT2 evidence" in signoff, signoff


def test_the_log_is_shown_to_every_reader_and_to_nobody_else(client, world):
    answer_all(world.assessment)
    assessment_submit(assessment=world.assessment, user=world.focal)
    url = reverse("assessment_detail", args=[world.assessment.pk])
    for user in (world.viewer, world.contributor, world.focal, world.secretariat):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert 'id="transition-log"' in page and "Submitted" in page, user
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_row_is_written_in_the_transitions_transaction(world, monkeypatch):
    """If anything after the row fails, neither the status change nor the row is kept."""
    from assessments import workflow

    def broken(assessment, event):
        raise RuntimeError("the mail could not even be prepared")

    monkeypatch.setattr(workflow, "notify_transition", broken)
    answer_all(world.assessment)
    with pytest.raises(RuntimeError):
        assessment_submit(assessment=world.assessment, user=world.focal)
    world.assessment.refresh_from_db()
    assert world.assessment.status == "draft"
    assert events(world.assessment) == []
