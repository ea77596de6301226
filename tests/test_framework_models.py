import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.models import CoherenceLink, Criterion, FrameworkLocked, FrameworkVersion, LevelDescriptor, Theme
from tests.factories import make_criterion

pytestmark = pytest.mark.django_db


def first_criterion(version):
    return Criterion.objects.filter(version=version).order_by("code").first()


def test_criterion_code_is_unique_within_a_version(draft_framework):
    existing = first_criterion(draft_framework)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_criterion(theme=existing.theme, code=existing.code)


def test_the_same_code_may_exist_in_two_versions(draft_framework):
    from tests.factories import make_framework

    other = make_framework()
    assert Criterion.objects.filter(code="RT1.01", version__in=[draft_framework, other]).count() == 2


def test_clean_names_a_duplicate_code(draft_framework):
    existing = first_criterion(draft_framework)
    duplicate = Criterion(theme=existing.theme, code=existing.code, statement="s", guidance="g", weight=1,
                          source_file="f", excerpt="e")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has the code RT1.01" in str(error.value.message_dict["code"])


@pytest.mark.parametrize("weight", [0, 4])
def test_weight_outside_1_to_3_is_refused(draft_framework, weight):
    criterion = first_criterion(draft_framework)
    criterion.weight = weight
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert "weight" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.filter(pk=criterion.pk).update(weight=weight)


def test_level_outside_0_to_4_is_refused(draft_framework):
    criterion = first_criterion(draft_framework)
    descriptor = LevelDescriptor(criterion=criterion, level=5, text="beyond")
    with pytest.raises(ValidationError) as error:
        descriptor.full_clean()
    assert "level" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelDescriptor.objects.filter(criterion=criterion, level=4).update(level=7)


def test_one_descriptor_per_level(draft_framework):
    criterion = first_criterion(draft_framework)
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelDescriptor.objects.create(criterion=criterion, level=2, text="again")


def test_a_criterion_cannot_link_to_itself(draft_framework):
    criterion = first_criterion(draft_framework)
    link = CoherenceLink(from_criterion=criterion, to_criterion=criterion, reason="self")
    with pytest.raises(ValidationError, match="cannot be linked to itself"):
        link.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        CoherenceLink.objects.bulk_create([link])


def test_a_link_stays_within_one_version(draft_framework):
    from tests.factories import make_framework

    other = make_framework()
    link = CoherenceLink(from_criterion=first_criterion(draft_framework), to_criterion=first_criterion(other), reason="x")
    with pytest.raises(ValidationError, match="same framework version"):
        link.full_clean()


def test_criterion_takes_its_version_from_its_theme(draft_framework):
    theme = Theme.objects.filter(round_table__version=draft_framework).first()
    criterion = make_criterion(theme=theme, code="RT1.99")
    assert criterion.version == draft_framework


def test_published_version_refuses_saving_any_part(published_framework):
    criterion = first_criterion(published_framework)
    criterion.statement = "Changed"
    with pytest.raises(FrameworkLocked, match="read-only"):
        criterion.save()
    descriptor = criterion.descriptors.get(level=0)
    descriptor.text = "Changed"
    with pytest.raises(FrameworkLocked):
        descriptor.save()
    theme = criterion.theme
    with pytest.raises(FrameworkLocked):
        make_criterion(theme=theme, code="RT1.50")
    published_framework.name = "Renamed"
    with pytest.raises(FrameworkLocked):
        published_framework.save()
    criterion.refresh_from_db()
    assert criterion.statement.startswith("The government has")


def test_published_version_refuses_deleting_any_part(published_framework):
    criterion = first_criterion(published_framework)
    with pytest.raises(FrameworkLocked):
        criterion.delete()
    with pytest.raises(FrameworkLocked):
        LevelDescriptor.objects.filter(criterion=criterion).delete()
    with pytest.raises(FrameworkLocked):
        published_framework.delete()
    assert criterion.descriptors.count() == 5


def test_a_draft_can_be_edited_and_deleted(draft_framework):
    criterion = first_criterion(draft_framework)
    criterion.statement = "Changed"
    criterion.save()
    draft_framework.delete()
    assert not FrameworkVersion.objects.filter(pk=draft_framework.pk).exists()


def test_a_published_version_may_only_be_retired(published_framework):
    published_framework.status = FrameworkVersion.Status.DRAFT
    with pytest.raises(FrameworkLocked, match="only be retired"):
        published_framework.save()
    published_framework.status = FrameworkVersion.Status.RETIRED
    published_framework.save()
    assert FrameworkVersion.objects.get(pk=published_framework.pk).status == "retired"


def test_bulk_delete_of_a_published_version_is_refused(published_framework):
    with pytest.raises(FrameworkLocked):
        FrameworkVersion.objects.filter(pk=published_framework.pk).delete()
    with pytest.raises(FrameworkLocked):
        Criterion.objects.filter(version=published_framework).delete()
    assert Criterion.objects.filter(version=published_framework).count() == 8


# --- Reference rows used by a published or retired version are read-only (issue 11, item 5) -------------------

REFERENCE_ROWS = [
    ("PolicySector", {"code": "labour-employment"}, "name"),
    ("KeyElement", {"code": "c"}, "title"),
    ("SdgDomain", {"code": "migrant-rights"}, "name"),
    ("GcmObjective", {"number": 6}, "title"),
]


def reference_row(model_name, lookup):
    from assessments import models

    return getattr(models, model_name).objects.get(**lookup)


@pytest.mark.parametrize("status", ["published", "retired"])
@pytest.mark.parametrize("model_name,lookup,text_field", REFERENCE_ROWS)
def test_a_reference_row_used_by_a_locked_version_cannot_be_renamed_or_deleted(model_name, lookup, text_field, status):
    from tests.factories import make_framework

    version = make_framework(status=status)
    row = reference_row(model_name, lookup)
    original = getattr(row, text_field)
    setattr(row, text_field, "Renamed after approval")
    with pytest.raises(FrameworkLocked) as error:
        row.save()
    assert f"“{version.name}”, which is {status}" in str(error.value)
    assert "read-only" in str(error.value)
    with pytest.raises(FrameworkLocked):
        reference_row(model_name, lookup).delete()
    with pytest.raises(FrameworkLocked):
        type(row).objects.filter(pk=row.pk).delete()
    assert getattr(reference_row(model_name, lookup), text_field) == original
    # The published criteria keep their tags.
    assert reference_row(model_name, lookup).criteria.filter(version=version).count() == version.criteria.count()


@pytest.mark.parametrize("model_name,lookup,text_field", REFERENCE_ROWS)
def test_a_reference_row_used_only_by_drafts_may_be_renamed_and_saving_unchanged_is_no_change(
    draft_framework, model_name, lookup, text_field
):
    row = reference_row(model_name, lookup)
    setattr(row, text_field, "Renamed in a draft")
    row.save()
    assert getattr(reference_row(model_name, lookup), text_field) == "Renamed in a draft"


def test_saving_an_unchanged_row_of_a_published_version_is_allowed_and_a_new_sector_may_be_added(published_framework):
    from assessments.models import PolicySector

    reference_row("PolicySector", {"code": "labour-employment"}).save()
    PolicySector.objects.create(code="new-sector", name="A new sector")
    PolicySector.objects.get(code="new-sector").delete()  # used by nothing
