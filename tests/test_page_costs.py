"""What a page costs in queries (issue 19): the person's access in one query, progress once per revision,
the criterion history's index. Speed targets are in `make bench`, not here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.access import access_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_access_of_a_person_is_one_query(world, django_assert_num_queries):
    world.focal.groups.add(*world.secretariat.groups.all())  # a focal point who is also the secretariat
    make_user("twice", government=world.other_government, role="viewer")
    with django_assert_num_queries(1):
        access = access_of(world.focal)
    assert access.secretariat is True
    assert {g: m.role for g, m in access.memberships.items()} == {world.government.pk: "focal_point"}
    with django_assert_num_queries(0):
        assert access_of(world.focal) is access  # once per request
    viewer = access_of(world.viewer)
    assert viewer.secretariat is False and viewer.memberships[world.government.pk].role == "viewer"
    secretariat = access_of(world.secretariat)
    assert secretariat.secretariat is True and secretariat.memberships == {}


@pytest.mark.parametrize("page", ["questionnaire", "report"])
def test_a_cached_page_asks_once_about_the_person(client, world, page):
    client.force_login(world.contributor)
    url = (reverse("questionnaire", args=[world.assessment.pk, 1]) if page == "questionnaire"
           else reverse("report", args=[world.assessment.pk]))
    queries_of(client, url)  # fills the cache
    sql = queries_of(client, url)
    membership_reads = [q for q in sql if 'FROM "assessments_membership"' in q or 'JOIN "assessments_membership"' in q]
    # (Django's permission check, for the admin link of the page frame, is a query of its own: not counted here.)
    group_reads = [q for q in sql if '"auth_user_groups"' in q and '"auth_permission"' not in q]
    assert len(membership_reads) <= 1, membership_reads
    assert len(group_reads) <= 1, "\n".join(group_reads)
    print(page, len(sql), "queries")


def test_the_criterion_history_has_its_composite_index():
    from assessments.models import Response

    table = Response.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert any(
        c["index"] and c["columns"][:3] == ["assessment_id", "criterion_id", "history_date"] for c in constraints.values()
    ), constraints


def test_progress_is_computed_once_per_revision_and_follows_every_save(world, django_assert_num_queries):
    from assessments.models import Assessment, Criterion
    from assessments.progress import cached_progress
    from assessments.workflow import AnswerInput, responses_save

    assessment = world.assessment
    assert cached_progress(assessment).answered == 0
    with django_assert_num_queries(0):
        assert cached_progress(assessment).answered == 0
    criterion = Criterion.objects.filter(version=world.framework).order_by("code").first()
    responses_save(assessment=assessment, user=world.focal,
                   answers=[AnswerInput(criterion_id=criterion.pk, base_edit_count=0, score=3)])
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert cached_progress(assessment).answered == 1


def test_the_questionnaire_shows_the_progress_after_a_save_and_after_a_transition(client, world):
    from assessments.models import Assessment, Criterion
    from assessments.workflow import AnswerInput, responses_save

    client.force_login(world.contributor)
    url = reverse("questionnaire", args=[world.assessment.pk, 1])
    total = Criterion.objects.filter(version=world.framework).count()
    assert f"0 of {total}" in client.get(url).content.decode()
    answers = [AnswerInput(criterion_id=c.pk, base_edit_count=0, score=2)
               for c in Criterion.objects.filter(version=world.framework)]
    responses_save(assessment=world.assessment, user=world.contributor, answers=answers)
    page = client.get(url).content.decode()
    assert f"{total} of {total}" in page
    assert "does not allow changes" not in page
    # A status change (submit) bumps the revision too: the contributor can no longer edit, from a fresh render.
    from assessments.workflow import assessment_submit

    assessment_submit(assessment=Assessment.objects.get(pk=world.assessment.pk), user=world.focal)
    response = client.get(url)
    page = response.content.decode()
    assert "does not allow changes" in page and f"{total} of {total}" in page


def test_a_save_on_one_round_table_leaves_the_others_cached_and_renews_its_own(client, world):
    from assessments.models import Criterion
    from assessments.workflow import AnswerInput, responses_save

    client.force_login(world.contributor)
    first, second = (reverse("questionnaire", args=[world.assessment.pk, n]) for n in (1, 2))
    client.get(first), client.get(second)  # both cached
    criterion = Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code")[0]
    responses_save(assessment=world.assessment, user=world.focal,
                   answers=[AnswerInput(criterion_id=criterion.pk, base_edit_count=0, score=4,
                                        justification="Written on round table one")])
    # Round table 2 is still served from the cache: its criteria (statements) are not read for its cards.
    # (The progress is counted again: the assessment's revision changed.)
    sql = queries_of(client, second)
    assert not [q for q in sql if '"assessments_criterion"."statement"' in q], sql
    assert [q for q in queries_of(client, first) if '"assessments_criterion"."statement"' not in q]
    # Round table 1 shows the new answer at once.
    assert "Written on round table one" in client.get(first).content.decode()
