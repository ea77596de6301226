"""The cycle is a year of this century, optionally with a short suffix ("2026", "2026-b"), everywhere (issue 10)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from assessments.models import Assessment
from assessments.workflow import AssessmentError, assessment_start
from tests.factories import make_assessment, make_government, make_user

pytestmark = pytest.mark.django_db

INVALID = {
    "letters": "abc",
    "too early": "1850",
    "too late": "2100",
    "two digits": "26",
    "control character": "2026\x07",
    "newline inside": "20\n26",
    "trailing newline": "2026\n",
    "quote": '2026"',
    "space": "2026 b",
    "capital suffix": "2026-B",
    "empty suffix": "2026-",
    "suffix too long": "2026-abcdefghi",
    "too long": "2026-b" + "1" * 20,
    "path": "2026/../x",
}
VALID = ["2026", "2000", "2099", "2026-b", "2026-q1", "2026-abcdefgh"]


@pytest.mark.parametrize("cycle", INVALID.values(), ids=INVALID.keys())
def test_start_refuses_an_invalid_cycle(world, cycle):
    with pytest.raises(AssessmentError, match="four-digit year"):
        assessment_start(government=world.government, user=world.focal, cycle=cycle)
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("cycle", INVALID.values(), ids=INVALID.keys())
def test_the_start_form_refuses_an_invalid_cycle_with_a_message(client, world, cycle):
    client.force_login(world.focal)
    prefix = f"g{world.government.pk}"
    response = client.post(reverse("assessment_start", args=[world.government.pk]),
                           {f"{prefix}-cycle": cycle, f"{prefix}-is_origin": "on"}, follow=True)
    page = response.content.decode()
    # A trailing newline is trimmed by the form, which leaves a valid "2026" that already exists.
    assert "four-digit year" in page or (cycle.strip() == "2026" and "already has an assessment" in page)
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("cycle", INVALID.values(), ids=INVALID.keys())
def test_the_model_refuses_an_invalid_cycle(world, cycle):
    assessment = Assessment(government=world.other_government, framework_version=world.framework, cycle=cycle)
    with pytest.raises(ValidationError) as error:
        assessment.full_clean()
    assert "cycle" in error.value.message_dict


@pytest.mark.parametrize("cycle", INVALID.values(), ids=INVALID.keys())
def test_the_database_refuses_an_invalid_cycle(world, cycle):
    # PostgreSQL refuses a value longer than the column as a DataError, SQLite by the constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Assessment.objects.filter(pk=world.assessment.pk).update(cycle=cycle)
    assert Assessment.objects.get(pk=world.assessment.pk).cycle == "2026"


@pytest.mark.parametrize("cycle", VALID)
def test_valid_cycles_are_accepted_everywhere(world, cycle):
    assessment = assessment_start(government=world.other_government, user=world.outsider, cycle=cycle)
    assessment.full_clean()
    assert assessment.cycle == cycle


# --- Download file names -------------------------------------------------------------------


@pytest.fixture
def quoted(world):
    government = make_government('Quote"Land; x=1', "XQQ")
    user = make_user("quoted-focal", government=government, role="focal_point")
    return user, make_assessment(government=government, framework=world.framework)


def test_a_quote_in_the_government_name_cannot_inject_into_the_download_file_name(client, quoted):
    user, assessment = quoted
    client.force_login(user)
    csv = client.get(reverse("report_csv", args=[assessment.pk]))
    assert csv["Content-Disposition"] == 'attachment; filename="Quote-Land-x-1-2026-responses.csv"'
    pdf = client.get(reverse("report_pdf", args=[assessment.pk]))
    assert pdf["Content-Disposition"] == 'attachment; filename="Quote-Land-x-1-2026-gap-report-en.pdf"'


def test_a_government_name_outside_ascii_is_encoded_in_the_file_name(client, world):
    government = make_government("Côte d’Ivoire", "XCI")
    user = make_user("ci-focal", government=government, role="focal_point")
    assessment = make_assessment(government=government, framework=world.framework, cycle="2026-b")
    client.force_login(user)
    response = client.get(reverse("report_csv", args=[assessment.pk]))
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''C%C3%B4te-d-Ivoire-2026-b-responses.csv"
