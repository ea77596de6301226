"""The workflow cannot be fooled: preconditions are checked under the assessment's row lock (issue 10).

The race tests run threads against a real PostgreSQL database (SQLite serialises
every write, so it cannot show the race). Where the unchanged code would need
luck to lose, a pause inside the completeness check widens the window so the
outcome is the same on every run.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from assessments import workflow
from assessments.models import Assessment
from assessments.workflow import (
    AnswerInput,
    AssessmentError,
    AssessmentIncomplete,
    NotAllowed,
    assessment_approve,
    assessment_submit,
    responses_save,
)
from tests.factories import answer_all, make_assessment, make_user

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and concurrent transactions need PostgreSQL; SQLite serialises every write",
)
threaded = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_in_threads(*jobs, timeout: float = 30) -> list:
    """Run each job in its own thread (own database connection); return its result or the exception it raised."""
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job()
        except BaseException as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread is stuck (deadlock?)"
    return results


def clear_first_answer(assessment, user):
    response = assessment.responses.order_by("criterion__code").first()
    return responses_save(
        assessment=assessment, user=user,
        answers=[AnswerInput(criterion_id=response.criterion_id, base_edit_count=response.edit_count)],
    )


def assert_never_incomplete(assessment, *statuses):
    assessment.refresh_from_db()
    if assessment.status in statuses:
        assert workflow.unanswered_criteria(assessment) == [], f"{assessment.status} with unanswered criteria"


@pytest.fixture
def approver(world):
    """A second focal point, so that approving is not refused by the four-eyes rule."""
    return make_user("approver", government=world.government, role="focal_point")


# --- On any database ------------------------------------------------------------------------


@pytest.mark.django_db
def test_approve_refuses_a_submitted_assessment_whose_answer_was_cleared(world, approver):
    answer_all(world.assessment)
    assessment_submit(assessment=world.assessment, user=world.focal)
    clear_first_answer(world.assessment, world.focal)  # the focal point may still edit a submitted assessment
    with pytest.raises(AssessmentIncomplete, match="1 criteria are still unanswered: RT1.01"):
        assessment_approve(assessment=world.assessment, user=approver)
    world.assessment.refresh_from_db()
    assert world.assessment.status == "submitted"


@pytest.mark.django_db
def test_approve_view_refuses_an_incomplete_assessment_with_the_missing_list(client, world, approver):
    answer_all(world.assessment)
    assessment_submit(assessment=world.assessment, user=world.focal)
    clear_first_answer(world.assessment, world.focal)
    client.force_login(approver)
    response = client.post(reverse("assessment_approve", args=[world.assessment.pk]), follow=True)
    assert "Not approved: 1 criteria are still unanswered: RT1.01" in response.content.decode()
    world.assessment.refresh_from_db()
    assert world.assessment.status == "submitted"


@pytest.mark.django_db
def test_submit_checks_the_status_it_locked_not_the_copy_it_was_given(world):
    """A stale copy (an old page) still says draft; the locked row decides."""
    answer_all(world.assessment)
    stale = Assessment.objects.get(pk=world.assessment.pk)
    assessment_submit(assessment=world.assessment, user=world.focal)
    with pytest.raises(AssessmentError, match="is submitted, not draft"):
        assessment_submit(assessment=stale, user=world.focal)


# --- Races on PostgreSQL --------------------------------------------------------------------


def pause_after_completeness_check(monkeypatch, checked: threading.Event, cleared: threading.Event):
    """Hold the writer right after it counted the answers, until the other thread's save is done (or 1.5 s)."""
    original = workflow.unanswered_criteria

    def paused(assessment):
        missing = original(assessment)
        checked.set()
        cleared.wait(1.5)
        return missing

    monkeypatch.setattr(workflow, "unanswered_criteria", paused)


@postgres_only
@threaded
def test_a_contributor_clearing_an_answer_while_the_focal_point_submits_never_leaves_it_incomplete(world, monkeypatch):
    answer_all(world.assessment)
    checked, cleared = threading.Event(), threading.Event()
    pause_after_completeness_check(monkeypatch, checked, cleared)

    def clear():
        checked.wait(5)
        try:
            return clear_first_answer(world.assessment, world.contributor)
        finally:
            cleared.set()

    submitted, saved = run_in_threads(lambda: assessment_submit(assessment=world.assessment, user=world.focal), clear)
    assert_never_incomplete(world.assessment, "submitted", "approved")
    # One of the two wins cleanly: submitted and the clear refused, or the clear saved and submit refused.
    assert isinstance(saved, NotAllowed) or isinstance(submitted, AssessmentIncomplete), (submitted, saved)


@postgres_only
@threaded
def test_clearing_an_answer_while_another_focal_point_approves_never_approves_it_incomplete(world, approver):
    for trial in range(8):
        assessment = make_assessment(government=world.government, framework=world.framework, cycle=f"20{30 + trial}")
        answer_all(assessment)
        assessment_submit(assessment=assessment, user=world.focal)
        start = threading.Barrier(2)

        def approve(assessment=assessment, start=start):
            start.wait(5)
            return assessment_approve(assessment=assessment, user=approver)

        def clear(assessment=assessment, start=start):
            start.wait(5)
            return clear_first_answer(assessment, world.focal)

        approved, saved = run_in_threads(approve, clear)
        # The focal point may still edit a submitted assessment, so it may stay submitted and incomplete;
        # what must never happen is an approval with an unanswered criterion.
        assert_never_incomplete(assessment, "approved")
        assert isinstance(saved, NotAllowed) or isinstance(approved, AssessmentIncomplete), (trial, approved, saved)


@postgres_only
@threaded
def test_a_double_click_on_start_gives_one_assessment_and_a_message_never_a_500(world, monkeypatch):
    """Both requests pass the "already exists?" check before either inserts, unless the start is serialised."""
    both_checked = threading.Barrier(2)
    original = workflow.current_framework

    def in_step():
        try:
            both_checked.wait(1.5)
        except threading.BrokenBarrierError:
            pass  # the other request waits on a lock: it will see this one's assessment
        return original()

    monkeypatch.setattr(workflow, "current_framework", in_step)
    prefix = f"g{world.government.pk}"
    url = reverse("assessment_start", args=[world.government.pk])

    def click():
        client = Client()
        client.force_login(world.focal)
        response = client.post(url, {f"{prefix}-cycle": "2030", f"{prefix}-is_origin": "on"}, follow=True)
        return response.status_code, response.content.decode()

    results = run_in_threads(click, click)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert [status for status, _ in results] == [200, 200]
    assert Assessment.objects.filter(government=world.government, cycle="2030").count() == 1
    pages = [page for _, page in results]
    assert sum("Started the assessment Alphaland 2030" in page for page in pages) == 1
    assert sum("Alphaland already has an assessment for the cycle 2030" in page for page in pages) == 1


@pytest.mark.django_db
def test_a_start_that_loses_to_the_unique_constraint_answers_with_a_message(world, monkeypatch):
    """Where rows are not locked (SQLite), another start may insert between the check and the insert."""
    original = Assessment.full_clean

    def competitor_first(self, *args, **kwargs):
        if not Assessment.objects.filter(government=self.government, cycle=self.cycle).exists():
            Assessment.objects.create(government=self.government, framework_version=self.framework_version,
                                      cycle=self.cycle)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Assessment, "full_clean", competitor_first)
    with pytest.raises(AssessmentError, match="Alphaland already has an assessment for the cycle 2030"):
        workflow.assessment_start(government=world.government, user=world.focal, cycle="2030")
    # (The competitor's row was written in this same test transaction, so it is rolled back with it.)
