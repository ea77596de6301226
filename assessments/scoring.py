"""Scoring of an assessment: pure functions over plain values (DESIGN.md §3, §4).

Nothing here imports Django or touches the database. reports.py turns criteria,
responses and coherence links into the frozen dataclasses below and gets
numbers and small dataclasses back, so every rule is tested without a database.

Conventions
- Percentages are floats from 0 to 100 at full precision (integer sums, one
  division at the end). Round only when presenting, e.g. ``f"{pct:.1f}"``.
  Bands are decided on the raw value: 49.96 is "Partially meets" even though
  it displays as 50.0.
- ``None`` means "nothing to score" (no criteria, or all not applicable, don't
  know or unanswered). No data is not 0 %, and 0 % is a real score.
- An answer is *scored* when it has a level 0-4 and is neither "not applicable"
  nor "don't know"; those two flags win over a stale level. A criterion with no
  AnswerData, or with one that has no level and no flag, is *unanswered*.
- Answers for criteria not passed in are ignored.
- Lists keep the order of ``criteria`` (framework order) unless they are
  rankings; score groups are keyed in sorted order (RT1 < RT2, "a" < "b", 1 < 2).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

MAX_LEVEL = 4
STRENGTH_LEVEL = 3  # levels 3-4 are "well-developed" and are expected to cite evidence
COHERENCE_GAP = 2  # linked criteria this many levels apart contradict each other
# Upper bounds (exclusive) of each band; anything from 75 up is the top band.
BANDS = ((25.0, _("Requires further progress")), (50.0, _("Partially meets")), (75.0, _("Meets")))
TOP_BAND = _("Fully meets")

SCORED, NOT_APPLICABLE, DONT_KNOW, UNANSWERED = "scored", "not_applicable", "dont_know", "unanswered"

K = TypeVar("K", bound=Hashable)


# --- Inputs -----------------------------------------------------------------


@dataclass(frozen=True)
class CriterionData:
    id: int
    code: str  # e.g. "RT2.07"
    round_table: str  # e.g. "RT2"
    theme: str  # e.g. "RT2.A"
    weight: int  # 1-3
    key_elements: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    sdg_domains: tuple[str, ...] = ()
    gcm_objectives: tuple[int, ...] = ()
    lineage: tuple[int, ...] = ()  # own id, then the criteria it was copied from, nearest first

    def __post_init__(self) -> None:
        if not 1 <= self.weight <= 3:
            raise ValueError(f"{self.code}: weight must be 1-3, not {self.weight}")

    @property
    def ancestry(self) -> tuple[int, ...]:
        return self.lineage or (self.id,)


@dataclass(frozen=True)
class AnswerData:
    criterion_id: int
    score: int | None = None
    not_applicable: bool = False
    dont_know: bool = False
    has_evidence: bool = False
    lead_institution: str = ""

    def __post_init__(self) -> None:
        if self.score is not None and not 0 <= self.score <= MAX_LEVEL:
            raise ValueError(f"criterion {self.criterion_id}: score must be 0-{MAX_LEVEL}, not {self.score}")
        if self.not_applicable and self.dont_know:
            raise ValueError(f"criterion {self.criterion_id}: cannot be both not applicable and don't know")

    @property
    def status(self) -> str:
        if self.not_applicable:
            return NOT_APPLICABLE
        if self.dont_know:
            return DONT_KNOW
        return UNANSWERED if self.score is None else SCORED


@dataclass(frozen=True)
class LinkData:
    a_id: int
    b_id: int
    reason: str = ""


Criteria = Iterable[CriterionData]
Answers = Iterable[AnswerData]


# --- Outputs ----------------------------------------------------------------


@dataclass(frozen=True)
class ScoredCriterion:
    criterion: CriterionData
    answer: AnswerData

    @property
    def score(self) -> int:
        return self.answer.score  # type: ignore[return-value]  # never None once scored

    @property
    def gap(self) -> int:
        return MAX_LEVEL - self.score

    @property
    def priority(self) -> int:
        return self.criterion.weight * self.gap


@dataclass(frozen=True)
class Completeness:
    total: int
    scored: int
    not_applicable: int
    dont_know: int
    unanswered: int
    scored_with_evidence: int

    @property
    def responded(self) -> int:
        """Criteria with any answer: a level, not applicable or don't know."""
        return self.total - self.unanswered

    @property
    def evidence_coverage(self) -> float | None:
        """Percentage (0-100) of scored answers that cite evidence."""
        return 100 * self.scored_with_evidence / self.scored if self.scored else None


