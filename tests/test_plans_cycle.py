"""The plan across cycles: proposed gaps in the report's order, carry-over (also across framework versions,
a split criterion's action following both parts) and the plan review's numbers, worked out by hand."""

from datetime import date

import pytest

from assessments import plan_review
from assessments.models import Assessment, Criterion, Response
from assessments.plans import ActionInput, action_add, action_update
from assessments.reports import build_report
from assessments.versioning import framework_copy, framework_publish
from assessments.workflow import assessment_start
from tests.factories import make_assessment, make_criterion

# --- Pure rules ----------------------------------------------------------------------------------


def item(status, target=date(2025, 6, 30), completed=None, level=None, target_level=3):
    return plan_review.ReviewInput("RT1.01", "RT1.01", "x", target_level, target, status, status, completed, level)


@pytest.mark.parametrize("status, completed, expected", [
    ("done", date(2025, 6, 30), "on time"),  # done on the target date itself
    ("done", date(2025, 7, 1), "late"),
    ("planned", None, "late"),  # still open after the target date
    ("in_progress", None, "late"),
    ("dropped", None, "—"),
])
def test_timing_against_the_target_date(status, completed, expected):
    assert plan_review.timing(item(status, completed=completed), today=date(2026, 1, 1)) == expected


def test_an_open_action_before_its_target_date_is_not_yet_due():
    assert plan_review.timing(item("planned"), today=date(2025, 6, 30)) == "not yet due"


def test_reached_compares_the_level_now_with_the_target():
    result = plan_review.review("2024", [item("done", level=3), item("done", level=2), item("done", level=None)],
                                today=date(2026, 1, 1))
    assert [row.reached for row in result.rows] == [True, False, None]
    assert (result.actions, result.reached) == (3, 1)


# --- In the database ------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def answer(assessment, code, level):
    c = Criterion.objects.get(version=assessment.framework_version, code=code)
    Response.objects.create(assessment=assessment, criterion=c, score=level, justification="j")


def add(assessment, user, code, *, target_level, target_date, text, status="planned", **extra):
    c = Criterion.objects.get(version=assessment.framework_version, code=code)
    return action_add(assessment=assessment, user=user, data=ActionInput(
        criterion_id=c.pk, target_level=target_level, target_date=target_date, text=text,
        lead_institution="Ministry of Labour", indicator="Published", status=status, **extra))


@pytest.mark.django_db
def test_the_plan_page_proposes_the_priority_gaps_in_the_reports_order(client, world):
    # weight 2 everywhere: RT1.01 at 0 → priority 8; RT2.03 at 1 → 6; RT1.02 at 3 → 2; RT2.01 at 4 → no gap.
    for code, level in [("RT1.02", 3), ("RT2.01", 4), ("RT1.01", 0), ("RT2.03", 1)]:
        answer(world.assessment, code, level)
    add(world.assessment, world.focal, "RT2.03", target_level=3, target_date=date(2027, 1, 1), text="Second gap action")
    add(world.assessment, world.focal, "RT2.04", target_level=2, target_date=date(2027, 1, 1), text="Beyond the gaps")
    report = build_report(world.assessment)
    assert [g.code for g in report.priority_gaps] == ["RT1.01", "RT2.03", "RT1.02"]
    assert [g.code for g in report.plan.unplanned_gaps] == ["RT1.01", "RT1.02"]
    assert [a.code for a in report.plan.actions] == ["RT2.03", "RT2.04"]  # priority gaps first
    client.force_login(world.contributor)
    page = client.get(f"/assessments/{world.assessment.pk}/plan/").content.decode()
    positions = [page.index(f"Add an action for {code}") for code in ["RT1.01", "RT2.03", "RT1.02"]]
    assert positions == sorted(positions)
    assert page.index("Second gap action") < page.index("Add an action for RT2.03")
    assert page.index("Beyond the gaps") > page.index("Other actions in the plan")


