"""No silent truncation, and big pages (issue 10): limits shown in the page, refused not cut, 150 criteria save."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Criterion, Response
from tests.factories import make_assessment, make_framework, make_government, make_user
from tests.page_forms import form_data

pytestmark = pytest.mark.django_db


def opened(world):
    client = Client()
    client.force_login(world.contributor)
    url = reverse("questionnaire", args=[world.assessment.pk, 1])
    page = client.get(url).content.decode()
    criterion = Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code")[0]
    return client, url, page, criterion


@pytest.mark.parametrize("name,limit", [("justification", 5000), ("evidence", 5000), ("evidence_url", 2000),
                                        ("lead_institution", 200)])
def test_every_text_field_shows_its_limit_and_has_a_counter(world, name, limit):
    _, _, page, criterion = opened(world)
    field_id = f"id_c{criterion.pk}-{name}"
    tag = re.search(rf'<(?:input|textarea)[^>]*id="{field_id}"[^>]*>', page).group(0)
    assert f'maxlength="{limit}"' in tag
    assert f'data-counter="{field_id}-count"' in tag
    counter = re.search(rf'<[^>]*id="{field_id}-count"[^>]*>(.*?)</', page, re.S)
    assert counter and f"{limit:,}" in counter.group(1)  # "Up to 5,000 characters" without JavaScript


def test_the_counter_script_is_a_static_file(world):
    _, _, page, _ = opened(world)
    assert re.search(r'<script src="/static/js/questionnaire[^"]*\.js" defer></script>', page)
    assert not re.search(r"<script>(?!</script>)", page)  # no inline code (CSP)


def test_six_thousand_pasted_characters_are_refused_with_a_message_and_kept(world):
    client, url, page, criterion = opened(world)
    data = form_data(page)
    data[f"c{criterion.pk}-answer"] = "2"
    data[f"c{criterion.pk}-evidence"] = "e" * 6000
    response = client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "at most 5000 characters (it has 6000)" in text
    assert "e" * 6000 in text  # kept in the form, whole, to be shortened by the person
    assert not Response.objects.exists()


def test_the_evidence_link_holds_two_thousand_characters(world):
    client, url, page, criterion = opened(world)
    link = "https://laws.example.org/" + "a" * (2000 - len("https://laws.example.org/"))
    data = form_data(page)
    data.update({f"c{criterion.pk}-answer": "3", f"c{criterion.pk}-evidence_url": link})
    assert client.post(url, data).status_code == 302
    assert Response.objects.get(criterion=criterion).evidence_url == link


def test_a_longer_evidence_link_is_refused_not_cut(world):
    client, url, page, criterion = opened(world)
    data = form_data(page)
    data.update({f"c{criterion.pk}-answer": "3", f"c{criterion.pk}-evidence_url": "https://x.org/" + "a" * 2000})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert not Response.objects.exists()


def test_a_page_of_150_criteria_can_be_saved(client, db):
    framework = make_framework(status="published", round_tables=1, themes_per_round_table=3, criteria_per_theme=50,
                               links=False)
    government = make_government()
    user = make_user("big", government=government, role="contributor")
    assessment = make_assessment(government=government, framework=framework)
    client.force_login(user)
    url = reverse("questionnaire", args=[assessment.pk, 1])
    data = form_data(client.get(url).content.decode())
    criteria = list(framework.criteria.all())
    assert len(criteria) == 150
    for c in criteria:
        data[f"c{c.pk}-answer"] = "2"
    data["next_round_table"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    assert assessment.responses.count() == 150


def test_the_upload_field_limit_follows_the_form(settings):
    """Adding a field to the criterion form must not silently lower the largest page that can be saved."""
    from assessments.forms import ResponseForm

    assert len(ResponseForm.base_fields) <= settings.QUESTIONNAIRE_FIELDS_PER_CRITERION
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= (
        settings.QUESTIONNAIRE_FIELDS_PER_CRITERION * settings.HLD_MAX_CRITERIA_PER_PAGE + 3  # csrf, resume, next
    )
