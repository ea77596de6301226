"""Gather everything a gap report shows into one dataclass (DESIGN §4).

``build_report(assessment)`` runs a fixed number of queries, turns rows into
the plain values of ``scoring`` and returns a ``Report``; the HTML page, the
PDF and the CSV all render that object and compute nothing themselves.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from . import scoring
from .plan_report import PlanSection, plan_section
from .models import Assessment, CoherenceLink, Criterion, GcmObjective, Response, RoundTable, Theme

SOURCES = {
    "000_036961950a98d25a.txt": "IOM, “IOM activities and possible high road scenarios for the four round-table themes” (2013)",
    "001_3a4de5dbde7e8b52.txt": "IOM input to the Eleventh Coordination Meeting on International Migration (February 2013)",
    "002_645de83a43284f23.txt": "IOM Council, CRP/43, outcomes of the 2013 High-level Dialogue (November 2013)",
    "003_addb3458094da28a.txt": "UN system (IOM/UNFPA/GMG), proposed recommendations and outcomes for the 2013 HLD",
    "004_3ad2074d6c553691.txt": "IOM activities relevant to the 2006 High-level Dialogue",
}
# The sources are English documents: their titles stay as published, in every language of the report.
# How the documents cite a source: a short title (from each seed's first lines); the file name only in the annex.
SHORT_TITLES = {
    "000_036961950a98d25a.txt": "IOM 2013, high road scenarios",
    "001_3a4de5dbde7e8b52.txt": "IOM 2013, input to the 11th Coordination Meeting",
    "002_645de83a43284f23.txt": "IOM Council 2013, CRP/43",
    "003_addb3458094da28a.txt": "UN system 2013, HLD recommendations",
    "004_3ad2074d6c553691.txt": "IOM 2006, activities for the HLD",
}
# A text longer than this moves from a table cell to the annex, where it runs the full width of the page.
LONG_TEXT = 600
STATUS_LABELS = {
    scoring.SCORED: gettext_lazy("Scored"),
    scoring.NOT_APPLICABLE: gettext_lazy("Not applicable"),
    scoring.DONT_KNOW: gettext_lazy("Don't know"),
    scoring.UNANSWERED: gettext_lazy("Unanswered"),
}


@dataclass(frozen=True)
class Sourced:
    text: str
    source_file: str
    excerpt: str


@dataclass(frozen=True)
class Row:
    """One criterion and its answer, as every table of the report shows it."""

    id: int
    code: str
    statement: str
    round_table: str
    theme: str
    weight: int
    status: str
    score: int | None
    justification: str
    evidence: str
    evidence_url: str
    confidence: str
    lead_institution: str
    actions: tuple[Sourced, ...]
    support: tuple[Sourced, ...]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def answer(self) -> str:
        return _("Level %(score)s") % {"score": self.score} if self.status == scoring.SCORED else self.status_label

    @property
    def gap(self) -> int | None:
        return scoring.MAX_LEVEL - self.score if self.score is not None and self.status == scoring.SCORED else None

    @property
    def priority(self) -> int | None:
        return None if self.gap is None else self.weight * self.gap

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence or self.evidence_url)

    @property
    def evidence_is_long(self) -> bool:
        return len(self.evidence) > LONG_TEXT

    @property
    def justification_is_long(self) -> bool:
        return len(self.justification) > LONG_TEXT

    @property
    def evidence_link(self) -> str:
        """The evidence URL when it is one a reader may follow (the form allows only http and https)."""
        return self.evidence_url if self.evidence_url.startswith(("https://", "http://")) else ""


@dataclass(frozen=True)
class Score:
    label: str
    percent: float | None

    @property
    def band(self) -> str | None:
        return scoring.band(self.percent)


@dataclass(frozen=True)
class ThemeSection:
    code: str
    title: str
    score: Score
    rows: list[Row]


@dataclass(frozen=True)
class RoundTableSection:
    number: int
    code: str
    title: str
    score: Score
    themes: list[ThemeSection]
    gaps: list[Row]  # criteria with a gap, highest priority first

    @property
    def answered(self) -> list[Row]:
        return [row for theme in self.themes for row in theme.rows if row.status != scoring.UNANSWERED]

    @property
    def unanswered(self) -> list[Row]:
        return [row for theme in self.themes for row in theme.rows if row.status == scoring.UNANSWERED]


@dataclass(frozen=True)
class Flag:
    a: Row
    b: Row
    reason: str
    difference: int


@dataclass(frozen=True)
class Change:
    code: str
    statement: str
    previous: int
    current: int
    previous_code: str = ""  # the criterion it was compared with, when the framework version changed

    @property
    def delta(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True)
class ProgressSection:
    previous_label: str
    same_framework: bool
    round_tables: list[tuple[str, float | None, float | None, float | None, int]]  # code, before, now, change, n
    changes: list[Change]
    # Across framework versions (empty on the same one): (code, statement) of criteria new in this version, of
    # previous criteria removed from it, and (previous code, statement, [current codes]) of criteria split.
    new: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    splits: list[tuple[str, str, list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class RecordEntry:
    """One row of the transition log, as the approval record shows it."""

    action: str
    actor: str
    at: datetime
    comment: str


@dataclass(frozen=True)
class Report:
    assessment_id: int
    revision: int
    government: str
    cycle: str
    framework: str
    status: str
    is_approved: bool
    generated_at: datetime
    overall: Score
    round_tables: list[RoundTableSection]
    priority_gaps: list[Row]
    strengths: list[Row]
    completeness: scoring.Completeness
    coherence_flags: list[Flag]
    sector_heatmap: list[tuple[str, list[float | None]]]  # sector name, score per round table (report order)
    without_lead_institution: list[Row]
    unsupported: list[Row]
    data_gaps: list[Row]
    progress: ProgressSection | None
    key_element_scores: list[Score]
    sector_scores: list[Score]
    sdg_scores: list[Score]
    gcm_scores: list[Score]
    rows: list[Row]
    submitted: tuple[str, datetime] | None
    approved: tuple[str, datetime] | None
    sources: list[tuple[str, str]] = field(default_factory=list)
    record: list[RecordEntry] = field(default_factory=list)  # every start, submit, return, approval, oldest first
    plan: PlanSection | None = None  # the action plan, the priority gaps without an action, the plan review

    @property
    def long_texts(self) -> list[Row]:
        """Rows whose justification or evidence is too long for a table cell: the annex prints them in full."""
        return [row for row in self.rows if row.evidence_is_long or row.justification_is_long]

    @property
    def title(self) -> str:
        return _("%(government)s %(cycle)s — gap report") % {"government": self.government, "cycle": self.cycle}

    @property
    def crosswalk(self) -> list[tuple[str, list[Score]]]:
        return [
            (_("SDG indicator 10.7.2 domains"), self.sdg_scores),
            (_("Global Compact for Migration objectives"), self.gcm_scores),
            (_("Key elements of the 2013 high road scenarios"), self.key_element_scores),
            (_("Policy sectors"), self.sector_scores),
        ]

    @property
    def file_stem(self) -> str:
        return file_stem(self.government, self.cycle, "gap-report")


def file_stem(government: str, cycle: str, kind: str) -> str:
    """A download's name without extension: letters, digits and dashes only (no quote, no line break)."""
    return re.sub(r"[^\w]+", "-", f"{government}-{cycle}-{kind}").strip("-")


