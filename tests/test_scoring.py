"""Scoring rules (DESIGN.md §3) on plain values: no database, no Django.

Every expected number is worked out by hand in a comment next to it.
"""

import pytest

from assessments.scoring import (
    AnswerData,
    CriterionData,
    LinkData,
    band,
    coherence_flags,
    completeness,
    data_gaps,
    match_previous,
    overall_score,
    percentage,
    priority_gaps,
    progress,
    scores_by_gcm_objective,
    scores_by_key_element,
    scores_by_round_table,
    scores_by_sdg_domain,
    scores_by_sector,
    scores_by_theme,
    sector_round_table_matrix,
    strengths,
    unsupported_claims,
    without_lead_institution,
)


def make_criterion(id, code=None, *, rt="RT1", theme=None, weight=1, **tags):
    return CriterionData(
        id=id,
        code=code or f"{rt}.{id:02d}",
        round_table=rt,
        theme=theme or f"{rt}.A",
        weight=weight,
        key_elements=tuple(tags.get("key_elements", ())),
        sectors=tuple(tags.get("sectors", ())),
        sdg_domains=tuple(tags.get("sdg_domains", ())),
        gcm_objectives=tuple(tags.get("gcm_objectives", ())),
        lineage=tuple(tags.get("lineage", (id,))),
    )


def make_answer(criterion_id, score=None, *, na=False, dont_know=False, evidence=True, lead="Ministry of Labour"):
    return AnswerData(
        criterion_id=criterion_id,
        score=score,
        not_applicable=na,
        dont_know=dont_know,
        has_evidence=evidence,
        lead_institution=lead,
    )


def codes(items):
    return [getattr(item, "criterion", item).code for item in items]


# --- Percentages --------------------------------------------------------------


def test_score_weights_each_criterion_by_its_weight():
    criteria = [make_criterion(1, weight=1), make_criterion(2, weight=2), make_criterion(3, weight=3)]
    answers = [make_answer(1, 4), make_answer(2, 2), make_answer(3, 1)]
    # Σ w·s = 1·4 + 2·2 + 3·1 = 11; Σ w·4 = (1+2+3)·4 = 24; 11/24 = 45.83 %
    # (an unweighted mean would be (4+2+1)/12 = 58.3 %)
    assert scores_by_round_table(criteria, answers) == {"RT1": pytest.approx(45.833333, abs=1e-5)}
    assert percentage([(1, 4), (2, 2), (3, 1)]) == pytest.approx(45.833333, abs=1e-5)


def test_percentage_keeps_full_precision():
    # 1·1 / (1·4 + 2·4) = 1/12 = 8.3333… %, not 8.3
    assert percentage([(1, 1), (2, 0)]) == 100 / 12


def test_percentage_of_nothing_is_none_and_zero_is_a_score():
    assert percentage([]) is None
    assert percentage([(2, 0)]) == 0.0


def test_not_applicable_is_left_out_of_every_denominator():
    criteria = [make_criterion(1, weight=2), make_criterion(2, weight=3), make_criterion(3, weight=1)]
    # criterion 2 is not applicable; the stale level 4 on it must not count either
    answers = [make_answer(1, 3), make_answer(2, 4, na=True), make_answer(3, 1)]
    # (2·3 + 1·1) / ((2+1)·4) = 7/12 = 58.33 %  (with 2 counted as 0: 7/24 = 29.2 %)
    assert scores_by_round_table(criteria, answers)["RT1"] == pytest.approx(58.333333, abs=1e-5)


def test_dont_know_is_not_scored_and_listed_as_data_gap():
    criteria = [make_criterion(1, weight=1), make_criterion(2, weight=2), make_criterion(3, weight=1)]
    answers = [make_answer(1, 2), make_answer(2, dont_know=True), make_answer(3, 0, dont_know=True)]
    # only criterion 1 scores: 1·2 / 1·4 = 50 %
    assert scores_by_round_table(criteria, answers) == {"RT1": 50.0}
    assert codes(data_gaps(criteria, answers)) == ["RT1.02", "RT1.03"]
    assert codes(priority_gaps(criteria, answers)) == ["RT1.01"]  # a "don't know" is no gap


