import pytest

from assessments.models import Criterion, FrameworkError, FrameworkVersion, LevelDescriptor
from assessments.versioning import FrameworkIncomplete, framework_copy, framework_publish, framework_retire

pytestmark = pytest.mark.django_db


def tree(version):
    """Everything an editor sees in a version, as plain values."""
    return sorted(
        (
            c.theme.round_table.code,
            c.theme.round_table.title,
            c.theme.code,
            c.theme.title,
            c.code,
            c.statement,
            c.guidance,
            c.weight,
            c.perspective,
            c.excerpt,
            tuple(sorted((d.level, d.text) for d in c.descriptors.all())),
            tuple(sorted((a.order, a.text, a.excerpt) for a in c.recommended_actions.all())),
            tuple(sorted((s.order, s.text, s.excerpt) for s in c.support_available.all())),
            tuple(sorted(k.code for k in c.key_elements.all())),
            tuple(sorted(s.code for s in c.sectors.all())),
            tuple(sorted(s.code for s in c.sdg_domains.all())),
            tuple(sorted(o.number for o in c.gcm_objectives.all())),
            tuple(sorted((link.to_criterion.code, link.reason) for link in c.links_from.all())),
        )
        for c in Criterion.objects.filter(version=version)
    )


def test_copy_is_equal_in_content(published_framework):
    draft = framework_copy(version=published_framework)
    assert draft.status == FrameworkVersion.Status.DRAFT
    assert draft.copied_from == published_framework
    assert tree(draft) == tree(published_framework)
    assert len(tree(draft)) == 8


def test_copied_criteria_remember_their_original(published_framework):
    draft = framework_copy(version=published_framework)
    for copy in Criterion.objects.filter(version=draft):
        assert copy.copied_from.version == published_framework
        assert copy.copied_from.code == copy.code


def test_copy_is_independent_of_the_original(published_framework):
    before = tree(published_framework)
    draft = framework_copy(version=published_framework)
    copy = Criterion.objects.get(version=draft, code="RT1.01")
    copy.statement = "Edited in the draft"
    copy.save()
    descriptor = copy.descriptors.get(level=3)
    descriptor.text = "Edited level"
    descriptor.save()
    copy.key_elements.clear()
    assert tree(published_framework) == before
    assert Criterion.objects.get(version=published_framework, code="RT1.01").statement != "Edited in the draft"


def test_two_copies_get_distinct_codes(published_framework):
    first = framework_copy(version=published_framework)
    second = framework_copy(version=published_framework)
    assert first.code != second.code


def test_publish_makes_a_complete_draft_read_only(draft_framework):
    framework_publish(version=draft_framework)
    draft_framework.refresh_from_db()
    assert draft_framework.status == "published"
    assert draft_framework.published_at is not None


def test_publish_refuses_an_incomplete_version_and_names_what_is_missing(draft_framework):
    LevelDescriptor.objects.filter(criterion__code="RT1.02", criterion__version=draft_framework, level=3).delete()
    Criterion.objects.filter(version=draft_framework, code="RT2.01").update(excerpt="")
    Criterion.objects.get(version=draft_framework, code="RT2.02").key_elements.clear()
    with pytest.raises(FrameworkIncomplete) as error:
        framework_publish(version=draft_framework)
    assert error.value.problems == [
        "RT1.02 lacks level descriptor(s) 3",
        "RT2.01 lacks a source file and excerpt",
        "RT2.02 has no key element",
    ]
    draft_framework.refresh_from_db()
    assert draft_framework.status == "draft"


def test_publish_refuses_an_empty_version(db):
    empty = FrameworkVersion.objects.create(code="empty", name="Empty")
    with pytest.raises(FrameworkIncomplete, match="no criteria"):
        framework_publish(version=empty)


def test_publish_refuses_a_version_that_is_not_a_draft(published_framework):
    with pytest.raises(FrameworkError, match="already published"):
        framework_publish(version=published_framework)


def test_retire_only_a_published_version(draft_framework, published_framework):
    with pytest.raises(FrameworkError):
        framework_retire(version=draft_framework)
    assert framework_retire(version=published_framework).status == "retired"
