"""The plan section of a report: the plan's actions, the priority gaps without one, and the plan review.

``plan_section`` is called by ``build_report`` and runs a fixed number of
queries (the plan's actions with their notes, the previous plan's actions);
``plan_rows`` lays the section out as rows that every document (page, brief,
full PDF, Word file, CSV) can print without computing anything.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from . import plan_review, scoring
from .models import Action, ProgressNote


@dataclass(frozen=True)
class Note:
    date: date
    text: str
    author: str


@dataclass(frozen=True)
class PlannedAction:
    id: int
    criterion_id: int
    code: str
    statement: str
    level_now: int | None
    target_level: int
    target_date: date
    text: str
    source: str  # the recommended action's source file, or "" when the ministry wrote the action
    lead_institution: str
    partners: str
    support: str
    support_source: str
    indicator: str
    status: str
    status_label: str
    drop_reason: str
    completed_on: date | None
    carried_from_cycle: str
    notes: tuple[Note, ...]

    @property
    def is_open(self) -> bool:
        return self.status in Action.OPEN

    @property
    def source_label(self) -> str:
        if self.source:
            return _("Recommended action (%(source)s)") % {"source": self.source}
        return _("Written by the ministry")


@dataclass(frozen=True)
class PlanSection:
    actions: list[PlannedAction]  # the whole plan: priority gaps first, in the report's order, then by code
    priority_gaps: list  # the report's priority gaps (reports.Row), in its order
    unplanned_gaps: list  # those of them with no action that is planned, in progress or done
    review: plan_review.Review | None

    def actions_for(self, criterion_id: int) -> list[PlannedAction]:
        return [a for a in self.actions if a.criterion_id == criterion_id]


@dataclass(frozen=True)
class PlanRow:
    """One printed line of the plan: a criterion and one of its actions (None: nothing planned)."""

    code: str
    statement: str
    priority: int | None
    action: PlannedAction | None


def plan_rows(report, *, priority_only: bool = False) -> list[PlanRow]:
    """The plan as rows: for the brief the ten priority gaps, each with its actions or a row saying none is
    planned; otherwise every action of the plan. Pure: reads only ``report.plan``."""
    plan = report.plan
    if plan is None:
        return []
    if priority_only:
        rows = []
        for gap in plan.priority_gaps:
            actions = plan.actions_for(gap.id)
            rows += [PlanRow(gap.code, gap.statement, gap.priority, a) for a in actions] or [
                PlanRow(gap.code, gap.statement, gap.priority, None)
            ]
        return rows
    priorities = {gap.id: gap.priority for gap in plan.priority_gaps}
    return [PlanRow(a.code, a.statement, priorities.get(a.criterion_id), a) for a in plan.actions]


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def _planned(action: Action, rows: dict, carried_cycles: dict[int, str]) -> PlannedAction:
    row = rows.get(action.criterion_id)
    return PlannedAction(
        id=action.pk,
        criterion_id=action.criterion_id,
        code=action.criterion.code,
        statement=action.criterion.statement,
        level_now=row.score if row else None,
        target_level=action.target_level,
        target_date=action.target_date,
        text=action.text,
        source=action.recommended_action.source_file if action.recommended_action else "",
        lead_institution=action.lead_institution,
        partners=action.partners,
        support=action.support_text,
        support_source=action.support_available.source_file if action.support_available else "",
        indicator=action.indicator,
        status=action.status,
        status_label=action.get_status_display(),
        drop_reason=action.drop_reason,
        completed_on=action.completed_on,
        carried_from_cycle=carried_cycles.get(action.carried_from_id, ""),
        notes=tuple(Note(n.date, n.text, _name(n.author)) for n in action.notes.all()),
    )


def plan_section(assessment, previous, criteria_data, rows: dict, lineages: dict, priority_gaps: list,
                 today: date | None = None) -> PlanSection:
    today = today or timezone.localdate()
    actions = list(
        assessment.actions.select_related("criterion", "recommended_action", "support_available")
        .prefetch_related(Prefetch("notes", queryset=ProgressNote.objects.select_related("author")))
        .order_by("criterion__code", "pk")
    )
    previous_actions = (
        list(previous.actions.select_related("criterion").order_by("criterion__code", "pk")) if previous else []
    )
    carried_cycles = {a.pk: previous.cycle for a in previous_actions}
    planned = [_planned(a, rows, carried_cycles) for a in actions]
    rank = {gap.id: position for position, gap in enumerate(priority_gaps)}
    planned.sort(key=lambda a: (rank.get(a.criterion_id, len(rank)), a.code, a.id))
    covered = {a.criterion_id for a in planned if a.status != Action.Status.DROPPED}
    return PlanSection(
        actions=planned,
        priority_gaps=list(priority_gaps),
        unplanned_gaps=[gap for gap in priority_gaps if gap.id not in covered],
        review=_review(previous, previous_actions, actions, criteria_data, rows, lineages, today) if previous else None,
    )


def _review(previous, previous_actions, actions, criteria_data, rows, lineages, today) -> plan_review.Review:
    """Each previous action against the criteria that descend from its criterion (lineage), level now reached."""
    previous_criteria = {
        a.criterion_id: scoring.CriterionData(id=a.criterion_id, code=a.criterion.code, round_table="", theme="",
                                              weight=2, lineage=lineages.get(a.criterion_id, (a.criterion_id,)))
        for a in previous_actions
    }
    matches = scoring.match_previous(criteria_data, list(previous_criteria.values()))
    successors: dict[int, list] = {}
    for current in criteria_data:
        if current.id in matches:
            successors.setdefault(matches[current.id].id, []).append(current)
    # The latest status of a previous action: that of its copy in this plan, per part of a split criterion.
    copies = {(a.carried_from_id, a.criterion_id): a for a in actions if a.carried_from_id}
    items = []
    for old in previous_actions:
        for current in successors.get(old.criterion_id, []) or [None]:
            copy = copies.get((old.pk, current.id)) if current else None
            latest = copy or old
            row = rows.get(current.id) if current else None
            items.append(plan_review.ReviewInput(
                previous_code=old.criterion.code,
                current_code=current.code if current else "",
                text=old.text,
                target_level=old.target_level,
                target_date=old.target_date,
                status=latest.status,
                status_label=latest.get_status_display(),
                completed_on=latest.completed_on,
                level_now=row.score if row else None,
            ))
    return plan_review.review(previous.cycle, items, today)
