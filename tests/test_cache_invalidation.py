"""No stale page after any write (issue 19): the questionnaire cards are cached per round table and the report per
revision; after every write path — a save on the page, each workflow transition, a workbook upload and a framework
publish in the admin — the cached pages show the new state at once."""

import re

import pytest
from django.urls import reverse

from assessments.models import Assessment, Criterion, FrameworkVersion
from tests.factories import answer_all
from tests.page_forms import form_data
from tests.workbook_helpers import client_for, confirm, download, edit, upload

pytestmark = pytest.mark.django_db


def pages(world):
    return (reverse("questionnaire", args=[world.assessment.pk, 1]), reverse("report", args=[world.assessment.pk]))


def first_criterion(world) -> Criterion:
    return Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code")[0]


def warm(client, world) -> tuple[str, str]:
    """Both pages rendered once, so that the next GET is served from the cache if nothing changed."""
    questionnaire, report = (client.get(url).content.decode() for url in pages(world))
    return questionnaire, report


def test_a_save_on_the_page_shows_at_once_on_both_pages(world):
    client = client_for(world.focal)
    before, report_before = warm(client, world)
    data = form_data(before)
    c = first_criterion(world)
    data[f"c{c.pk}-answer"], data[f"c{c.pk}-justification"] = "3", "Seen after the save"
    assert client.post(pages(world)[0], data).status_code == 302
    questionnaire, report = (client.get(url).content.decode() for url in pages(world))
    assert re.search(rf'name="c{c.pk}-answer" value="3" id="[^"]+" checked', questionnaire)
    assert "Seen after the save" in questionnaire and "Seen after the save" not in before
    assert "Seen after the save" in report and "Seen after the save" not in report_before


@pytest.mark.parametrize("transition", ["submit", "return", "approve"])
def test_each_workflow_transition_shows_at_once(world, settings, transition):
    from tests.factories import make_user

    answer_all(world.assessment)
    head = make_user("head", government=world.government, role="focal_point")
    contributor = client_for(world.contributor)
    focal = client_for(world.focal)
    if transition != "submit":
        assert focal.post(reverse("assessment_submit", args=[world.assessment.pk])).status_code == 302
    questionnaire, report = warm(contributor, world)
    focal_page, _ = warm(focal, world)
    if transition == "submit":
        assert "does not allow changes" not in questionnaire
        assert focal.post(reverse("assessment_submit", args=[world.assessment.pk])).status_code == 302
        expected = Assessment.Status.SUBMITTED
    elif transition == "return":
        response = focal.post(reverse("assessment_return", args=[world.assessment.pk]), {"comment": "Fix RT1 please"})
        assert response.status_code == 302
        expected = Assessment.Status.DRAFT
    else:
        response = client_for(head).post(reverse("assessment_approve", args=[world.assessment.pk]), {"confirm": "yes"})
        assert response.status_code == 302
        expected = Assessment.Status.APPROVED
    assert Assessment.objects.get(pk=world.assessment.pk).status == expected
    after, report_after = (contributor.get(url).content.decode() for url in pages(world))
    label = str(Assessment.Status(expected).label)
    assert label in report_after and report_after != report
    if expected == Assessment.Status.DRAFT:
        assert "does not allow changes" not in after and "Fix RT1 please" in after
        assert "Fix RT1 please" not in questionnaire
    else:
        assert "does not allow changes" in after
    # The focal point's own copy is renewed too (their edit right changed with the status).
    assert client_for(world.focal).get(pages(world)[0]).content.decode() != focal_page or expected == "draft"


def test_a_workbook_upload_shows_at_once_on_both_pages(world):
    c = first_criterion(world)
    client = client_for(world.contributor)
    before, report_before = warm(client, world)
    data = edit(download(world.contributor, world.assessment),
                {("RT1", c.code, "answer"): 4, ("RT1", c.code, "evidence"): "Decree 99/2026 from the workbook"})
    preview = upload(client, world.assessment, data)
    assert confirm(client, world.assessment, preview).status_code == 302
    questionnaire, report = (client.get(url).content.decode() for url in pages(world))
    assert re.search(rf'name="c{c.pk}-answer" value="4" id="[^"]+" checked', questionnaire)
    assert "Decree 99/2026 from the workbook" in questionnaire and "Decree 99/2026" not in before
    assert "Decree 99/2026 from the workbook" in report and "Decree 99/2026" not in report_before


def test_a_framework_published_in_the_admin_shows_at_once(world, editor_client):
    """Publishing a revision in the admin: the pages of an assessment on the earlier version keep that version's
    text (cached or not), and an assessment started on the new version shows the new text, never a cached page of
    the other version."""
    from assessments.versioning import framework_copy

    client = client_for(world.focal)
    old_questionnaire, old_report = warm(client, world)
    revision = framework_copy(version=world.framework, code="rev-2027")
    c = first_criterion(world)
    Criterion.objects.filter(version=revision, code=c.code).update(statement="The revised statement of 2027.")
    response = editor_client.post(reverse("admin:assessments_frameworkversion_changelist"),
                                  {"action": "publish", "_selected_action": [revision.pk]})
    assert response.status_code == 302
    assert FrameworkVersion.objects.get(pk=revision.pk).status == FrameworkVersion.Status.PUBLISHED
    questionnaire, report = (client.get(url).content.decode() for url in pages(world))
    assert "The revised statement of 2027." not in questionnaire + report  # the assessment's own version
    assert c.statement in questionnaire
    newer = Assessment.objects.create(government=world.government, framework_version=revision, cycle="2027")
    page = client.get(reverse("questionnaire", args=[newer.pk, 1])).content.decode()
    assert "The revised statement of 2027." in page
