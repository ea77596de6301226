"""Progress across framework versions follows the lineage of copies, and says what is new, split or removed.

The pure rules first (scoring.match_previous / scoring.lineage), then a hand-built pair of versions in the
database through build_report, with every number worked out by hand in the comments.
"""

import pytest

from assessments import scoring
from assessments.models import Assessment, Criterion, Response
from assessments.reports import build_report
from assessments.versioning import framework_copy, framework_publish
from tests.factories import make_assessment, make_criterion

# --- Pure rules -------------------------------------------------------------------


def c(id, code="RT1.01", rt="RT1", weight=2, lineage=None):
    return scoring.CriterionData(id=id, code=code, round_table=rt, theme=f"{rt}.A", weight=weight,
                                 lineage=tuple(lineage or (id,)))


def test_cousins_that_only_share_an_ancestor_are_not_compared():
    # 10 was copied into two sibling versions: 30 (current) and 31 (previous). Neither was copied from the other.
    current = [c(30, lineage=[30, 10])]
    previous = [c(31, lineage=[31, 10])]
    assert scoring.match_previous(current, previous) == {}
    result = scoring.progress(current, [scoring.AnswerData(30, score=4)], previous, [scoring.AnswerData(31, score=0)])
    assert result.criteria == ()


def test_a_criterion_is_compared_with_its_nearest_ancestor_in_the_previous_version():
    current = [c(50, lineage=[50, 40, 30, 10])]
    previous = [c(30, "RT1.07", lineage=[30, 10])]
    assert scoring.match_previous(current, previous)[50].code == "RT1.07"


def test_new_split_and_removed_criteria():
    previous = [c(1, "RT1.01"), c(2, "RT1.02"), c(3, "RT1.03"), c(4, "RT2.01", rt="RT2")]
    current = [
        c(11, "RT1.01", lineage=[11, 1]),  # kept
        c(12, "RT1.02", lineage=[12, 2]),  # 2 split in two …
        c(13, "RT1.05", lineage=[13, 2]),  # … 12 and 13
        c(14, "RT1.09"),  # new
        c(15, "RT2.01", rt="RT2", lineage=[15, 4]),
        # 3 has no descendant: removed
    ]
    found = scoring.lineage(current, previous)
    assert [x.code for x in found.new] == ["RT1.09"]
    assert [(p.code, [x.code for x in parts]) for p, parts in found.splits] == [("RT1.02", ["RT1.02", "RT1.05"])]
    assert [x.code for x in found.removed] == ["RT1.03"]


def test_a_split_carries_the_previous_score_to_both_parts():
    previous = [c(2, "RT1.02", weight=3)]
    current = [c(12, "RT1.02", weight=3, lineage=[12, 2]), c(13, "RT1.05", weight=1, lineage=[13, 2])]
    result = scoring.progress(
        current, [scoring.AnswerData(12, score=3), scoring.AnswerData(13, score=1)],
        previous, [scoring.AnswerData(2, score=2)],
    )
    assert [(ch.criterion.code, ch.previous_criterion.code, ch.previous_score, ch.current_score)
            for ch in result.criteria] == [("RT1.02", "RT1.02", 2, 3), ("RT1.05", "RT1.02", 2, 1)]
    # RT1, current weights 3 and 1: before (3·2 + 1·2) / (4·4) = 8/16 = 50 %; now (3·3 + 1·1) / 16 = 10/16 = 62.5 %
    rt1 = result.round_tables[0]
    assert (rt1.previous, rt1.current, rt1.compared) == (50.0, 62.5, 2)


# --- A hand-built pair of versions, through the report -----------------------------------------------


def answer(assessment, code, score):
    criterion = Criterion.objects.get(version=assessment.framework_version, code=code)
    Response.objects.create(assessment=assessment, criterion=criterion, score=score, justification="because",
                            lead_institution="Ministry")


