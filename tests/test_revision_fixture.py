"""The fixture builder's second output: a revision of the original, with lineage, a weight rule and its checks.

Everything runs on a small original and revision written to a temporary folder, with a seed file of their own.
"""

import copy
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from assessments import fixture_builder
from assessments.fixture_builder import SourcesInvalid, build
from assessments.models import Criterion, FrameworkVersion
from assessments.versioning import framework_problems

pytestmark = pytest.mark.django_db

SEED = "000_036961950a98d25a.txt"
EXCERPT = "Temporary labour migration programmes can be effective."


def criterion(code, theme="RT1.A", perspective="both", weight=2, **extra):
    return {
        "code": code,
        "theme": theme,
        "perspective": perspective,
        "statement": f"The government has measure {code}.",
        "guidance": "Evidence: the law.",
        "weight": weight,
        "levels": {level: f"{code} at level {level}." for level in range(5)},
        "source": SEED,
        "excerpt": EXCERPT,
        "key_elements": ["c"],
        "sectors": ["labour-employment"],
        "sdg_10_7_2": ["migrant-rights"],
        "gcm_objectives": [6],
        "recommended_actions": [{"text": f"Act on {code}.", "source": SEED, "excerpt": EXCERPT}],
        **extra,
    }


def round_table(criteria):
    return {
        "round_table": {"code": "RT1", "number": 1, "title": "Round table one"},
        "themes": [{"code": f"RT1.{letter}", "title": f"Theme {letter}"} for letter in "ABC"],
        "criteria": criteria,
    }


ORIGINAL = round_table([criterion("RT1.01"), criterion("RT1.02", weight=3), criterion("RT1.03", theme="RT1.B")])
VERSION = {
    "name": "HLD 2013 high road scenarios — 2026 revision",
    "copied_from": "HLD 2013 high road scenarios",
    "weight_rule": {"protection-core": 3, "standard": 2},
    "description": "A small revision for tests.",
}
REVISION = round_table([
    criterion("RT1.01", perspective=["origin", "transit"], copied_from="RT1.01", weight_basis="standard"),
    # RT1.02 split in two; RT1.03 removed; RT1.04 new.
    criterion("RT1.02", perspective=["destination"], weight=3, copied_from="RT1.02", weight_basis="protection-core"),
    criterion("RT1.03", perspective=["origin", "destination"], weight=3, copied_from="RT1.02",
              weight_basis="protection-core"),
    criterion("RT1.04", theme="RT1.C", perspective=["transit"], weight_basis="standard",
              guidance="Evidence: pre- and post-departure measures, short- to medium-term plans."),
])


def write_sources(root: Path, *, revision=REVISION, version=VERSION) -> Path:
    source = root / "source"
    (source / "hld2013-r2026").mkdir(parents=True)
    (source / "rt1.yaml").write_text(yaml.safe_dump(ORIGINAL, allow_unicode=True))
    (source / "hld2013-r2026" / "version.yaml").write_text(yaml.safe_dump(version, allow_unicode=True))
    (source / "hld2013-r2026" / "rt1.yaml").write_text(yaml.safe_dump(revision, allow_unicode=True))
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / SEED).write_text(f"Some text. {EXCERPT} More text.\n")
    return source


def problems_of(tmp_path, **sources) -> list[str]:
    source = write_sources(tmp_path, **sources)
    with pytest.raises(SourcesInvalid) as error:
        build(source, tmp_path / "seeds")
    return error.value.problems


def revised(code, **changes):
    revision = copy.deepcopy(REVISION)
    for c in revision["criteria"]:
        if c["code"] == code:
            c.update(changes)
            for key in [k for k, v in changes.items() if v is None]:
                c.pop(key)
    return revision


def load(tmp_path, built):
    paths = []
    for fixture in built:
        path = tmp_path / fixture.file_name
        path.write_text(fixture.text)
        paths.append(str(path))
    call_command("loaddata", *paths, verbosity=0)


def test_builds_the_original_and_the_revision_which_load_with_their_lineage(tmp_path):
    built = build(write_sources(tmp_path), tmp_path / "seeds")
    assert [(b.file_name, b.summary) for b in built] == [
        ("hld2013.yaml", "1 round tables, 3 criteria, 0 links; languages en"),
        ("hld2013-r2026.yaml", "1 round tables, 4 criteria, 0 links; languages en"),
    ]
    assert "loaddata hld2013-r2026" in built[1].text
    load(tmp_path, built)

    revision = FrameworkVersion.objects.get(code="hld2013-r2026")
    assert (revision.name, revision.status, revision.copied_from.code) == (VERSION["name"], "published", "hld2013")
    assert framework_problems(revision) == []
    lineage = {c.code: (c.copied_from and c.copied_from.code, c.copied_from and c.copied_from.version.code,
                        c.perspective, c.weight)
               for c in Criterion.objects.filter(version=revision).select_related("copied_from__version")}
    assert lineage == {
        "RT1.01": ("RT1.01", "hld2013", "origin,transit", 2),
        "RT1.02": ("RT1.02", "hld2013", "destination", 3),
        "RT1.03": ("RT1.02", "hld2013", "origin,destination", 3),
        "RT1.04": (None, None, "transit", 2),
    }
    # The original keeps its legacy "both", read as origin and destination.
    assert set(Criterion.objects.filter(version__code="hld2013").values_list("perspective", flat=True)) == {
        "origin,destination"
    }
    load(tmp_path, built)  # loading again changes nothing
    assert Criterion.objects.count() == 7