def test_unanswered_criteria_are_not_counted_as_zero():
    criteria = [make_criterion(1, weight=1), make_criterion(2, weight=3), make_criterion(3, weight=2)]
    # criterion 2 has no answer at all; criterion 3 has an empty one
    answers = [make_answer(1, 4), make_answer(3)]
    # 1·4 / 1·4 = 100 %  (as zeros it would be 4/24 = 16.7 %)
    assert scores_by_round_table(criteria, answers) == {"RT1": 100.0}
    assert completeness(criteria, answers).unanswered == 2


def test_scores_per_theme():
    criteria = [
        make_criterion(1, theme="RT1.A", weight=2),
        make_criterion(2, theme="RT1.A", weight=1),
        make_criterion(3, theme="RT1.B", weight=1),
        make_criterion(4, rt="RT2", theme="RT2.A", weight=3),
    ]
    answers = [make_answer(1, 4), make_answer(2, 0), make_answer(3, na=True), make_answer(4, 3)]
    assert scores_by_theme(criteria, answers) == {
        "RT1.A": pytest.approx(66.666667, abs=1e-5),  # (2·4 + 1·0) / (3·4) = 8/12
        "RT1.B": None,  # only criterion is not applicable
        "RT2.A": 75.0,  # 3·3 / 3·4 = 9/12
    }


# --- Round tables, overall, bands ---------------------------------------------


def test_empty_round_table_is_none_and_overall_ignores_it():
    criteria = [
        make_criterion(1, rt="RT1", weight=1),
        make_criterion(2, rt="RT1", weight=3),
        make_criterion(3, rt="RT2", weight=2),
        make_criterion(4, rt="RT3"),
        make_criterion(5, rt="RT3"),
        make_criterion(6, rt="RT4"),
    ]
    answers = [
        make_answer(1, 4),
        make_answer(2, 0),
        make_answer(3, 3),
        make_answer(4, na=True),
        make_answer(5, dont_know=True),
        # criterion 6 unanswered
    ]
    by_round_table = scores_by_round_table(criteria, answers)
    # RT1: (1·4 + 3·0) / (4·4) = 4/16 = 25 %; RT2: 2·3 / 2·4 = 75 %; RT3, RT4: nothing scored
    assert by_round_table == {"RT1": 25.0, "RT2": 75.0, "RT3": None, "RT4": None}
    # each round table counts equally: (25 + 75) / 2 = 50 %
    # (not pooled: (4+0+6)/(4+12+8) = 41.7 %, nor with zeros: 100/4 = 25 %)
    assert overall_score(by_round_table) == 50.0
    assert band(overall_score(by_round_table)) == "Meets"


def test_overall_of_nothing_scored_is_none():
    assert overall_score({}) is None
    assert overall_score({"RT1": None, "RT2": None}) is None
    assert band(None) is None


@pytest.mark.parametrize(
    ("pct", "label"),
    [
        (0.0, "Requires further progress"),
        (24.9, "Requires further progress"),
        (25.0, "Partially meets"),
        (49.5, "Partially meets"),  # raw value decides, not the rounded display
        (49.9, "Partially meets"),
        (50.0, "Meets"),
        (74.9, "Meets"),
        (74.99, "Meets"),
        (75.0, "Fully meets"),
        (100.0, "Fully meets"),
    ],
)
def test_band_boundaries(pct, label):
    assert band(pct) == label


# --- Gaps and strengths -------------------------------------------------------


def test_priority_gaps_order_by_priority_then_lower_score_then_code():
    criteria = [
        make_criterion(1, "RT1.08", weight=1),  # score 0: gap 4, priority 1·4 = 4
        make_criterion(2, "RT1.02", weight=2),  # score 2: gap 2, priority 2·2 = 4 (ties with RT1.08)
        make_criterion(3, "RT1.03", weight=3),  # score 1: gap 3, priority 3·3 = 9
        make_criterion(5, "RT1.05", weight=2),  # score 1: gap 3, priority 2·3 = 6
        make_criterion(4, "RT1.04", weight=2),  # score 1: gap 3, priority 2·3 = 6 (ties with RT1.05)
        make_criterion(6, "RT1.06", weight=3),  # score 4: gap 0, not a gap
        make_criterion(7, "RT1.07", weight=1),  # score 3: gap 1, priority 1
    ]
    answers = [make_answer(cid, score) for cid, score in [(1, 0), (2, 2), (3, 1), (5, 1), (4, 1), (6, 4), (7, 3)]]
    gaps = priority_gaps(criteria, answers)
    # 9; then 6, 6 by code; then 4 with score 0 before 4 with score 2 (against code order); then 1
    assert codes(gaps) == ["RT1.03", "RT1.04", "RT1.05", "RT1.08", "RT1.02", "RT1.07"]
    assert [(g.gap, g.priority) for g in gaps] == [(3, 9), (3, 6), (3, 6), (4, 4), (2, 4), (1, 1)]
    assert codes(priority_gaps(criteria, answers, limit=3)) == ["RT1.03", "RT1.04", "RT1.05"]


