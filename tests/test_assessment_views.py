import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment, Criterion, Response
from tests.factories import answer_all, make_assessment, make_framework, make_government, make_user

pytestmark = pytest.mark.django_db


def page_criteria(world, number=1):
    return list(Criterion.objects.filter(version=world.framework, theme__round_table__number=number).order_by("code"))


def page_data(criteria, answers=None, base=None):
    """POST data for a questionnaire page; answers maps criterion → dict of field overrides."""
    data = {}
    for c in criteria:
        fields = {"answer": "", "justification": "", "evidence": "", "evidence_url": "", "confidence": "self_declared",
                  "lead_institution": "", "base": (base or {}).get(c.pk, 0)}
        fields.update((answers or {}).get(c, {}))
        data.update({f"c{c.pk}-{name}": value for name, value in fields.items()})
    return data


def urls(world):
    a = world.assessment.pk
    criterion = page_criteria(world)[0]
    return {
        "detail": reverse("assessment_detail", args=[a]),
        "questionnaire": reverse("questionnaire", args=[a, 1]),
        "history": reverse("criterion_history", args=[a, criterion.pk]),
    }


# --- Access at every level ----------------------------------------------------


@pytest.mark.parametrize("name", ["detail", "questionnaire", "history"])
def test_anonymous_is_sent_to_sign_in(client, world, name):
    response = client.get(urls(world)[name])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["detail", "questionnaire", "history"])
def test_member_of_another_government_gets_404(client, world, name):
    client.force_login(world.outsider)
    assert client.get(urls(world)[name]).status_code == 404


@pytest.mark.parametrize("action", ["assessment_submit", "assessment_approve", "assessment_return"])
def test_member_of_another_government_gets_404_on_workflow_posts(client, world, action):
    client.force_login(world.outsider)
    assert client.post(reverse(action, args=[world.assessment.pk]), {"comment": "x"}).status_code == 404
    world.assessment.refresh_from_db()
    assert world.assessment.status == "draft"


def test_member_of_another_government_cannot_save_answers(client, world):
    client.force_login(world.outsider)
    criteria = page_criteria(world)
    response = client.post(urls(world)["questionnaire"], page_data(criteria, {criteria[0]: {"answer": "4"}}))
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_member_of_another_government_cannot_start_an_assessment_for_it(client, world):
    client.force_login(world.outsider)
    response = client.post(reverse("assessment_start", args=[world.government.pk]), {f"g{world.government.pk}-cycle": "2030"})
    assert response.status_code == 404
    assert not Assessment.objects.filter(cycle="2030").exists()


@pytest.mark.parametrize("role", ["focal", "contributor", "viewer"])
@pytest.mark.parametrize("name", ["detail", "questionnaire", "history"])
def test_members_of_every_role_can_read(client, world, role, name):
    client.force_login(getattr(world, role))
    response = client.get(urls(world)[name])
    assert response.status_code == 200
    assert "Alphaland" in response.content.decode()


def test_viewer_reads_but_cannot_write(client, world):
    client.force_login(world.viewer)
    page = client.get(urls(world)["questionnaire"]).content.decode()
    assert "does not allow changes" in page
    assert 'type="submit" class="btn btn-primary">Save' not in page
    criteria = page_criteria(world)
    assert client.post(urls(world)["questionnaire"], page_data(criteria, {criteria[0]: {"answer": "4"}})).status_code == 403
    assert client.post(reverse("assessment_submit", args=[world.assessment.pk])).status_code == 403
    assert not Response.objects.exists()


def test_contributor_saves_but_cannot_submit_or_approve(client, world):
    client.force_login(world.contributor)
    criteria = page_criteria(world)
    response = client.post(urls(world)["questionnaire"], page_data(criteria, {criteria[0]: {"answer": "3"}}))
    assert response.status_code == 302
    assert Response.objects.get(criterion=criteria[0]).score == 3
    answer_all(world.assessment)
    assert client.post(reverse("assessment_submit", args=[world.assessment.pk])).status_code == 403
    world.assessment.refresh_from_db()
    assert world.assessment.status == "draft"


def test_secretariat_does_not_see_drafts(client, world):
    client.force_login(world.secretariat)
    assert client.get(urls(world)["detail"]).status_code == 404


def test_secretariat_reads_submitted_assessments_of_every_government_and_writes_nothing(client, world):
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")
    client.force_login(world.secretariat)
    for name in ("detail", "questionnaire", "history"):
        assert client.get(urls(world)[name]).status_code == 200
    assert "Alphaland" in client.get(reverse("home")).content.decode()
    criteria = page_criteria(world)
    assert client.post(urls(world)["questionnaire"], page_data(criteria, {criteria[0]: {"answer": "1"}})).status_code == 403
    assert client.post(reverse("assessment_approve", args=[world.assessment.pk])).status_code == 403
    assert not Response.objects.exists()


