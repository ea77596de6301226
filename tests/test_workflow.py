import pytest
from django.core import mail

from assessments.models import Assessment, AssessmentLocked, Criterion, Response
from assessments.workflow import (
    AnswerInput,
    AssessmentError,
    AssessmentIncomplete,
    EditConflict,
    NotAllowed,
    assessment_approve,
    assessment_return,
    assessment_start,
    assessment_submit,
    responses_save,
)
from tests.factories import answer_all, make_user

pytestmark = pytest.mark.django_db


def criteria(world):
    return list(Criterion.objects.filter(version=world.framework).order_by("code"))


def test_focal_point_starts_an_assessment_on_the_current_framework(world):
    assessment = assessment_start(government=world.government, user=world.focal, cycle="2028")
    assert assessment.framework_version == world.framework
    assert assessment.status == "draft"
    assert assessment.created_by == world.focal


def test_only_a_focal_point_starts_an_assessment(world):
    with pytest.raises(NotAllowed):
        assessment_start(government=world.government, user=world.contributor, cycle="2028")


def test_one_assessment_per_cycle(world):
    with pytest.raises(AssessmentError, match="already has an assessment for the cycle 2026"):
        assessment_start(government=world.government, user=world.focal, cycle="2026")


def test_criteria_of_another_perspective_start_as_not_applicable(world):
    Criterion.objects.filter(version=world.framework, code="RT1.01").update(perspective="destination")
    assessment = assessment_start(government=world.government, user=world.focal, cycle="2028", is_destination=False)
    response = assessment.responses.get(criterion__code="RT1.01")
    assert response.not_applicable
    assert "country of destination" in response.justification


def test_save_records_answers_and_bumps_the_revision(world):
    first = criteria(world)[0]
    changed = responses_save(
        assessment=world.assessment, user=world.contributor,
        answers=[AnswerInput(criterion_id=first.pk, base_edit_count=0, score=3, evidence="Law 12/2020")],
    )
    assert changed == 1
    response = world.assessment.responses.get(criterion=first)
    assert (response.score, response.evidence, response.updated_by) == (3, "Law 12/2020", world.contributor)
    world.assessment.refresh_from_db()
    assert world.assessment.revision == 1


def test_an_unchanged_page_changes_nothing(world):
    first = criteria(world)[0]
    answer = AnswerInput(criterion_id=first.pk, base_edit_count=0, score=3)
    responses_save(assessment=world.assessment, user=world.contributor, answers=[answer])
    again = AnswerInput(criterion_id=first.pk, base_edit_count=1, score=3)
    assert responses_save(assessment=world.assessment, user=world.contributor, answers=[again]) == 0
    assert Response.history.filter(criterion=first).count() == 1


def test_a_save_over_a_newer_change_is_refused_and_changes_nothing(world):
    first, second = criteria(world)[:2]
    responses_save(assessment=world.assessment, user=world.focal,
                   answers=[AnswerInput(criterion_id=first.pk, base_edit_count=0, score=1)])
    stale = [
        AnswerInput(criterion_id=first.pk, base_edit_count=0, score=4),
        AnswerInput(criterion_id=second.pk, base_edit_count=0, score=2),
    ]
    with pytest.raises(EditConflict) as error:
        responses_save(assessment=world.assessment, user=world.contributor, answers=stale)
    assert [r.criterion_id for r in error.value.conflicts] == [first.pk]
    assert world.assessment.responses.get(criterion=first).score == 1
    assert not world.assessment.responses.filter(criterion=second).exists()


def test_a_criterion_of_another_framework_is_refused(world):
    from tests.factories import make_framework

    stranger = Criterion.objects.filter(version=make_framework()).first()
    with pytest.raises(AssessmentError, match="not part of this assessment"):
        responses_save(assessment=world.assessment, user=world.contributor,
                       answers=[AnswerInput(criterion_id=stranger.pk, base_edit_count=0, score=1)])
    assert not world.assessment.responses.exists()


def test_a_viewer_cannot_save(world):
    with pytest.raises(NotAllowed):
        responses_save(assessment=world.assessment, user=world.viewer,
                       answers=[AnswerInput(criterion_id=criteria(world)[0].pk, base_edit_count=0, score=1)])


def test_submit_refuses_an_incomplete_assessment_and_lists_what_is_missing(world):
    answer_all(world.assessment)
    world.assessment.responses.filter(criterion__code__in=["RT1.02", "RT2.01"]).delete()
    with pytest.raises(AssessmentIncomplete) as error:
        assessment_submit(assessment=world.assessment, user=world.focal)
    assert [c.code for c in error.value.missing] == ["RT1.02", "RT2.01"]
    assert "RT1.02, RT2.01" in str(error.value)
    world.assessment.refresh_from_db()
    assert world.assessment.status == "draft"


