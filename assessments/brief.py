"""What the brief says, chosen once from a ``Report``: the PDF brief and the Word file both lay out this object.

The brief is the short document for a minister's desk (at most 8 A4 pages):
the overall score, the ten priority gaps each with its top recommended action
and the support available, the main strengths, completeness and evidence, the
coherence findings in a few lines, and a sign-off block. Pure functions: no
models, no queries.
"""

from dataclasses import dataclass

from .reports import SHORT_TITLES, Flag, Report, Row, Sourced

STRENGTHS = 5  # the main strengths: the five best-scored criteria of the highest weight
COHERENCE_FLAGS = 3  # the most divergent linked pairs named in the brief; the full report lists them all
# Who signs the brief before it circulates; each gets name, position, signature and date lines left blank.
SIGN_OFF_ROLES = ("Prepared by (focal point)", "Reviewed by", "Approved by (minister or delegate)")
SIGN_OFF_FIELDS = ("Name", "Position", "Signature", "Date")


@dataclass(frozen=True)
class BriefGap:
    rank: int
    row: Row
    action: Sourced | None  # the first recommended action, as the framework orders them
    support: Sourced | None  # the first support available
    planned: tuple = ()  # the action plan's actions for this criterion (plan_report.PlannedAction)

    @property
    def plan_lines(self) -> list[str]:
        """One line per planned action: what, by when, to which level, how far; "" when the report has no plan."""
        return [
            f"{a.text} — target level {a.target_level} by {a.target_date:%d %B %Y}, {a.status_label.lower()}"
            + (f", lead: {a.lead_institution}" if a.lead_institution else "")
            for a in self.planned
        ]

    @property
    def action_source(self) -> str:
        return SHORT_TITLES.get(self.action.source_file, self.action.source_file) if self.action else ""

    @property
    def support_source(self) -> str:
        return SHORT_TITLES.get(self.support.source_file, self.support.source_file) if self.support else ""


@dataclass(frozen=True)
class Brief:
    has_plan: bool  # whether the report carries the assessment's action plan
    gaps: list[BriefGap]
    strengths: list[Row]
    flags: list[Flag]  # the most divergent coherence links, at most COHERENCE_FLAGS
    coherence: list[str]  # the coherence findings, one sentence each

    @property
    def sign_off(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(role, SIGN_OFF_FIELDS) for role in SIGN_OFF_ROLES]


def coherence_findings(report: Report) -> list[str]:
    flags, no_lead, unsupported = (len(report.coherence_flags), len(report.without_lead_institution),
                                   len(report.unsupported))
    return [
        "No pair of linked policies is two or more levels apart." if not flags else
        "1 pair of linked policies is two or more levels apart." if flags == 1 else
        f"{flags} pairs of linked policies are two or more levels apart.",
        "Every scored criterion names a lead institution." if not no_lead else
        "1 scored criterion names no lead institution." if no_lead == 1 else
        f"{no_lead} scored criteria name no lead institution.",
        "Every claim of level 3 or 4 cites evidence." if not unsupported else
        "1 claim of level 3 or 4 cites no evidence." if unsupported == 1 else
        f"{unsupported} claims of level 3 or 4 cite no evidence.",
    ]


def brief_content(report: Report) -> Brief:
    return Brief(
        has_plan=report.plan is not None,
        gaps=[
            BriefGap(rank, row, row.actions[0] if row.actions else None, row.support[0] if row.support else None,
                     tuple(report.plan.actions_for(row.id)) if report.plan else ())
            for rank, row in enumerate(report.priority_gaps, start=1)
        ],
        strengths=report.strengths[:STRENGTHS],
        flags=sorted(report.coherence_flags, key=lambda f: -f.difference)[:COHERENCE_FLAGS],
        coherence=coherence_findings(report),
    )