def _criteria(version_id: int) -> list[Criterion]:
    return list(
        Criterion.objects.filter(version=version_id)
        .select_related("theme__round_table")
        .prefetch_related("key_elements", "sectors", "sdg_domains", "gcm_objectives", "recommended_actions",
                          "support_available")
        .order_by("code")
    )


def _lineages(*versions: int) -> dict[int, tuple[int, ...]]:
    """Each criterion's id followed by the ids it was copied from, nearest first (one query)."""
    parents = dict(Criterion.objects.values_list("id", "copied_from_id"))
    lineages = {}
    for criterion_id in Criterion.objects.filter(version__in=versions).values_list("id", flat=True):
        chain = [criterion_id]
        while parents.get(chain[-1]) and len(chain) < 50:
            chain.append(parents[chain[-1]])
        lineages[criterion_id] = tuple(chain)
    return lineages


def _criterion_data(c: Criterion, lineage: tuple[int, ...]) -> scoring.CriterionData:
    return scoring.CriterionData(
        id=c.pk,
        code=c.code,
        round_table=c.theme.round_table.code,
        theme=c.theme.code,
        weight=c.weight,
        key_elements=tuple(k.code for k in c.key_elements.all()),
        sectors=tuple(s.code for s in c.sectors.all()),
        sdg_domains=tuple(d.code for d in c.sdg_domains.all()),
        gcm_objectives=tuple(o.number for o in c.gcm_objectives.all()),
        lineage=lineage,
    )


