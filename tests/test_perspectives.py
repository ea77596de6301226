"""Criteria concern countries of origin, transit and destination in any combination."""

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.models import Criterion
from assessments.models.perspective import CHOICES, perspective_set, perspective_value
from assessments.workflow import assessment_start

pytestmark = pytest.mark.django_db


def set_perspective(framework, code, value):
    Criterion.objects.filter(version=framework, code=code).update(perspective=value)


def test_the_seven_combinations_in_a_fixed_order():
    assert [value for value, _ in CHOICES] == [
        "origin", "transit", "destination", "origin,transit", "origin,destination", "transit,destination",
        "origin,transit,destination",
    ]
    assert dict(CHOICES)["transit,destination"] == "Transit and destination"
    assert perspective_value(["destination", "transit", "origin"]) == "origin,transit,destination"
    assert perspective_set("both") == {"origin", "destination"}


def test_a_fixture_record_with_the_legacy_value_both_loads_as_origin_and_destination(draft_framework):
    criterion = Criterion.objects.get(version=draft_framework, code="RT1.01")
    record = serializers.serialize("python", [criterion], use_natural_foreign_keys=True, use_natural_primary_keys=True)
    record[0]["fields"]["perspective"] = "both"
    Criterion.objects.filter(pk=criterion.pk).update(perspective="transit")
    for obj in serializers.deserialize("python", record, handle_forward_references=True):
        obj.save()
    criterion.refresh_from_db()
    assert criterion.perspective == "origin,destination"
    assert criterion.perspectives == {"origin", "destination"}


def test_validation_normalises_legacy_values_and_refuses_unknown_ones(draft_framework):
    criterion = Criterion.objects.get(version=draft_framework, code="RT1.01")
    criterion.perspective = "both"
    criterion.full_clean()
    assert criterion.perspective == "origin,destination"
    criterion.perspective = "sideways"
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert "perspective" in error.value.message_dict


def test_the_database_refuses_a_value_that_is_not_a_combination(draft_framework):
    with pytest.raises(IntegrityError), transaction.atomic():
        set_perspective(draft_framework, "RT1.01", "sideways")


@pytest.mark.parametrize(
    "profile, not_applicable",
    [
        # make_framework's RT1.01..RT1.04 get: origin / transit / destination / transit+destination
        ({"is_origin": True, "is_transit": False, "is_destination": False}, ["RT1.02", "RT1.03", "RT1.04"]),
        ({"is_origin": False, "is_transit": True, "is_destination": False}, ["RT1.01", "RT1.03"]),
        ({"is_origin": False, "is_transit": False, "is_destination": True}, ["RT1.01", "RT1.02"]),
        ({"is_origin": True, "is_transit": True, "is_destination": True}, []),
    ],
)
def test_criteria_that_concern_none_of_the_declared_perspectives_start_not_applicable(world, profile, not_applicable):
    for code, value in (("RT1.01", "origin"), ("RT1.02", "transit"), ("RT1.03", "destination"),
                        ("RT1.04", "transit,destination")):
        set_perspective(world.framework, code, value)
    assessment = assessment_start(government=world.government, user=world.focal, cycle="2030", **profile)
    prefilled = assessment.responses.filter(not_applicable=True, criterion__code__startswith="RT1")
    assert sorted(r.criterion.code for r in prefilled) == not_applicable
    # RT2's criteria keep the default, origin and destination: only a transit-only profile leaves them out.
    rt2 = assessment.responses.filter(not_applicable=True, criterion__code__startswith="RT2").count()
    assert rt2 == (4 if profile == {"is_origin": False, "is_transit": True, "is_destination": False} else 0)


def test_the_justification_names_the_perspectives_the_criterion_concerns(world):
    set_perspective(world.framework, "RT1.04", "transit,destination")
    assessment = assessment_start(government=world.government, user=world.focal, cycle="2030", is_destination=False)
    response = assessment.responses.get(criterion__code="RT1.04")
    assert response.justification == (
        "Not applicable by profile: the criterion concerns a country of transit or destination, "
        "and the government did not declare itself one."
    )
    assert not assessment.responses.filter(criterion__code="RT1.01").exists()  # origin and destination: applies


def test_the_admin_offers_every_combination_and_filters_by_it(editor_client, draft_framework):
    set_perspective(draft_framework, "RT2.01", "origin,transit")
    criterion = Criterion.objects.get(version=draft_framework, code="RT2.01")
    page = editor_client.get(reverse("admin:assessments_criterion_change", args=[criterion.pk])).content.decode()
    for value, label in CHOICES:  # the labels are lazy: translated when the page is rendered
        assert f'value="{value}"' in page and str(label) in page
    assert '<option value="origin,transit" selected>' in page
    listing = editor_client.get(reverse("admin:assessments_criterion_changelist"), {"perspective__exact": "origin,transit"})
    assert [c.code for c in listing.context["cl"].result_list] == ["RT2.01"]