def test_not_applicable_and_dont_know_count_as_answered_for_submission(world):
    answer_all(world.assessment)
    world.assessment.responses.filter(criterion__code="RT1.01").update(score=None, not_applicable=True)
    world.assessment.responses.filter(criterion__code="RT1.02").update(score=None, dont_know=True)
    assert assessment_submit(assessment=world.assessment, user=world.focal).status == "submitted"


def test_only_the_focal_point_submits_approves_and_returns(world):
    answer_all(world.assessment)
    for write in (assessment_submit, assessment_approve):
        with pytest.raises(NotAllowed):
            write(assessment=world.assessment, user=world.contributor)
    with pytest.raises(NotAllowed):
        assessment_return(assessment=world.assessment, user=world.contributor, comment="no")


def test_full_workflow_records_who_and_when_and_notifies_members(world, django_capture_on_commit_callbacks):
    answer_all(world.assessment)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = assessment_submit(assessment=world.assessment, user=world.focal)
    assert (submitted.status, submitted.submitted_by) == ("submitted", world.focal)
    assert submitted.submitted_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == [
        "contributor@example.org", "focal@example.org", "viewer@example.org"
    ]
    assert mail.outbox[0].subject.endswith("submitted for approval")
    with django_capture_on_commit_callbacks(execute=True):
        returned = assessment_return(assessment=submitted, user=world.focal, comment="Check RT2 evidence")
    assert (returned.status, returned.return_comment, returned.returned_by) == ("draft", "Check RT2 evidence", world.focal)
    assert "Check RT2 evidence" in mail.outbox[-1].body
    assessment_submit(assessment=returned, user=world.focal)
    approver = make_user("approver", government=world.government, role="focal_point")  # four-eyes: not the submitter
    approved = assessment_approve(assessment=returned, user=approver)
    assert (approved.status, approved.approved_by) == ("approved", approver)
    assert approved.revision == 4


def test_return_needs_a_comment(world):
    answer_all(world.assessment)
    assessment_submit(assessment=world.assessment, user=world.focal)
    with pytest.raises(AssessmentError, match="comment is required"):
        assessment_return(assessment=world.assessment, user=world.focal, comment="  ")


def test_approve_refuses_a_draft(world):
    with pytest.raises(AssessmentError, match="Only a submitted assessment can be approved; this one is draft"):
        assessment_approve(assessment=world.assessment, user=world.focal)


def test_submitted_is_read_only_for_contributors_but_not_the_focal_point(world):
    answer_all(world.assessment)
    assessment_submit(assessment=world.assessment, user=world.focal)
    first = criteria(world)[0]
    base = world.assessment.responses.get(criterion=first).edit_count
    with pytest.raises(NotAllowed):
        responses_save(assessment=world.assessment, user=world.contributor,
                       answers=[AnswerInput(criterion_id=first.pk, base_edit_count=base, score=4)])
    responses_save(assessment=world.assessment, user=world.focal,
                   answers=[AnswerInput(criterion_id=first.pk, base_edit_count=base, score=4)])
    assert world.assessment.responses.get(criterion=first).score == 4


def test_approved_assessment_is_immutable_at_the_model_layer(world):
    answer_all(world.assessment)
    assessment_submit(assessment=world.assessment, user=world.focal)
    approver = make_user("approver", government=world.government, role="focal_point")
    approved = assessment_approve(assessment=world.assessment, user=approver)
    response = approved.responses.first()
    response.score = 0
    with pytest.raises(AssessmentLocked):
        response.save()
    with pytest.raises(AssessmentLocked):
        response.delete()
    approved.cycle = "2030"
    with pytest.raises(AssessmentLocked):
        approved.save()
    with pytest.raises(AssessmentLocked):
        Assessment.objects.get(pk=approved.pk).delete()
    with pytest.raises(NotAllowed):
        responses_save(assessment=approved, user=world.focal,
                       answers=[AnswerInput(criterion_id=response.criterion_id, base_edit_count=0, score=0)])
    assert Response.objects.get(pk=response.pk).score == 2


def test_every_change_is_recorded_in_the_history(world):
    first = criteria(world)[0]
    responses_save(assessment=world.assessment, user=world.contributor,
                   answers=[AnswerInput(criterion_id=first.pk, base_edit_count=0, score=1)])
    responses_save(assessment=world.assessment, user=world.focal,
                   answers=[AnswerInput(criterion_id=first.pk, base_edit_count=1, score=3, evidence="Decree 4")])
    records = list(Response.history.filter(criterion=first).order_by("history_date"))
    assert [(r.score, r.evidence, r.history_user) for r in records] == [
        (1, "", world.contributor),
        (3, "Decree 4", world.focal),
    ]