@pytest.mark.django_db
def test_report_progress_across_a_revision_with_a_split_a_new_and_a_removed_criterion(world):
    # Original (world.framework): RT1.01-RT1.04, RT2.01-RT2.04, weight 2 each.
    original = world.framework
    previous = make_assessment(government=world.government, framework=original, cycle="2024")
    for code, score in [("RT1.01", 1), ("RT1.02", 2), ("RT1.03", 0), ("RT1.04", 3), ("RT2.01", 2), ("RT2.04", 4)]:
        answer(previous, code, score)
    Assessment.objects.filter(pk=previous.pk).update(status="approved")

    # The revision: RT1.02 split into RT1.02 and RT1.05 (weight 3); RT1.03 removed; RT2.05 new;
    # RT2.04 renumbered RT2.06 (still linked).
    revision = framework_copy(version=original, code="rev", name="Revision")
    Criterion.objects.get(version=revision, code="RT1.03").delete()
    Criterion.objects.filter(version=revision, code="RT2.04").update(code="RT2.06")
    parent = Criterion.objects.get(version=revision, code="RT1.02")
    theme_a = parent.theme
    split = make_criterion(theme=theme_a, code="RT1.05", weight=3, key_elements=parent.key_elements.all())
    Criterion.objects.filter(pk=split.pk).update(copied_from=parent.copied_from)
    new = make_criterion(theme=Criterion.objects.get(version=revision, code="RT2.01").theme, code="RT2.05",
                         key_elements=parent.key_elements.all())
    framework_publish(version=revision)

    current = make_assessment(government=world.government, framework=revision, cycle="2028")
    for code, score in [("RT1.01", 3), ("RT1.02", 2), ("RT1.05", 4), ("RT1.04", 3), ("RT2.01", 1), ("RT2.05", 4),
                        ("RT2.06", 4)]:
        answer(current, code, score)

    progress = build_report(current).progress
    assert progress is not None and not progress.same_framework
    # Compared: RT1.01 1→3, RT1.02 2→2, RT1.05 (from RT1.02) 2→4, RT1.04 3→3, RT2.01 2→1, RT2.06 (was RT2.04) 4→4.
    # RT2.05 is new (not compared), RT1.03 removed (its 0 is not counted).
    assert [(ch.code, ch.previous_code, ch.previous, ch.current) for ch in progress.changes] == [
        ("RT1.01", "RT1.01", 1, 3), ("RT1.05", "RT1.02", 2, 4), ("RT2.01", "RT2.01", 2, 1),
    ]
    rounds = {code: (before, now, change, n) for code, before, now, change, n in progress.round_tables}
    # RT1 with current weights 2, 2, 3, 2 (Σ·4 = 36): before 2·1 + 2·2 + 3·2 + 2·3 = 18 → 50 %;
    # now 2·3 + 2·2 + 3·4 + 2·3 = 28 → 77.78 %; change +27.78 points.
    before, now, change, n = rounds["RT1"]
    assert (before, n) == (50.0, 4)
    assert now == pytest.approx(100 * 28 / 36) and change == pytest.approx(100 * 10 / 36)
    # RT2, weights 2 and 2 (Σ·4 = 16): before 2·2 + 2·4 = 12 → 75 %; now 2·1 + 2·4 = 10 → 62.5 %.
    assert rounds["RT2"] == (75.0, 62.5, -12.5, 2)
    assert [code for code, _statement in progress.new] == ["RT2.05"]
    assert [(code, parts) for code, _statement, parts in progress.splits] == [("RT1.02", ["RT1.02", "RT1.05"])]
    assert [code for code, _statement in progress.removed] == ["RT1.03"]
    assert new.statement in dict(progress.new).values()


@pytest.mark.django_db
def test_the_report_page_says_what_is_new_split_and_removed(client, world):
    original = world.framework
    previous = make_assessment(government=world.government, framework=original, cycle="2024")
    answer(previous, "RT1.01", 1)
    answer(previous, "RT1.02", 1)
    Assessment.objects.filter(pk=previous.pk).update(status="approved")
    revision = framework_copy(version=original, code="rev", name="Revision")
    Criterion.objects.get(version=revision, code="RT1.03").delete()
    Criterion.objects.filter(version=revision, code="RT1.02").update(code="RT1.07")
    framework_publish(version=revision)
    current = make_assessment(government=world.government, framework=revision, cycle="2028")
    answer(current, "RT1.01", 2)
    answer(current, "RT1.07", 3)
    client.force_login(world.viewer)
    page = client.get(f"/assessments/{current.pk}/report/").content.decode()
    removed = page[page.index("Removed since the previous version"):]
    assert '<span class="code">RT1.03</span>' in removed[:300]
    assert '<span class="code">RT1.07</span> (was <span class="code">RT1.02</span>)' in page