def test_strengths_are_levels_3_and_4_highest_first():
    criteria = [
        make_criterion(1, weight=1),  # 4
        make_criterion(2, weight=3),  # 3
        make_criterion(3, weight=1),  # 3
        make_criterion(4, weight=2),  # 4
        make_criterion(5, weight=3),  # 2: not a strength
    ]
    answers = [make_answer(1, 4), make_answer(2, 3), make_answer(3, 3), make_answer(4, 4), make_answer(5, 2)]
    # level desc, then weight desc: (4,w2) (4,w1) (3,w3) (3,w1)
    assert codes(strengths(criteria, answers)) == ["RT1.04", "RT1.01", "RT1.02", "RT1.03"]


# --- Completeness ---------------------------------------------------------------


def test_completeness_counts_and_evidence_coverage():
    criteria = [make_criterion(i) for i in range(1, 9)]
    answers = [
        make_answer(1, 3, evidence=True),
        make_answer(2, 1, evidence=False),
        make_answer(3, 0, evidence=True),
        make_answer(4, na=True),
        make_answer(5, dont_know=True),
        make_answer(6, dont_know=True, evidence=True),
        make_answer(8),  # empty answer: unanswered; criterion 7 has none
        make_answer(99, 4),  # not one of these criteria: ignored
    ]
    result = completeness(criteria, answers)
    assert (result.total, result.scored, result.not_applicable, result.dont_know, result.unanswered) == (8, 3, 1, 2, 2)
    assert result.responded == 6  # 3 scored + 1 n/a + 2 don't know
    assert result.scored_with_evidence == 2
    # 2 of the 3 scored answers cite evidence = 66.67 %
    assert result.evidence_coverage == pytest.approx(66.666667, abs=1e-5)


def test_evidence_coverage_of_nothing_scored_is_none():
    result = completeness([make_criterion(1)], [make_answer(1, na=True)])
    assert result.scored == 0
    assert result.evidence_coverage is None


# --- Policy coherence -------------------------------------------------------------


def test_coherence_flag_at_two_levels_apart_and_not_at_one():
    criteria = [
        make_criterion(1, "RT2.01", rt="RT2"),  # 1
        make_criterion(2, "RT4.01", rt="RT4"),  # 3
        make_criterion(3, "RT2.02", rt="RT2"),  # 2
        make_criterion(4, "RT4.02", rt="RT4"),  # 3
        make_criterion(5, "RT1.01", rt="RT1"),  # 4
        make_criterion(6, "RT3.01", rt="RT3"),  # don't know
        make_criterion(7, "RT3.02", rt="RT3"),  # 0
    ]
    answers = [
        make_answer(1, 1),
        make_answer(2, 3),
        make_answer(3, 2),
        make_answer(4, 3),
        make_answer(5, 4),
        make_answer(6, dont_know=True),
        make_answer(7, 0),
    ]
    links = [
        LinkData(2, 1, "ethical recruitment"),  # |3 − 1| = 2: flagged
        LinkData(3, 4, "diaspora"),  # |2 − 3| = 1: not flagged
        LinkData(5, 6, "remittances"),  # one side not scored: skipped
        LinkData(5, 7, "health access"),  # |4 − 0| = 4: flagged, listed first
        LinkData(5, 42, "unknown criterion"),  # not in this framework: skipped
    ]
    flags = coherence_flags(criteria, answers, links)
    assert [(f.a.criterion.code, f.b.criterion.code, f.difference, f.reason) for f in flags] == [
        ("RT1.01", "RT3.02", 4, "health access"),
        ("RT4.01", "RT2.01", 2, "ethical recruitment"),
    ]


