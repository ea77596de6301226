"""The plan in the report's documents: the page, the full PDF, the rows the brief and the Word file use,
and a report built in a fixed number of queries however large the plan (issue 17)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment, Criterion, Response
from assessments.plan_report import plan_rows
from assessments.plans import ActionInput, action_add, progress_note_add
from assessments.reports import build_report
from tests.test_reports import pdf_text
from tests.factories import make_assessment, make_framework, make_government, make_user

pytestmark = pytest.mark.django_db


def answer(assessment, code, level):
    c = Criterion.objects.get(version=assessment.framework_version, code=code)
    Response.objects.create(assessment=assessment, criterion=c, score=level, justification="j")


def add(assessment, user, code, text, **extra):
    c = Criterion.objects.get(version=assessment.framework_version, code=code)
    values = dict(criterion_id=c.pk, target_level=3, target_date=date(2027, 6, 30), text=text,
                  lead_institution="Ministry of Labour", partners="IOM", indicator="Decree published")
    return action_add(assessment=assessment, user=user, data=ActionInput(**{**values, **extra}))


@pytest.fixture
def planned(world):
    # Priority gaps: RT1.01 (level 0, priority 8), RT2.02 (level 1, priority 6); RT1.02 at 4 has none.
    answer(world.assessment, "RT1.01", 0)
    answer(world.assessment, "RT2.02", 1)
    answer(world.assessment, "RT1.02", 4)
    action = add(world.assessment, world.contributor, "RT2.02", "Open a service centre for returnees")
    progress_note_add(action=action, user=world.contributor, text="Premises found", on=date(2026, 2, 1))
    return world


def test_plan_rows_for_the_brief_say_which_priority_gap_has_no_action(planned):
    report = build_report(planned.assessment)
    rows = plan_rows(report, priority_only=True)
    assert [(r.code, r.priority, r.action.text if r.action else None) for r in rows] == [
        ("RT1.01", 8, None), ("RT2.02", 6, "Open a service centre for returnees")]
    assert [(r.code, r.action.lead_institution, r.action.notes[0].text) for r in plan_rows(report)] == [
        ("RT2.02", "Ministry of Labour", "Premises found")]


def test_the_report_page_shows_the_plan_and_the_gaps_without_an_action(client, planned):
    client.force_login(planned.viewer)
    url = f"/assessments/{planned.assessment.pk}/report/"
    page = client.get(url).content.decode()
    section = page[page.index('id="plan"'):]
    assert "Open a service centre for returnees" in section and "Premises found" in section
    unplanned = section[section.index("without a planned action"):section.index("Actions in the plan")]
    assert "RT1.01" in unplanned and "RT2.02" not in unplanned
    # The page is cached per revision: a new action shows at once.
    add(planned.assessment, planned.focal, "RT1.01", "Draft a labour migration law")
    page = client.get(url).content.decode()
    assert "Draft a labour migration law" in page and "Every priority gap has a planned action." in page


def test_the_full_pdf_shows_the_whole_plan(client, planned):
    add(planned.assessment, planned.focal, "RT2.04", "Train consular staff")  # not a priority gap
    client.force_login(planned.focal)
    response = client.get(f"/assessments/{planned.assessment.pk}/report.pdf")
    text = pdf_text(b"".join(response.streaming_content))
    plan = text[text.rindex("Action plan Priority gaps"):]
    assert "Open a service centre for returnees" in plan and "Train consular staff" in plan
    assert "Priority gaps without a planned action" in plan and "RT1.01" in plan
    assert "Ministry of Labour; IOM" in plan


def test_a_previous_plan_is_reviewed_in_the_page(client, world):
    previous = make_assessment(government=world.government, framework=world.framework, cycle="2024")
    add(previous, world.focal, "RT1.01", "Adopt the decree", target_level=2, target_date=date(2021, 1, 1),
        status="done")
    Assessment.objects.filter(pk=previous.pk).update(status="approved")
    answer(world.assessment, "RT1.01", 2)
    client.force_login(world.viewer)
    page = client.get(f"/assessments/{world.assessment.pk}/report/").content.decode()
    review = page[page.index("Plan review: the 2024 plan"):]
    assert "1 reviewed: 1 done, 1 reached their target level" in review


def test_build_report_query_count_does_not_grow_with_the_plan(db):
    counts = []
    for size in (1, 4):
        framework = make_framework(status="published", criteria_per_theme=size)
        government = make_government()
        user = make_user(f"focal{size}", government=government, role="focal_point")
        previous = make_assessment(government=government, framework=framework, cycle="2024")
        current = make_assessment(government=government, framework=framework, cycle="2026")
        for assessment in (previous, current):
            for c in framework.criteria.all():
                answer(assessment, c.code, 1)
                action = add(assessment, user, c.code, f"Act on {c.code}")
                progress_note_add(action=action, user=user, text="Going well")
        Assessment.objects.filter(pk=previous.pk).update(status="approved")
        current = Assessment.objects.select_related("government", "framework_version").get(pk=current.pk)
        with CaptureQueriesContext(connection) as queries:
            report = build_report(current)
        assert len(report.plan.actions) == 4 * size and report.plan.review.actions == 4 * size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_brief_and_the_word_file_show_each_priority_gaps_planned_action_or_none(planned):
    import io

    from docx import Document

    from assessments.docx import render_docx
    from assessments.pdf import render_brief_pdf

    report = build_report(planned.assessment)
    text = pdf_text(render_brief_pdf(report))
    gaps = text[text.index("The ten priority gaps"):]
    assert "Planned: Open a service centre for returnees — target level 3 by 30 June 2027" in gaps
    assert gaps.index("RT1.01") < gaps.index("Planned: no action is planned yet.") < gaps.index("RT2.02")
    word = "\n".join(p.text for p in Document(io.BytesIO(render_docx(report))).paragraphs)
    assert "Planned: Open a service centre for returnees — target level 3 by 30 June 2027" in word
    assert "Planned: no action is planned yet." in word
