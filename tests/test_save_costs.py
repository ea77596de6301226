"""A save costs the same number of queries whatever the number of changed answers (issue 19), and still writes
every answer, its history row (with the person) and one revision bump."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment, Criterion, Response
from assessments.workflow import AnswerInput, responses_save
from tests.factories import make_assessment, make_framework, make_government, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def eighteen():
    framework = make_framework(status="published", round_tables=1, themes_per_round_table=3, criteria_per_theme=6)
    government = make_government("Gammaland", "XGG")
    user = make_user("writer", government=government, role="contributor")
    assessment = make_assessment(government=government, framework=framework)
    criteria = list(Criterion.objects.filter(version=framework).order_by("code"))
    assert len(criteria) == 18
    return assessment, user, criteria


def save(assessment, user, criteria, score, base=0):
    answers = [AnswerInput(criterion_id=c.pk, base_edit_count=base, score=score, justification=f"j{score}")
               for c in criteria]
    with CaptureQueriesContext(connection) as captured:
        written = responses_save(assessment=assessment, user=user, answers=answers)
    assert written == len(criteria)
    return len(captured.captured_queries)


def test_new_answers_cost_the_same_for_1_and_18(eighteen):
    assessment, user, criteria = eighteen
    one = save(assessment, user, criteria[:1], 1)
    eighteen_ = save(assessment, user, criteria[1:], 1)
    print("queries per save:", one, eighteen_)
    assert one == eighteen_, (one, eighteen_)
    assert Response.objects.filter(assessment=assessment, score=1).count() == 18


def test_changed_answers_cost_the_same_for_1_and_18(eighteen):
    assessment, user, criteria = eighteen
    save(assessment, user, criteria, 1)
    one = save(assessment, user, criteria[:1], 2, base=1)
    eighteen_ = save(assessment, user, criteria[1:], 3, base=1)
    print("queries per save:", one, eighteen_)
    assert one == eighteen_, (one, eighteen_)
    responses = Response.objects.filter(assessment=assessment).order_by("criterion__code")
    assert [r.score for r in responses] == [2] + [3] * 17
    assert all(r.edit_count == 2 and r.updated_by == user for r in responses)
    # One history row per write, with the person, the values and the time of the save.
    history = Response.history.filter(assessment_id=assessment.pk, criterion_id=criteria[5].pk).order_by("history_date")
    assert [(h.score, h.justification, h.history_user_id, h.history_type) for h in history] == [
        (1, "j1", user.pk, "+"), (3, "j3", user.pk, "~")]
    assert Assessment.objects.get(pk=assessment.pk).revision == 3
    assert responses[0].updated_at > history.first().history_date


def test_a_bad_answer_among_many_saves_nothing(eighteen):
    assessment, user, criteria = eighteen
    answers = [AnswerInput(criterion_id=c.pk, base_edit_count=0, score=2) for c in criteria[:17]]
    answers.append(AnswerInput(criterion_id=criteria[17].pk, base_edit_count=0, score=9))
    with pytest.raises(ValidationError):
        responses_save(assessment=assessment, user=user, answers=answers)
    assert not Response.objects.filter(assessment=assessment).exists()
    both = [AnswerInput(criterion_id=criteria[0].pk, base_edit_count=0, score=2, dont_know=True)]
    with pytest.raises(ValidationError):
        responses_save(assessment=assessment, user=user, answers=both)
    assert Assessment.objects.get(pk=assessment.pk).revision == 0