def test_unsupported_claims_are_levels_3_and_4_without_evidence():
    criteria = [make_criterion(i) for i in range(1, 6)]
    answers = [
        make_answer(1, 4, evidence=False),  # flagged
        make_answer(2, 3, evidence=True),
        make_answer(3, 3, evidence=False),  # flagged
        make_answer(4, 2, evidence=False),  # level 2 needs no evidence
        make_answer(5, na=True, evidence=False),
    ]
    assert codes(unsupported_claims(criteria, answers)) == ["RT1.01", "RT1.03"]


def test_scored_criteria_without_lead_institution():
    criteria = [make_criterion(i) for i in range(1, 5)]
    answers = [
        make_answer(1, 2, lead=""),
        make_answer(2, 3, lead="   "),
        make_answer(3, 1, lead="Ministry of Health"),
        make_answer(4, dont_know=True, lead=""),  # not scored: not listed
    ]
    assert codes(without_lead_institution(criteria, answers)) == ["RT1.01", "RT1.02"]


# --- Cross-walks and heat map -------------------------------------------------------

SAFE = "safe, orderly and regular migration"
RIGHTS = "migrant rights"
WHOLE = "whole-of-government / evidence-based policies"


def tagged_criteria():
    rows = [
        # id, round table, weight, sectors, key elements, SDG 10.7.2 domains, GCM objectives
        (1, "RT1", 1, ["health", "labour"], ["c"], [RIGHTS], [5, 6]),
        (2, "RT2", 2, ["labour"], ["c", "f"], [RIGHTS, SAFE], [6]),
        (3, "RT2", 3, ["health"], ["f"], [SAFE], [5]),
        (4, "RT3", 1, ["statistics"], ["e"], [WHOLE], [1]),
        (5, "RT3", 2, ["finance"], ["b"], [], [20]),
    ]
    return [
        make_criterion(i, rt=rt, weight=w, sectors=s, key_elements=k, sdg_domains=d, gcm_objectives=g)
        for i, rt, w, s, k, d, g in rows
    ]


def tagged_answers():
    # 1: level 4 (w1); 2: level 1 (w2); 3: not applicable; 4: level 0 (w1); 5: don't know
    return [
        make_answer(1, 4),
        make_answer(2, 1),
        make_answer(3, na=True),
        make_answer(4, 0),
        make_answer(5, dont_know=True),
    ]


def test_scores_per_policy_sector():
    assert scores_by_sector(tagged_criteria(), tagged_answers()) == {
        "finance": None,  # only don't know
        "health": 100.0,  # 1·4 / 1·4 (criterion 3 not applicable)
        "labour": 50.0,  # (1·4 + 2·1) / (3·4) = 6/12
        "statistics": 0.0,  # 1·0 / 1·4: a real zero, not None
    }


def test_scores_per_key_element():
    assert scores_by_key_element(tagged_criteria(), tagged_answers()) == {
        "b": None,  # only don't know
        "c": 50.0,  # criteria 1 and 2: (1·4 + 2·1) / 12
        "e": 0.0,  # criterion 4
        "f": 25.0,  # criterion 2 (3 n/a): 2·1 / 2·4 = 2/8
    }


def test_scores_per_sdg_domain():
    assert scores_by_sdg_domain(tagged_criteria(), tagged_answers()) == {
        RIGHTS: 50.0,  # criteria 1 and 2: 6/12
        SAFE: 25.0,  # criterion 2 (3 n/a): 2/8
        WHOLE: 0.0,  # criterion 4
    }


def test_scores_per_global_compact_objective_in_objective_order():
    result = scores_by_gcm_objective(tagged_criteria(), tagged_answers())
    assert result == {
        1: 0.0,  # criterion 4
        5: 100.0,  # criterion 1 (3 n/a)
        6: 50.0,  # criteria 1 and 2: 6/12
        20: None,  # only don't know
    }
    assert list(result) == [1, 5, 6, 20]


def test_sector_by_round_table_matrix_is_a_full_grid():
    criteria = tagged_criteria()[:3] + [make_criterion(6, rt="RT3")]  # RT3 has no sector tags
    answers = tagged_answers()[:3] + [make_answer(6, 2)]
    assert sector_round_table_matrix(criteria, answers) == {
        # health: RT1 criterion 1 = 4/4; RT2 only criterion 3, not applicable
        "health": {"RT1": 100.0, "RT2": None, "RT3": None},
        # labour: RT1 criterion 1 = 4/4; RT2 criterion 2 = 2·1 / 2·4 = 25 %
        "labour": {"RT1": 100.0, "RT2": 25.0, "RT3": None},
    }