def _answer_data(r: Response) -> scoring.AnswerData:
    return scoring.AnswerData(
        criterion_id=r.criterion_id,
        score=r.score,
        not_applicable=r.not_applicable,
        dont_know=r.dont_know,
        has_evidence=bool(r.evidence or r.evidence_url),
        lead_institution=r.lead_institution,
    )


def _row(c: Criterion, data: scoring.CriterionData, answer: scoring.AnswerData | None, response: Response | None) -> Row:
    status = answer.status if answer else scoring.UNANSWERED
    return Row(
        id=c.pk,
        code=c.code,
        statement=c.statement,
        round_table=data.round_table,
        theme=data.theme,
        weight=c.weight,
        status=status,
        score=answer.score if answer and status == scoring.SCORED else None,
        justification=response.justification if response else "",
        evidence=response.evidence if response else "",
        evidence_url=response.evidence_url if response else "",
        confidence=response.get_confidence_display() if response else "",
        lead_institution=response.lead_institution if response else "",
        actions=tuple(Sourced(a.text, a.source_file, a.excerpt) for a in c.recommended_actions.all()),
        support=tuple(Sourced(s.text, s.source_file, s.excerpt) for s in c.support_available.all()),
    )


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The government's latest approved assessment of an earlier cycle."""
    return (
        Assessment.objects.filter(government=assessment.government_id, status=Assessment.Status.APPROVED,
                                  cycle__lt=assessment.cycle)
        .exclude(pk=assessment.pk)
        .order_by("-cycle")
        .first()
    )