@pytest.mark.django_db
def test_the_next_assessment_carries_the_plan_across_a_framework_revision_and_reviews_it(world):
    original = world.framework
    Assessment.objects.filter(pk=world.assessment.pk).delete()
    previous = make_assessment(government=world.government, framework=original, cycle="2024")
    add(previous, world.focal, "RT1.01", target_level=3, target_date=date(2021, 6, 30), text="A1", status="done",
             completed_on=date(2021, 5, 1))  # done before its target date
    a2 = add(previous, world.focal, "RT1.02", target_level=2, target_date=date(2021, 12, 31), text="A2",
             status="in_progress", recommended_action_id=Criterion.objects.get(version=original, code="RT1.02")
             .recommended_actions.get().pk)
    add(previous, world.focal, "RT1.03", target_level=2, target_date=date(2099, 1, 31), text="A3")
    add(previous, world.focal, "RT2.01", target_level=4, target_date=date(2099, 1, 1), text="A4", status="dropped",
        drop_reason="No budget")
    add(previous, world.focal, "RT2.02", target_level=3, target_date=date(2021, 3, 1), text="A5", status="done",
             completed_on=date(2021, 4, 10))  # done after it
    Assessment.objects.filter(pk=previous.pk).update(status="approved")

    # The revision: RT1.02 split into RT1.02 and RT1.05; RT1.03 removed.
    revision = framework_copy(version=original, code="rev", name="Revision")
    Criterion.objects.get(version=revision, code="RT1.03").delete()
    parent = Criterion.objects.get(version=revision, code="RT1.02")
    split = make_criterion(theme=parent.theme, code="RT1.05", key_elements=parent.key_elements.all())
    Criterion.objects.filter(pk=split.pk).update(copied_from=parent.copied_from)
    framework_publish(version=revision)

    current = assessment_start(government=world.government, user=world.focal, cycle="2028")
    assert current.framework_version == revision
    carried = list(current.actions.select_related("criterion", "recommended_action").order_by("criterion__code"))
    # Only A2 is open and still has descendants: it follows both parts of its split criterion.
    assert [(a.criterion.code, a.text, a.status, a.carried_from_id) for a in carried] == [
        ("RT1.02", "A2", "in_progress", a2.pk), ("RT1.05", "A2", "in_progress", a2.pk)]
    assert carried[0].recommended_action.criterion == parent  # the same recommended action in the revision
    assert carried[1].recommended_action is None  # RT1.05 has no such recommended action: the text is kept
    assert "Carried over from the 2024 plan" in carried[0].history.get().history_change_reason

    for code, level in [("RT1.01", 3), ("RT1.02", 2), ("RT1.05", 1), ("RT2.01", 2)]:
        answer(current, code, level)
    action_update(action=carried[0], user=world.contributor, data=ActionInput(
        criterion_id=carried[0].criterion_id, target_level=2, target_date=date(2021, 12, 31), text="A2",
        lead_institution="Ministry of Labour", indicator="Published", status="done"))

    review = build_report(current).plan.review
    assert review.previous_cycle == "2024"
    assert [(r.item.previous_code, r.item.current_code, r.item.target_level, r.item.level_now, r.reached, r.timing,
             r.done) for r in review.rows] == [
        ("RT1.01", "RT1.01", 3, 3, True, "on time", True),  # done 1 May 2021, due 30 June 2021
        ("RT1.02", "RT1.02", 2, 2, True, "late", True),  # its copy was done now, after 31 December 2021
        ("RT1.02", "RT1.05", 2, 1, False, "late", False),  # the other part is still in progress, past its date
        ("RT1.03", "", 2, None, None, "not yet due", False),  # removed from the framework, due 2099
        ("RT2.01", "RT2.01", 4, 2, False, "—", False),  # dropped
        ("RT2.02", "RT2.02", 3, None, None, "late", True),  # done 10 April 2021, due 1 March; not scored now
    ]
    assert (review.actions, review.done, review.reached, review.on_time, review.late) == (6, 3, 2, 1, 3)


@pytest.mark.django_db
def test_on_the_same_framework_open_actions_are_carried_and_nothing_without_an_earlier_plan(world):
    Assessment.objects.filter(pk=world.assessment.pk).delete()
    first = assessment_start(government=world.government, user=world.focal, cycle="2024")
    assert not first.actions.exists() and build_report(first).plan.review is None
    add(first, world.focal, "RT1.01", target_level=3, target_date=date(2027, 1, 1), text="Keep going")
    add(first, world.focal, "RT1.02", target_level=3, target_date=date(2027, 1, 1), text="Finished", status="done")
    Assessment.objects.filter(pk=first.pk).update(status="approved")
    second = assessment_start(government=world.government, user=world.focal, cycle="2026")
    assert [(a.criterion.code, a.text) for a in second.actions.all()] == [("RT1.01", "Keep going")]
    other = assessment_start(government=world.other_government, user=world.outsider, cycle="2026")
    assert not other.actions.exists()  # another government's plan is never carried in
