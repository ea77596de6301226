"""The HLD 2013 framework fixture: loads, publishes, is complete and quotes its sources verbatim."""

from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command

from assessments.fixture_builder import normalise
from assessments.models import (
    CoherenceLink,
    Criterion,
    FrameworkVersion,
    RecommendedAction,
    RoundTable,
    SupportAvailable,
    Theme,
)
from assessments.versioning import framework_problems

pytestmark = pytest.mark.django_db

needs_seeds = pytest.mark.skipif(
    not settings.SEEDS_DIR.is_dir(),
    reason=f"source documents not found at {settings.SEEDS_DIR} (set HLD_SEEDS_DIR); CI has them",
)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the fixture once for this module (it takes seconds), and remove it afterwards."""
    with django_db_blocker.unblock():
        call_command("loaddata", "hld2013", verbosity=0)
        yield
        FrameworkVersion.objects.filter(code="hld2013").update(status="draft")
        FrameworkVersion.objects.filter(code="hld2013").delete()


@pytest.fixture
def hld2013(loaded, db):
    return FrameworkVersion.objects.get(code="hld2013")


def test_fixture_loads_published_and_passes_every_completeness_check(hld2013):
    assert hld2013.status == "published"
    assert hld2013.name == "HLD 2013 high road scenarios"
    assert framework_problems(hld2013) == []


def test_loading_twice_changes_nothing(hld2013):
    before = Criterion.objects.count(), CoherenceLink.objects.count(), RecommendedAction.objects.count()
    call_command("loaddata", "hld2013", verbosity=0)
    assert (Criterion.objects.count(), CoherenceLink.objects.count(), RecommendedAction.objects.count()) == before


def test_four_round_tables_with_enough_themes_and_criteria(hld2013):
    assert list(RoundTable.objects.filter(version=hld2013).values_list("code", flat=True)) == ["RT1", "RT2", "RT3", "RT4"]
    criteria = Counter(Criterion.objects.filter(version=hld2013).values_list("theme__round_table__code", flat=True))
    themes = Counter(Theme.objects.filter(round_table__version=hld2013).values_list("round_table__code", flat=True))
    assert all(count >= 12 for count in criteria.values()), criteria
    assert sum(criteria.values()) >= 55
    assert all(3 <= count <= 6 for count in themes.values()), themes
    assert not Theme.objects.filter(round_table__version=hld2013, criteria__isnull=True).exists()


def test_every_criterion_is_complete_and_tagged(hld2013):
    criteria = Criterion.objects.filter(version=hld2013).prefetch_related(
        "descriptors", "key_elements", "sectors", "sdg_domains", "gcm_objectives", "recommended_actions"
    )
    for c in criteria:
        assert c.code.startswith(c.theme.round_table.code + "."), c.code
        assert sorted(d.level for d in c.descriptors.all()) == [0, 1, 2, 3, 4], c.code
        assert len({d.text for d in c.descriptors.all()}) == 5, f"{c.code}: descriptors must differ"
        assert 1 <= c.weight <= 3
        assert c.statement.startswith("The "), c.code
        assert c.key_elements.all() and c.sectors.all() and c.sdg_domains.all() and c.gcm_objectives.all(), c.code
        assert c.recommended_actions.all(), f"{c.code} has no recommended action"


def test_coherence_links_join_round_tables_with_a_reason(hld2013):
    links = list(CoherenceLink.objects.filter(from_criterion__version=hld2013).select_related(
        "from_criterion__theme__round_table", "to_criterion__theme__round_table"))
    assert len(links) >= 12
    for link in links:
        assert link.from_criterion.theme.round_table != link.to_criterion.theme.round_table
        assert link.reason.strip()


def test_generated_fixture_is_up_to_date_with_its_sources():
    call_command("build_framework_fixture", check=True)


@needs_seeds
def test_round_table_titles_are_verbatim_from_the_source(hld2013):
    seed = normalise((settings.SEEDS_DIR / "000_036961950a98d25a.txt").read_text())
    for round_table in RoundTable.objects.filter(version=hld2013):
        assert f"Round table {round_table.number}: {round_table.title}" in seed.replace("*", "")


@needs_seeds
def excerpts_not_found(version) -> tuple[int, list[str]]:
    """How many excerpts the version quotes (criteria, actions, support), and those not verbatim in their seed."""
    seeds = {path.name: normalise(path.read_text()) for path in settings.SEEDS_DIR.glob("*.txt")}
    items = [
        *Criterion.objects.filter(version=version),
        *RecommendedAction.objects.filter(criterion__version=version).select_related("criterion"),
        *SupportAvailable.objects.filter(criterion__version=version).select_related("criterion"),
    ]
    missing = [
        f"{getattr(item, 'criterion', item)} {item.source_file}: {item.excerpt[:60]}"
        for item in items
        if normalise(item.excerpt) not in seeds.get(item.source_file, "")
    ]
    return len(items), missing


def test_every_excerpt_is_verbatim_in_the_seed_it_names(hld2013):
    count, missing = excerpts_not_found(hld2013)
    assert count > 200
    assert missing == []
