"""What the brief says, chosen once from a ``Report``: the PDF brief and the Word file both lay out this object.

The brief is the short document for a minister's desk (at most 8 A4 pages):
the overall score, the ten priority gaps each with its top recommended action
and the support available, the main strengths, completeness and evidence, the
coherence findings in a few lines, and a sign-off block. Pure functions: no
models, no queries.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .formatting import long_date
from .reports import SHORT_TITLES, Flag, Report, Row, Sourced

STRENGTHS = 5  # the main strengths: the five best-scored criteria of the highest weight
COHERENCE_FLAGS = 3  # the most divergent linked pairs named in the brief; the full report lists them all
# Who signs the brief before it circulates; each gets name, position, signature and date lines left blank.
SIGN_OFF_ROLES = (gettext_lazy("Prepared by (focal point)"), gettext_lazy("Reviewed by"),
                  gettext_lazy("Approved by (minister or delegate)"))
SIGN_OFF_FIELDS = (gettext_lazy("Name"), gettext_lazy("Position"), gettext_lazy("Signature"), gettext_lazy("Date"))


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
        return [self._plan_line(a) for a in self.planned]

    @staticmethod
    def _plan_line(a) -> str:
        values = {"text": a.text, "level": a.target_level, "date": long_date(a.target_date),
                  "status": a.status_label.lower(), "lead": a.lead_institution}
        if a.lead_institution:
            return _("%(text)s — target level %(level)s by %(date)s, %(status)s, lead: %(lead)s") % values
        return _("%(text)s — target level %(level)s by %(date)s, %(status)s") % values

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
        fields = tuple(str(name) for name in SIGN_OFF_FIELDS)
        return [(str(role), fields) for role in SIGN_OFF_ROLES]


def coherence_findings(report: Report) -> list[str]:
    flags, no_lead, unsupported = (len(report.coherence_flags), len(report.without_lead_institution),
                                   len(report.unsupported))
    return [
        _("No pair of linked policies is two or more levels apart.") if not flags else
        ngettext("%(count)d pair of linked policies is two or more levels apart.",
                 "%(count)d pairs of linked policies are two or more levels apart.", flags) % {"count": flags},
        _("Every scored criterion names a lead institution.") if not no_lead else
        ngettext("%(count)d scored criterion names no lead institution.",
                 "%(count)d scored criteria name no lead institution.", no_lead) % {"count": no_lead},
        _("Every claim of level 3 or 4 cites evidence.") if not unsupported else
        ngettext("%(count)d claim of level 3 or 4 cites no evidence.",
                 "%(count)d claims of level 3 or 4 cite no evidence.", unsupported) % {"count": unsupported},
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