def build_report(assessment: Assessment) -> Report:
    version_id = assessment.framework_version_id
    criteria = _criteria(version_id)
    responses = {r.criterion_id: r for r in assessment.responses.all()}
    round_tables = list(
        RoundTable.objects.filter(version=version_id)
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("order", "code")))
        .order_by("number")
    )
    links = list(CoherenceLink.objects.filter(from_criterion__version=version_id).values_list(
        "from_criterion_id", "to_criterion_id", "reason"))
    previous = previous_assessment(assessment)
    versions = [version_id] + ([previous.framework_version_id] if previous else [])
    lineages = _lineages(*versions)

    data = {c.pk: _criterion_data(c, lineages.get(c.pk, (c.pk,))) for c in criteria}
    answers = {cid: _answer_data(r) for cid, r in responses.items()}
    rows = {c.pk: _row(c, data[c.pk], answers.get(c.pk), responses.get(c.pk)) for c in criteria}
    criteria_data, answer_data = list(data.values()), list(answers.values())

    rt_scores = scoring.scores_by_round_table(criteria_data, answer_data)
    theme_scores = scoring.scores_by_theme(criteria_data, answer_data)
    by_theme: dict[str, list[Row]] = {}
    for row in rows.values():
        by_theme.setdefault(row.theme, []).append(row)

    def ranked(items: list[scoring.ScoredCriterion]) -> list[Row]:
        return [rows[item.criterion.id] for item in items]

    sections = []
    for rt in round_tables:
        themes = [
            ThemeSection(t.code, t.title, Score(t.title, theme_scores.get(t.code)), by_theme.get(t.code, []))
            for t in rt.themes.all()
        ]
        rt_criteria = [d for d in criteria_data if d.round_table == rt.code]
        gaps = ranked(scoring.priority_gaps(rt_criteria, answer_data, limit=None))
        sections.append(RoundTableSection(rt.number, rt.code, rt.title, Score(rt.code, rt_scores.get(rt.code)), themes, gaps))

    names = _tag_names(criteria)
    matrix = scoring.sector_round_table_matrix(criteria_data, answer_data)
    heatmap = sorted(
        ((names["sectors"][code], [values.get(rt.code) for rt in round_tables]) for code, values in matrix.items()),
        key=lambda item: item[0],
    )
    gcm_titles = dict(GcmObjective.objects.values_list("number", "title"))
    priority = ranked(scoring.priority_gaps(criteria_data, answer_data, limit=10))

    return Report(
        assessment_id=assessment.pk,
        revision=assessment.revision,
        government=assessment.government.name,
        cycle=assessment.cycle,
        framework=assessment.framework_version.name,
        status=assessment.get_status_display(),
        is_approved=assessment.is_approved,
        generated_at=timezone.now(),
        overall=Score(_("Overall"), scoring.overall_score(rt_scores)),
        round_tables=sections,
        priority_gaps=priority,
        strengths=ranked(scoring.strengths(criteria_data, answer_data, limit=10)),
        completeness=scoring.completeness(criteria_data, answer_data),
        coherence_flags=[
            Flag(rows[f.a.criterion.id], rows[f.b.criterion.id], f.reason, f.difference)
            for f in scoring.coherence_flags(criteria_data, answer_data, [scoring.LinkData(a, b, r) for a, b, r in links])
        ],
        sector_heatmap=heatmap,
        without_lead_institution=ranked(scoring.without_lead_institution(criteria_data, answer_data)),
        unsupported=ranked(scoring.unsupported_claims(criteria_data, answer_data)),
        data_gaps=[rows[c.id] for c in scoring.data_gaps(criteria_data, answer_data)],
        progress=_progress(assessment, previous, criteria_data, answer_data, rows, lineages),
        key_element_scores=[
            Score(f"({code}) {names['key_elements'][code]}", pct)
            for code, pct in scoring.scores_by_key_element(criteria_data, answer_data).items()
        ],
        sector_scores=sorted(
            (Score(names["sectors"][code], pct) for code, pct in scoring.scores_by_sector(criteria_data, answer_data).items()),
            key=lambda s: s.label,
        ),
        sdg_scores=[
            Score(names["sdg_domains"][code], pct)
            for code, pct in scoring.scores_by_sdg_domain(criteria_data, answer_data).items()
        ],
        gcm_scores=[
            Score(f"{number}. {gcm_titles.get(number, '')}", pct)
            for number, pct in scoring.scores_by_gcm_objective(criteria_data, answer_data).items()
        ],
        rows=list(rows.values()),
        submitted=(_name(assessment.submitted_by), assessment.submitted_at) if assessment.submitted_at else None,
        approved=(_name(assessment.approved_by), assessment.approved_at) if assessment.approved_at else None,
        record=[RecordEntry(e.get_action_display(), e.actor_name, e.at, e.comment)
                for e in assessment.events.select_related("actor")],
        sources=sorted({(c.source_file, SOURCES.get(c.source_file, c.source_file)) for c in criteria}
                       | {(s.source_file, SOURCES.get(s.source_file, s.source_file)) for r in rows.values()
                          for s in r.actions + r.support}),
        plan=plan_section(assessment, previous, criteria_data, rows, lineages, priority),
    )


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def _tag_names(criteria: list[Criterion]) -> dict[str, dict]:
    names: dict[str, dict] = {"key_elements": {}, "sectors": {}, "sdg_domains": {}}
    for c in criteria:
        names["key_elements"].update((k.code, k.title) for k in c.key_elements.all())
        names["sectors"].update((s.code, s.name) for s in c.sectors.all())
        names["sdg_domains"].update((d.code, d.name) for d in c.sdg_domains.all())
    return names


def _progress(assessment, previous, criteria_data, answer_data, rows, lineages) -> ProgressSection | None:
    if previous is None:
        return None
    previous_rows = _criteria(previous.framework_version_id)
    statements = {c.pk: c.statement for c in previous_rows}
    previous_criteria = [_criterion_data(c, lineages.get(c.pk, (c.pk,))) for c in previous_rows]
    previous_answers = [_answer_data(r) for r in previous.responses.all()]
    result = scoring.progress(criteria_data, answer_data, previous_criteria, previous_answers)
    found = result.lineage
    return ProgressSection(
        previous_label=_("%(cycle)s (approved)") % {"cycle": previous.cycle},
        same_framework=previous.framework_version_id == assessment.framework_version_id,
        round_tables=[(c.round_table, c.previous, c.current, c.delta, c.compared) for c in result.round_tables],
        changes=[
            Change(c.criterion.code, rows[c.criterion.id].statement, c.previous_score, c.current_score,
                   c.previous_criterion.code)
            for c in result.criteria
            if c.delta != 0
        ],
        new=[(c.code, rows[c.id].statement) for c in found.new],
        removed=[(c.code, statements[c.id]) for c in found.removed],
        splits=[(p.code, statements[p.id], [c.code for c in parts]) for p, parts in found.splits],
    )
