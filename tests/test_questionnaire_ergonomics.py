"""A 20-criterion page that a person can work through (issue 10): errors, clearing, warnings, return comment."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Criterion, Response
from assessments.workflow import AnswerInput, responses_save
from tests.page_forms import form_data

pytestmark = pytest.mark.django_db


def setup_page(world, user=None):
    client = Client()
    client.force_login(user or world.contributor)
    url = reverse("questionnaire", args=[world.assessment.pk, 1])
    criteria = list(Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code"))
    return client, url, criteria


def test_an_error_summary_at_the_top_links_each_criterion_in_error(world):
    client, url, c = setup_page(world)
    data = form_data(client.get(url).content.decode())
    data.update({f"c{c[0].pk}-answer": "na", f"c{c[2].pk}-answer": "3", f"c{c[2].pk}-evidence_url": "ftp://x"})
    page = client.post(url, data).content.decode()
    summary = re.search(r'<div[^>]*class="[^"]*error-summary[^"]*"[^>]*>(.*?)</div>', page, re.S)
    assert summary, "no error summary"
    tag = re.search(r'<div[^>]*class="[^"]*error-summary[^"]*"[^>]*>', page).group(0)
    assert 'tabindex="-1"' in tag and "autofocus" in tag  # focus moves to it, even without JavaScript
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1))
    assert [target for target, _ in links] == [f"id_c{c[0].pk}-justification", f"id_c{c[2].pk}-evidence_url"]
    assert c[0].code in links[0][1] and c[2].code in links[1][1]
    assert page.index("error-summary") < page.index(f'id="criterion-{c[0].pk}"')


def test_a_level_chosen_by_mistake_can_be_cleared(world):
    client, url, c = setup_page(world)
    responses_save(assessment=world.assessment, user=world.contributor,
                   answers=[AnswerInput(criterion_id=c[0].pk, base_edit_count=0, score=2)])
    page = client.get(url).content.decode()
    assert re.search(rf'<input type="radio"[^>]*name="c{c[0].pk}-answer" value=""', page)
    data = form_data(page)
    data[f"c{c[0].pk}-answer"] = ""
    assert client.post(url, data).status_code == 302
    assert not Response.objects.get(criterion=c[0]).is_answered


def test_level_three_or_four_without_evidence_is_saved_with_a_visible_warning(world):
    client, url, c = setup_page(world)
    data = form_data(client.get(url).content.decode())
    data.update({f"c{c[0].pk}-answer": "4", f"c{c[1].pk}-answer": "3", f"c{c[1].pk}-evidence": "Act 3/2020"})
    response = client.post(url, data, follow=True)
    assert Response.objects.get(criterion=c[0]).score == 4  # a warning, not a refusal
    page = response.content.decode()
    assert re.search(rf"{c[0].code}[^<]*level 3 or 4 without evidence", page)
    assert c[1].code + " " not in re.search(r"without evidence[^<]*", page).group(0)
    card = re.search(rf'<article[^>]*id="criterion-{c[0].pk}".*?</article>', page, re.S).group(0)
    assert "No evidence for level 4" in card


def test_answered_and_unanswered_criteria_look_different(world):
    client, url, c = setup_page(world)
    responses_save(assessment=world.assessment, user=world.contributor,
                   answers=[AnswerInput(criterion_id=c[0].pk, base_edit_count=0, score=2)])
    page = client.get(url).content.decode()
    answered = re.search(rf'<article class="([^"]*)" id="criterion-{c[0].pk}"', page).group(1)
    unanswered = re.search(rf'<article class="([^"]*)" id="criterion-{c[1].pk}"', page).group(1)
    assert "criterion-answered" in answered and "criterion-unanswered" in unanswered
    assert "Not answered yet" in re.search(rf'id="criterion-{c[1].pk}".*?</h3>', page, re.S).group(0)  # words too


def test_a_save_button_is_in_the_side_navigation_which_stays_in_view(world, settings):
    client, url, _ = setup_page(world)
    page = client.get(url).content.decode()
    nav = re.search(r'<nav aria-label="Round tables" class="[^"]*rt-nav.*?</nav>', page, re.S).group(0)
    assert re.search(r'<button type="submit" form="questionnaire-form"[^>]*>Save answers</button>', nav)
    assert 'id="questionnaire-form"' in page
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    assert re.search(r"\.rt-nav[^{]*\{[^}]*position:\s*sticky", css)


def test_the_return_comment_is_shown_on_every_questionnaire_page_while_it_applies(world):
    Assessment.objects.filter(pk=world.assessment.pk).update(
        return_comment="Add evidence for the labour criteria.", returned_by=world.focal)
    client, _, _ = setup_page(world)
    for number in (1, 2):
        page = client.get(reverse("questionnaire", args=[world.assessment.pk, number])).content.decode()
        assert "Add evidence for the labour criteria." in page
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")
    page = client.get(reverse("questionnaire", args=[world.assessment.pk, 1])).content.decode()
    assert "Add evidence for the labour criteria." not in page
