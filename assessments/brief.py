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

    @property
    def action_source(self) -> str:
        return SHORT_TITLES.get(self.action.source_file, self.action.source_file) if self.action else ""

    @property
    def support_source(self) -> str:
        return SHORT_TITLES.get(self.support.source_file, self.support.source_file) if self.support else ""


@dataclass(frozen=True)
class Brief:
    gaps: list[BriefGap]
    strengths: list[Row]
    flags: list[Flag]  # the most divergent coherence links, at most COHERENCE_FLAGS
    coherence: list[str]  # the coherence findings, one sentence each

    @property
    def sign_off(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(role, SIGN_OFF_FIELDS) for role in SIGN_OFF_ROLES]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def coherence_findings(report: Report) -> list[str]:
    flags = len(report.coherence_flags)
    return [
        (f"{_plural(flags, 'pair', 'pairs')} of linked policies {'is' if flags == 1 else 'are'} two or more levels apart."
         if flags else "No pair of linked policies is two or more levels apart."),
        (f"{_plural(len(report.without_lead_institution), 'scored criterion names', 'scored criteria name')} "
         "no lead institution." if report.without_lead_institution else "Every scored criterion names a lead institution."),
        (f"{_plural(len(report.unsupported), 'claim', 'claims')} of level 3 or 4 cite{'s' if len(report.unsupported) == 1 else ''}"
         " no evidence." if report.unsupported else "Every claim of level 3 or 4 cites evidence."),
    ]


def brief_content(report: Report) -> Brief:
    return Brief(
        gaps=[
            BriefGap(rank, row, row.actions[0] if row.actions else None, row.support[0] if row.support else None)
            for rank, row in enumerate(report.priority_gaps, start=1)
        ],
        strengths=report.strengths[:STRENGTHS],
        flags=sorted(report.coherence_flags, key=lambda f: -f.difference)[:COHERENCE_FLAGS],
        coherence=coherence_findings(report),
    )