def test_home_lists_only_the_users_governments(client, world):
    make_assessment(government=world.other_government, framework=world.framework)
    client.force_login(world.contributor)
    page = client.get(reverse("home")).content.decode()
    assert "Alphaland" in page
    assert "Betaland" not in page


def test_focal_point_starts_an_assessment_from_home(client, world):
    client.force_login(world.focal)
    prefix = f"g{world.government.pk}"
    response = client.post(reverse("assessment_start", args=[world.government.pk]),
                           {f"{prefix}-cycle": "2030", f"{prefix}-is_origin": "on"})
    created = Assessment.objects.get(cycle="2030")
    assert response["Location"] == reverse("assessment_detail", args=[created.pk])


def test_contributor_cannot_start_an_assessment(client, world):
    client.force_login(world.contributor)
    response = client.post(reverse("assessment_start", args=[world.government.pk]),
                           {f"g{world.government.pk}-cycle": "2030", f"g{world.government.pk}-is_origin": "on"})
    assert response.status_code == 403
    assert not Assessment.objects.filter(cycle="2030").exists()


# --- Saving a page --------------------------------------------------------------


def test_answers_are_kept_and_shown_again(client, world):
    client.force_login(world.contributor)
    criteria = page_criteria(world)
    data = page_data(criteria, {
        criteria[0]: {"answer": "2", "justification": "Pilot in two provinces", "lead_institution": "Ministry of Labour"},
        criteria[1]: {"answer": "na", "justification": "No such programme exists here"},
        criteria[2]: {"answer": "dk", "justification": "Waiting for the ministry"},
    })
    response = client.post(urls(world)["questionnaire"], data, follow=True)
    assert "3 answer(s) changed" in response.content.decode()
    saved = {r.criterion_id: r for r in Response.objects.all()}
    assert (saved[criteria[0].pk].score, saved[criteria[0].pk].lead_institution) == (2, "Ministry of Labour")
    assert saved[criteria[1].pk].not_applicable and saved[criteria[2].pk].dont_know
    page = client.get(urls(world)["questionnaire"]).content.decode()
    assert "Pilot in two provinces" in page
    assert re.search(rf'name="c{criteria[0].pk}-answer" value="2"[^>]*checked', page)
    assert re.search(rf'name="c{criteria[1].pk}-answer" value="na"[^>]*checked', page)
    assert not re.search(rf'name="c{criteria[3].pk}-answer" value="[^"]+"[^>]*checked', page)  # "No answer yet"


