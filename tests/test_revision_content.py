"""The 2026 revision's fixture: complete, weighted by its written rule, verbatim, and linked to the original."""

from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from assessments.models import (
    CoherenceLink,
    Criterion,
    FrameworkVersion,
    GcmObjective,
)
from assessments.versioning import framework_problems
from tests.test_hld2013_fixture import excerpts_not_found

pytestmark = pytest.mark.django_db

REVISION_DIR = Path(settings.BASE_DIR) / "fixtures" / "source" / "hld2013-r2026"
needs_seeds = pytest.mark.skipif(
    not settings.SEEDS_DIR.is_dir(),
    reason=f"source documents not found at {settings.SEEDS_DIR} (set HLD_SEEDS_DIR); CI has them",
)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", "hld2013", "hld2013-r2026", verbosity=0)
        yield
        FrameworkVersion.objects.filter(code__in=["hld2013", "hld2013-r2026"]).update(status="draft")
        FrameworkVersion.objects.filter(code="hld2013-r2026").delete()
        FrameworkVersion.objects.filter(code="hld2013").delete()


@pytest.fixture
def revision(loaded, db):
    return FrameworkVersion.objects.get(code="hld2013-r2026")


def test_the_revision_is_published_complete_and_copied_from_the_original(revision):
    assert revision.status == FrameworkVersion.Status.PUBLISHED
    assert revision.copied_from.code == "hld2013"
    assert framework_problems(revision) == []


def test_counts_per_round_table(revision):
    per_round_table = Counter(c.theme.round_table.code for c in revision.criteria.select_related("theme__round_table"))
    assert per_round_table == {"RT1": 18, "RT2": 37, "RT3": 18, "RT4": 18}
    assert CoherenceLink.objects.filter(from_criterion__version=revision).count() == 57


def test_every_criterion_has_five_descriptors_a_perspective_and_tags(revision):
    for criterion in revision.criteria.prefetch_related("descriptors", "key_elements", "sdg_domains", "gcm_objectives"):
        assert sorted(d.level for d in criterion.descriptors.all()) == [0, 1, 2, 3, 4], criterion.code
        assert criterion.perspectives, criterion.code
        assert criterion.key_elements.exists(), criterion.code
        assert criterion.gcm_objectives.exists(), criterion.code


def test_every_weight_follows_the_written_rule():
    meta = yaml.safe_load((REVISION_DIR / "version.yaml").read_text())
    rule = meta["weight_rule"]
    for path in sorted(REVISION_DIR.glob("rt*.yaml")):
        for criterion in yaml.safe_load(path.read_text())["criteria"]:
            assert criterion["weight"] == rule[criterion["weight_basis"]], criterion["code"]


def test_transit_is_a_perspective_of_the_revision(revision):
    transit = [c for c in revision.criteria.all() if "transit" in c.perspectives]
    assert len(transit) > 40


def test_every_global_compact_objective_is_reachable(revision):
    reached = set(GcmObjective.objects.filter(criteria__version=revision).values_list("number", flat=True))
    assert reached == set(range(1, 24))


def test_every_carried_over_criterion_resolves_to_a_criterion_of_the_original(revision):
    criteria = list(revision.criteria.select_related("copied_from__version"))
    carried = [c for c in criteria if c.copied_from is not None]
    assert all(c.copied_from.version.code == "hld2013" for c in carried)
    # Every original criterion lives on in the revision (kept, changed or split; none removed).
    assert {c.copied_from.code for c in carried} == set(
        Criterion.objects.filter(version__code="hld2013").values_list("code", flat=True)
    )
    assert len(criteria) - len(carried) == 8


@needs_seeds
def test_every_excerpt_of_the_revision_is_verbatim_in_the_seed_it_names(revision):
    count, missing = excerpts_not_found(revision)
    assert count > 250
    assert missing == []