@dataclass(frozen=True)
class CoherenceFlag:
    a: ScoredCriterion
    b: ScoredCriterion
    reason: str

    @property
    def difference(self) -> int:
        return abs(self.a.score - self.b.score)


@dataclass(frozen=True)
class CriterionChange:
    criterion: CriterionData  # in the current framework version
    previous_criterion: CriterionData  # its match in the previous one
    previous_score: int
    current_score: int

    @property
    def delta(self) -> int:
        return self.current_score - self.previous_score


@dataclass(frozen=True)
class RoundTableChange:
    round_table: str
    previous: float | None
    current: float | None
    compared: int  # criteria scored in both assessments

    @property
    def delta(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class Lineage:
    """How the previous assessment's criteria became the current ones."""

    new: tuple[CriterionData, ...] = ()  # current criteria with no previous criterion on their line of copies
    splits: tuple[tuple[CriterionData, tuple[CriterionData, ...]], ...] = ()  # previous criterion, its 2+ successors
    removed: tuple[CriterionData, ...] = ()  # previous criteria that no current criterion descends from


@dataclass(frozen=True)
class Progress:
    criteria: tuple[CriterionChange, ...]
    round_tables: tuple[RoundTableChange, ...]
    lineage: Lineage = Lineage()


# --- Core -------------------------------------------------------------------


def scored(criteria: Criteria, answers: Answers) -> list[ScoredCriterion]:
    """The criteria that have a usable level, in the order given."""
    by_id = _by_criterion(answers)
    return [ScoredCriterion(c, by_id[c.id]) for c in criteria if _status(c, by_id) == SCORED]


def percentage(pairs: Iterable[tuple[int, int]]) -> float | None:
    """Σ weight·score / Σ weight·4 × 100 over (weight, score) pairs; None if empty."""
    earned = possible = 0
    for weight, score in pairs:
        earned += weight * score
        possible += weight * MAX_LEVEL
    return 100 * earned / possible if possible else None


def band(pct: float | None) -> str | None:
    if pct is None:
        return None
    return str(next((label for upper, label in BANDS if pct < upper), TOP_BAND))


def scores_by(
    criteria: Criteria, answers: Answers, keys: Callable[[CriterionData], Iterable[K]]
) -> dict[K, float | None]:
    """Percentage per group; a criterion counts once in each group that `keys` gives it.

    Every group that has a criterion is present, with None when none is scored.
    """
    criteria = list(criteria)
    groups: dict[K, list[ScoredCriterion]] = {}
    for c in criteria:
        for key in dict.fromkeys(keys(c)):  # dedupe, keep order
            groups.setdefault(key, [])
    for s in scored(criteria, answers):
        for key in dict.fromkeys(keys(s.criterion)):
            groups[key].append(s)
    return {key: _percentage_of(groups[key]) for key in sorted(groups)}  # type: ignore[type-var]


def scores_by_theme(criteria: Criteria, answers: Answers) -> dict[str, float | None]:
    return scores_by(criteria, answers, lambda c: (c.theme,))


def scores_by_round_table(criteria: Criteria, answers: Answers) -> dict[str, float | None]:
    return scores_by(criteria, answers, lambda c: (c.round_table,))


def scores_by_key_element(criteria: Criteria, answers: Answers) -> dict[str, float | None]:
    return scores_by(criteria, answers, lambda c: c.key_elements)


def scores_by_sector(criteria: Criteria, answers: Answers) -> dict[str, float | None]:
    return scores_by(criteria, answers, lambda c: c.sectors)


def scores_by_sdg_domain(criteria: Criteria, answers: Answers) -> dict[str, float | None]:
    return scores_by(criteria, answers, lambda c: c.sdg_domains)


def scores_by_gcm_objective(criteria: Criteria, answers: Answers) -> dict[int, float | None]:
    return scores_by(criteria, answers, lambda c: c.gcm_objectives)


def overall_score(round_table_scores: Mapping[str, float | None]) -> float | None:
    """Mean of the round-table percentages that exist: each round table counts
    equally, however many criteria it has, and one with nothing scored is left out."""
    present = [pct for pct in round_table_scores.values() if pct is not None]
    return sum(present) / len(present) if present else None


def sector_round_table_matrix(criteria: Criteria, answers: Answers) -> dict[str, dict[str, float | None]]:
    """sector -> round table -> percentage, a full grid for the heat map (None = no data)."""
    criteria = list(criteria)
    cells = scores_by(criteria, answers, lambda c: ((sector, c.round_table) for sector in c.sectors))
    round_tables = sorted({c.round_table for c in criteria})
    sectors = sorted({sector for c in criteria for sector in c.sectors})
    return {s: {rt: cells.get((s, rt)) for rt in round_tables} for s in sectors}


# --- Lists for the report ----------------------------------------------------


def priority_gaps(criteria: Criteria, answers: Answers, limit: int | None = 10) -> list[ScoredCriterion]:
    """Scored criteria below level 4, by priority (weight × gap) desc, then lower score, then code."""
    gaps = [s for s in scored(criteria, answers) if s.gap > 0]
    gaps.sort(key=lambda s: (-s.priority, s.score, s.criterion.code))
    return gaps[:limit]


def strengths(criteria: Criteria, answers: Answers, limit: int | None = 10) -> list[ScoredCriterion]:
    """Criteria at level 3-4, highest level first, then heavier weight, then code."""
    found = [s for s in scored(criteria, answers) if s.score >= STRENGTH_LEVEL]
    found.sort(key=lambda s: (-s.score, -s.criterion.weight, s.criterion.code))
    return found[:limit]


def completeness(criteria: Criteria, answers: Answers) -> Completeness:
    criteria = list(criteria)
    by_id = _by_criterion(answers)
    statuses = [_status(c, by_id) for c in criteria]
    return Completeness(
        total=len(criteria),
        scored=statuses.count(SCORED),
        not_applicable=statuses.count(NOT_APPLICABLE),
        dont_know=statuses.count(DONT_KNOW),
        unanswered=statuses.count(UNANSWERED),
        scored_with_evidence=sum(s.answer.has_evidence for s in scored(criteria, by_id.values())),
    )


def data_gaps(criteria: Criteria, answers: Answers) -> list[CriterionData]:
    """Criteria answered "don't know"."""
    by_id = _by_criterion(answers)
    return [c for c in criteria if _status(c, by_id) == DONT_KNOW]


def unsupported_claims(criteria: Criteria, answers: Answers) -> list[ScoredCriterion]:
    """Claims of level 3 or 4 that cite no evidence: accepted, but flagged."""
    return [s for s in scored(criteria, answers) if s.score >= STRENGTH_LEVEL and not s.answer.has_evidence]


def without_lead_institution(criteria: Criteria, answers: Answers) -> list[ScoredCriterion]:
    return [s for s in scored(criteria, answers) if not s.answer.lead_institution.strip()]


def coherence_flags(criteria: Criteria, answers: Answers, links: Iterable[LinkData]) -> list[CoherenceFlag]:
    """Links whose two criteria are both scored and 2 or more levels apart, widest first.

    Links to criteria not passed in, or not scored, cannot contradict anything and are skipped.
    """
    by_id = {s.criterion.id: s for s in scored(criteria, answers)}
    flags = [
        CoherenceFlag(by_id[link.a_id], by_id[link.b_id], link.reason)
        for link in links
        if link.a_id in by_id and link.b_id in by_id
    ]
    flags = [f for f in flags if f.difference >= COHERENCE_GAP]
    flags.sort(key=lambda f: (-f.difference, f.a.criterion.code, f.b.criterion.code))
    return flags


# --- Progress between two assessments ------------------------------------------


def match_previous(current: Criteria, previous: Criteria) -> dict[int, CriterionData]:
    """current criterion id -> the previous criterion on its line of copies.

    Lineages record copies: a current criterion matches the previous criterion
    it is (same version), or was copied from, transitively, the nearest first;
    if the previous assessment used a later version, the previous criterion
    copied from it (nearest, then code). Criteria that merely share an ancestor
    (copies made in two different versions) are not linked and never compared.
    """
    by_id = {p.id: p for p in previous}
    descendants: dict[int, list[tuple[int, str, CriterionData]]] = {}
    for p in by_id.values():
        for depth, ancestor in enumerate(p.ancestry[1:], start=1):
            descendants.setdefault(ancestor, []).append((depth, p.code, p))
    matches: dict[int, CriterionData] = {}
    for c in current:
        ancestor = next((by_id[a] for a in c.ancestry if a in by_id), None)
        if ancestor is not None:
            matches[c.id] = ancestor
        elif c.id in descendants:
            matches[c.id] = min(descendants[c.id], key=lambda t: t[:2])[2]
    return matches


def lineage(current: Sequence[CriterionData], previous: Sequence[CriterionData]) -> Lineage:
    """Which current criteria are new, which previous ones were split or removed (framework order)."""
    matches = match_previous(current, previous)
    successors: dict[int, list[CriterionData]] = {}
    for c in current:
        if c.id in matches:
            successors.setdefault(matches[c.id].id, []).append(c)
    return Lineage(
        new=tuple(c for c in current if c.id not in matches),
        splits=tuple((p, tuple(successors[p.id])) for p in previous if len(successors.get(p.id, ())) > 1),
        removed=tuple(p for p in previous if p.id not in successors),
    )


def progress(
    current_criteria: Sequence[CriterionData],
    current_answers: Answers,
    previous_criteria: Sequence[CriterionData],
    previous_answers: Answers,
) -> Progress:
    """Change per criterion and per round table, like for like.

    Only criteria that match across the two assessments (``match_previous``)
    and are scored in both are compared; new, removed and unscored ones are
    skipped, and both parts of a split are compared with the criterion split. Round-table
    percentages are computed over those same criteria, both sides weighted with
    the *current* weight, so the delta reflects changed scores rather than
    changed weights or a different set of answered criteria. Every round table
    of the current framework is listed; one with nothing to compare has None.
    """
    matches = match_previous(current_criteria, previous_criteria)
    before = {s.criterion.id: s.score for s in scored(previous_criteria, previous_answers)}
    changes = tuple(
        CriterionChange(s.criterion, matches[s.criterion.id], before[matches[s.criterion.id].id], s.score)
        for s in scored(current_criteria, current_answers)
        if s.criterion.id in matches and matches[s.criterion.id].id in before
    )
    round_tables = []
    for rt in sorted({c.round_table for c in current_criteria}):
        here = [ch for ch in changes if ch.criterion.round_table == rt]
        round_tables.append(
            RoundTableChange(
                round_table=rt,
                previous=percentage((ch.criterion.weight, ch.previous_score) for ch in here),
                current=percentage((ch.criterion.weight, ch.current_score) for ch in here),
                compared=len(here),
            )
        )
    return Progress(criteria=changes, round_tables=tuple(round_tables), lineage=lineage(current_criteria, previous_criteria))


# --- Helpers ----------------------------------------------------------------


def _by_criterion(answers: Answers) -> dict[int, AnswerData]:
    return {a.criterion_id: a for a in answers}


def _status(criterion: CriterionData, by_id: Mapping[int, AnswerData]) -> str:
    answer = by_id.get(criterion.id)
    return answer.status if answer else UNANSWERED


def _percentage_of(items: Iterable[ScoredCriterion]) -> float | None:
    return percentage((s.criterion.weight, s.score) for s in items)