@pytest.mark.parametrize("answer", ["na", "dk"])
def test_not_applicable_or_dont_know_without_justification_is_refused(client, world, answer):
    client.force_login(world.contributor)
    criteria = page_criteria(world)
    data = page_data(criteria, {criteria[0]: {"answer": "3"}, criteria[1]: {"answer": answer}})
    response = client.post(urls(world)["questionnaire"], data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "needs a justification" in page
    assert "Nothing was saved" in page
    assert not Response.objects.exists()  # the valid answer on the same page is not saved either


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("answer", "5", "Select a valid choice"),
        ("answer", "-1", "Select a valid choice"),
        ("justification", "x" * 5001, "at most 5000 characters"),
        ("lead_institution", "x" * 201, "at most 200 characters"),
        ("evidence_url", "javascript:alert(1)", "Enter a valid URL"),
    ],
)
def test_invalid_values_are_refused_with_a_message(client, world, field, value, message):
    client.force_login(world.contributor)
    criteria = page_criteria(world)
    data = page_data(criteria, {criteria[0]: {"answer": "1", field: value}})
    response = client.post(urls(world)["questionnaire"], data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Response.objects.exists()


def test_an_unknown_criterion_is_refused(client, world):
    client.force_login(world.contributor)
    criteria = page_criteria(world)
    other_page = page_criteria(world, number=2)[0]
    data = page_data(criteria, {criteria[0]: {"answer": "1"}})
    data[f"c{other_page.pk}-answer"] = "4"
    response = client.post(urls(world)["questionnaire"], data)
    assert "not on this page" in response.content.decode()
    assert not Response.objects.exists()


def test_second_editor_is_refused_sees_the_other_values_and_keeps_their_input(client, world):
    criteria = page_criteria(world)
    # Both open the page (base 0); the focal point saves first.
    client.force_login(world.focal)
    client.post(urls(world)["questionnaire"], page_data(criteria, {criteria[0]: {"answer": "1", "justification": "Focal view"}}))
    client.force_login(world.contributor)
    response = client.post(
        urls(world)["questionnaire"],
        page_data(criteria, {criteria[0]: {"answer": "4", "justification": "Contributor view"}, criteria[1]: {"answer": "2"}}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert "Focal view" in page  # the other person's values
    assert "Contributor view" in page  # their own input is still in the form
    assert Response.objects.get(criterion=criteria[0]).score == 1
    assert not Response.objects.filter(criterion=criteria[1]).exists()
    # The re-rendered form carries the new base: saving again deliberately overwrites.
    assert f'name="c{criteria[0].pk}-base" value="1"' in page


def test_overview_lists_unanswered_criteria_with_links(client, world):
    answer_all(world.assessment)
    missing = Criterion.objects.get(version=world.framework, code="RT2.02")
    world.assessment.responses.filter(criterion=missing).delete()
    client.force_login(world.contributor)
    page = client.get(urls(world)["detail"]).content.decode()
    assert f"{reverse('questionnaire', args=[world.assessment.pk, 2])}#criterion-{missing.pk}" in page
    assert "7 of 8 answered" in page


def test_focal_point_submit_is_refused_with_the_missing_list_then_approves(client, world):
    client.force_login(world.focal)
    response = client.post(reverse("assessment_submit", args=[world.assessment.pk]), follow=True)
    assert "8 criteria are still unanswered: RT1.01" in response.content.decode()
    answer_all(world.assessment)
    client.post(reverse("assessment_submit", args=[world.assessment.pk]))
    client.force_login(make_user("approver", government=world.government, role="focal_point"))  # four-eyes
    client.post(reverse("assessment_approve", args=[world.assessment.pk]))
    world.assessment.refresh_from_db()
    assert world.assessment.status == "approved"


def test_approved_assessment_is_read_only_in_every_view(client, world):
    answer_all(world.assessment)
    Assessment.objects.filter(pk=world.assessment.pk).update(status="approved")
    client.force_login(world.focal)
    page = client.get(urls(world)["questionnaire"]).content.decode()
    assert "does not allow changes" in page
    assert "disabled" in page
    criteria = page_criteria(world)
    # Refused, the input shown read-only to copy (issue 10), never saved.
    refused = client.post(urls(world)["questionnaire"], page_data(criteria, {criteria[0]: {"answer": "0"}}))
    assert refused.status_code == 409
    assert "Not saved: the assessment was approved" in refused.content.decode()
    response = client.post(reverse("assessment_return", args=[world.assessment.pk]), {"comment": "reopen"}, follow=True)
    assert "is approved, not submitted" in response.content.decode()
    assert set(Response.objects.values_list("score", flat=True)) == {2}


def test_history_view_shows_who_changed_what(client, world):
    criteria = page_criteria(world)
    client.force_login(world.contributor)
    client.post(urls(world)["questionnaire"], page_data(criteria, {criteria[0]: {"answer": "1"}}))
    client.force_login(world.focal)
    client.post(urls(world)["questionnaire"], page_data(criteria, {criteria[0]: {"answer": "3"}}, base={criteria[0].pk: 1}))
    page = client.get(urls(world)["history"]).content.decode()
    assert "contributor" in page and "focal" in page
    assert "<td>Level</td><td>1</td><td>3</td>" in page.replace("\n", "")


# --- Fixed number of queries -----------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_questionnaire_page_query_count_does_not_grow_with_the_framework(client, db):
    counts = []
    for size in (1, 6):
        framework = make_framework(status="published", round_tables=2, themes_per_round_table=2, criteria_per_theme=size)
        government = make_government()
        user = make_user(f"u{size}", government=government, role="contributor")
        assessment = make_assessment(government=government, framework=framework)
        answer_all(assessment, user=user)
        client.force_login(user)
        counts.append(count_queries(client, reverse("questionnaire", args=[assessment.pk, 1])))
    assert counts[0] == counts[1]


def test_a_cached_page_never_hides_a_newer_save(client, world):
    from assessments.workflow import AnswerInput, responses_save

    client.force_login(world.contributor)
    url = urls(world)["questionnaire"]
    criterion = page_criteria(world)[0]
    client.get(url)  # rendered and cached for this revision
    responses_save(assessment=world.assessment, user=world.focal,
                   answers=[AnswerInput(criterion_id=criterion.pk, base_edit_count=0, score=2, justification="Fresh")])
    page = client.get(url).content.decode()
    assert "Fresh" in page
    assert re.search(rf'name="c{criterion.pk}-answer" value="2"[^>]*checked', page)


def test_an_unchanged_page_is_served_from_the_cache(client, world):
    client.force_login(world.contributor)
    first = count_queries(client, urls(world)["questionnaire"])
    second = count_queries(client, urls(world)["questionnaire"])
    assert second < first


def test_the_cached_page_of_an_editor_is_not_shown_read_only_to_a_viewer(client, world):
    client.force_login(world.contributor)
    client.get(urls(world)["questionnaire"])
    client.force_login(world.viewer)
    page = client.get(urls(world)["questionnaire"]).content.decode()
    assert "disabled" in page


def test_evidence_link_must_be_a_web_address(client, world):
    client.force_login(world.contributor)
    criteria = page_criteria(world)
    response = client.post(urls(world)["questionnaire"],
                           page_data(criteria, {criteria[0]: {"answer": "3", "evidence_url": "ftp://files.example.org/law.pdf"}}))
    assert "starting with http:// or https://" in response.content.decode()
    assert not Response.objects.exists()