def test_a_weight_that_does_not_follow_the_rule_is_refused(tmp_path):
    problems = problems_of(tmp_path, revision=revised("RT1.02", weight=2))
    assert problems == ["hld2013-r2026/ RT1.02: weight 2 differs from the weight rule (protection-core → 3)"]


def test_a_weight_basis_missing_from_the_rule_is_refused(tmp_path):
    assert problems_of(tmp_path, revision=revised("RT1.04", weight_basis="important")) == [
        "hld2013-r2026/ RT1.04: weight_basis 'important' is not a key of the weight rule"
    ]
    assert problems_of(tmp_path / "b", revision=revised("RT1.04", weight_basis=None)) == [
        "hld2013-r2026/ RT1.04: weight_basis None is not a key of the weight rule"
    ]


def test_a_word_broken_by_a_hyphen_and_a_space_is_refused(tmp_path):
    problems = problems_of(tmp_path, revision=revised(
        "RT1.01", statement="The government has a cross- cutting plan.", levels={
            **{n: f"Level {n}." for n in range(4)}, 4: "As 3, and it is evalu- ated."}))
    assert problems == [
        "hld2013-r2026/ RT1.01 statement: authoring artefact “s- c”",
        "hld2013-r2026/ RT1.01 level 4: authoring artefact “u- a”",
    ]


@pytest.mark.parametrize("perspective", ["both", [], ["origin", "origin"], ["origin", "elsewhere"], None])
def test_a_revision_lists_its_perspectives(tmp_path, perspective):
    problems = problems_of(tmp_path, revision=revised("RT1.01", perspective=perspective))
    expected = ("hld2013-r2026/ RT1.01: perspective must be a list of one or more of "
                "['origin', 'transit', 'destination'], each once")
    assert problems == [expected]


def test_lineage_must_name_a_criterion_of_the_original(tmp_path):
    assert problems_of(tmp_path, revision=revised("RT1.04", copied_from="RT1.99")) == [
        "hld2013-r2026/ RT1.04: copied_from RT1.99 is not a criterion of the original version"
    ]


def test_the_version_file_names_the_original_and_a_weight_rule(tmp_path):
    problems = problems_of(tmp_path, version={**VERSION, "copied_from": "Another framework", "weight_rule": {"x": 5}})
    assert problems[:2] == [
        "hld2013-r2026/ version.yaml: copied_from must name the original version, “HLD 2013 high road scenarios”",
        "hld2013-r2026/ version.yaml: weight_rule must map each basis to a weight of 1, 2 or 3",
    ]


def test_the_revision_excerpts_are_checked_verbatim(tmp_path):
    problems = problems_of(tmp_path, revision=revised("RT1.04", excerpt="Words the seed does not contain."))
    assert problems == [
        f"hld2013-r2026/ RT1.04: excerpt not found verbatim in {SEED}: Words the seed does not contain.…"
    ]


def test_without_a_revision_folder_only_the_original_is_built(tmp_path):
    source = write_sources(tmp_path)
    for path in (source / "hld2013-r2026").iterdir():
        path.unlink()
    assert [b.file_name for b in build(source, None)] == ["hld2013.yaml"]


def test_the_real_original_builds_byte_identical_to_its_fixture():
    built = build(Path(settings.BASE_DIR) / "fixtures" / "source", None)
    assert built[0].file_name == "hld2013.yaml"
    assert built[0].text == (Path(settings.BASE_DIR) / "fixtures" / "hld2013.yaml").read_text()
    assert fixture_builder.validate(*fixture_builder.load_sources(Path(settings.BASE_DIR) / "fixtures" / "source")) == []


# --- framework_retire, as make run uses it -------------------------------------------------


def test_framework_retire_retires_once_and_says_so_again(published_framework, capsys):
    from django.core.management import CommandError

    call_command("framework_retire", published_framework.code)
    published_framework.refresh_from_db()
    assert published_framework.status == "retired"
    call_command("framework_retire", published_framework.code)
    assert "already retired" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no framework version with the code “nope”"):
        call_command("framework_retire", "nope")


# --- The real revision, once its authoring files are in fixtures/source/hld2013-r2026/ ----------

REVISION_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "hld2013-r2026.yaml"
needs_revision = pytest.mark.skipif(
    not REVISION_FIXTURE.exists(), reason="fixtures/hld2013-r2026.yaml not built yet (run `make fixture`)"
)


@needs_revision
def test_the_real_revision_loads_after_the_original_publishes_and_links_every_copy_to_it():
    call_command("loaddata", "hld2013", "hld2013-r2026", verbosity=0)
    revision = FrameworkVersion.objects.get(code="hld2013-r2026")
    assert revision.status == "published" and revision.copied_from.code == "hld2013"
    assert framework_problems(revision) == []
    criteria = list(Criterion.objects.filter(version=revision).select_related("copied_from__version"))
    assert all(c.copied_from is None or c.copied_from.version.code == "hld2013" for c in criteria)
    assert sum(c.copied_from is not None for c in criteria) > len(criteria) // 2
    assert all(c.perspectives and 1 <= c.weight <= 3 for c in criteria)
    call_command("framework_retire", "hld2013")
    from assessments.workflow import current_framework

    assert current_framework() == revision