# --- Progress --------------------------------------------------------------------


def test_progress_across_framework_versions_follows_lineage():
    # Version 1 (previous assessment). Version 2 (ids 20-23) copied it; version 3
    # (current assessment, ids 30-34) copied version 2 and renumbered codes.
    previous_criteria = [
        make_criterion(10, "RT1.05", weight=3),
        make_criterion(11, "RT1.01", weight=1),  # same code as current 30, but a different lineage
        make_criterion(12, "RT2.01", rt="RT2"),
        make_criterion(13, "RT2.02", rt="RT2"),
        make_criterion(14, "RT1.09"),  # dropped in a later version
    ]
    previous_answers = [
        make_answer(10, 1),
        make_answer(11, 4),
        make_answer(12, 2),
        make_answer(13, dont_know=True),
        make_answer(14, 2),
    ]
    current_criteria = [
        make_criterion(30, "RT1.01", weight=2, lineage=[30, 20, 10]),  # weight changed 3 → 2
        make_criterion(31, "RT1.02", weight=1, lineage=[31, 21, 11]),
        make_criterion(32, "RT2.01", rt="RT2", lineage=[32, 22, 12]),
        make_criterion(33, "RT2.02", rt="RT2", lineage=[33, 23, 13]),
        make_criterion(34, "RT1.03", lineage=[34]),  # new criterion
    ]
    current_answers = [
        make_answer(30, 3),
        make_answer(31, 2),
        # 32 unanswered now
        make_answer(33, 3),  # was don't know
        make_answer(34, 4),
    ]
    result = progress(current_criteria, current_answers, previous_criteria, previous_answers)

    assert [
        (c.criterion.code, c.previous_criterion.code, c.previous_score, c.current_score, c.delta)
        for c in result.criteria
    ] == [
        ("RT1.01", "RT1.05", 1, 3, +2),
        ("RT1.02", "RT1.01", 4, 2, -2),
    ]
    rt1, rt2 = result.round_tables
    # RT1 over the two compared criteria, current weights (2 and 1):
    # previous (2·1 + 1·4) / (3·4) = 6/12 = 50 %; current (2·3 + 1·2) / 12 = 8/12 = 66.67 %
    assert (rt1.round_table, rt1.compared, rt1.previous) == ("RT1", 2, 50.0)
    assert rt1.current == pytest.approx(66.666667, abs=1e-5)
    assert rt1.delta == pytest.approx(16.666667, abs=1e-5)
    # RT2: nothing scored in both assessments
    assert (rt2.round_table, rt2.compared, rt2.previous, rt2.current, rt2.delta) == ("RT2", 0, None, None, None)


def test_progress_on_the_same_framework_version_matches_by_id():
    criteria = [make_criterion(1, weight=2), make_criterion(2, weight=1)]
    result = progress(
        criteria, [make_answer(1, 2), make_answer(2, 4)], criteria, [make_answer(1, 0), make_answer(2, 4)]
    )
    assert [(c.criterion.code, c.delta) for c in result.criteria] == [("RT1.01", 2), ("RT1.02", 0)]
    # previous (2·0 + 1·4)/12 = 33.33 %; current (2·2 + 1·4)/12 = 66.67 %; delta 33.33
    assert result.round_tables[0].delta == pytest.approx(33.333333, abs=1e-5)


def test_match_prefers_the_nearest_common_ancestor():
    current = [make_criterion(40, lineage=[40, 30, 10])]
    previous = [
        make_criterion(31, "RT1.01", lineage=[31, 10]),  # shares only the original, 10
        make_criterion(30, "RT1.02", lineage=[30, 10]),  # is the direct parent, 30
    ]
    assert match_previous(current, previous)[40].id == 30


# --- Input checks -----------------------------------------------------------------


@pytest.mark.parametrize("score", [-1, 5])
def test_score_outside_the_scale_is_rejected(score):
    with pytest.raises(ValueError):
        AnswerData(
            criterion_id=1, score=score, not_applicable=False, dont_know=False, has_evidence=False, lead_institution=""
        )


@pytest.mark.parametrize("weight", [0, 4])
def test_weight_outside_1_to_3_is_rejected(weight):
    with pytest.raises(ValueError):
        make_criterion(1, weight=weight)


def test_answer_cannot_be_both_not_applicable_and_dont_know():
    with pytest.raises(ValueError):
        make_answer(1, na=True, dont_know=True)
