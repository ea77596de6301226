"""Writes on action plans: add, update, drop an action, add a progress note, carry a plan to the next cycle.

Keyword-only functions, each in one transaction, that lock the assessment
before they check who may write and raise a ``PlanError`` with a message a
person understands. Contributors and focal points edit their government's
plan at any status: the plan outlives the assessment's approval. Every write
bumps the revision of the assessment and of its government's later ones, so
their cached reports (which show this plan, or review it) are rendered again.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import scoring
from .models import Action, Assessment, Criterion, Membership, ProgressNote, RecommendedAction, SupportAvailable


class PlanError(Exception):
    pass


class PlanNotAllowed(PlanError):
    pass


@dataclass(frozen=True)
class ActionInput:
    """An action as entered on the plan's form."""

    criterion_id: int
    target_level: int
    target_date: date
    text: str = ""
    recommended_action_id: int | None = None
    lead_institution: str = ""
    partners: str = ""
    support_text: str = ""
    support_available_id: int | None = None
    indicator: str = ""
    status: str = Action.Status.PLANNED
    drop_reason: str = ""
    completed_on: date | None = None  # when it was done; empty: the day it is marked done


def can_edit_plan(membership: Membership | None) -> bool:
    """Contributors and focal points edit their government's plan, whatever the assessment's status."""
    return membership is not None and membership.can_edit


def _locked_assessment(assessment: Assessment, user) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    membership = Membership.objects.filter(user=user, government_id=locked.government_id).first()
    if not can_edit_plan(membership):
        raise PlanNotAllowed(_("Only the government's contributors and focal points can change its action plan."))
    return locked


def _touch(assessment: Assessment) -> None:
    # update(), not save(): an approved assessment refuses save(), and its plan must stay editable.
    Assessment.objects.filter(government_id=assessment.government_id, cycle__gte=assessment.cycle).update(
        revision=F("revision") + 1
    )


def _apply(action: Action, data: ActionInput, assessment: Assessment) -> None:
    if not Criterion.objects.filter(pk=data.criterion_id, version=assessment.framework_version_id).exists():
        raise PlanError(_("The action names a criterion that is not part of this assessment."))
    recommended = None
    if data.recommended_action_id:
        recommended = RecommendedAction.objects.filter(pk=data.recommended_action_id,
                                                       criterion_id=data.criterion_id).first()
        if recommended is None:
            raise PlanError(_("Choose one of this criterion's recommended actions, or write your own."))
    support = None
    if data.support_available_id:
        support = SupportAvailable.objects.filter(pk=data.support_available_id, criterion_id=data.criterion_id).first()
        if support is None:
            raise PlanError(_("Choose support listed for this criterion, or describe the support sought."))
    text = data.text.strip() or (recommended.text if recommended else "")
    if not text:
        raise PlanError(_("Write the action, or choose one of the recommended actions."))
    status = data.status
    if status not in Action.Status.values:
        raise PlanError(_("Choose a status: planned, in progress, done or dropped."))
    if status == Action.Status.DROPPED and not data.drop_reason.strip():
        raise PlanError(_("Say why the action is dropped."))
    action.criterion_id = data.criterion_id
    action.target_level = data.target_level
    action.target_date = data.target_date
    action.text = text
    action.recommended_action = recommended
    action.lead_institution = data.lead_institution.strip()
    action.partners = data.partners.strip()
    action.support_available = support
    action.support_text = data.support_text.strip() or (support.text if support else "")
    action.indicator = data.indicator.strip()
    if status == Action.Status.DONE:
        completed = data.completed_on or action.completed_on or timezone.localdate()
        if completed > timezone.localdate():
            raise PlanError(_("The date the action was done cannot be in the future."))
        action.completed_on = completed
    else:
        action.completed_on = None
    action.status = status
    action.drop_reason = data.drop_reason.strip() if status == Action.Status.DROPPED else ""


def _label(name: str) -> str:
    if name == "__all__":
        return _("Action")
    return str(Action._meta.get_field(name).verbose_name).capitalize()


def _save(action: Action, user, reason: str = "") -> None:

    action.updated_by = user
    action._history_user = user
    if reason:
        action._change_reason = reason
    try:
        action.full_clean(exclude=["assessment", "criterion", "carried_from"])
    except ValidationError as error:
        raise PlanError(" ".join(
            f"{_label(name)}: {message}" for name, messages in error.message_dict.items() for message in messages
        )) from error
    action.save()


@transaction.atomic
def action_add(*, assessment: Assessment, user, data: ActionInput) -> Action:
    assessment = _locked_assessment(assessment, user)
    action = Action(assessment=assessment)
    _apply(action, data, assessment)
    _save(action, user)
    _touch(assessment)
    return action


@transaction.atomic
def action_update(*, action: Action, user, data: ActionInput) -> Action:
    """Change an action (its status too); returns it unchanged, and records nothing, if nothing changed."""
    assessment = _locked_assessment(action.assessment, user)
    action = Action.objects.select_for_update().get(pk=action.pk, assessment=assessment)
    if data.criterion_id != action.criterion_id:
        raise PlanError(_("An action stays with its criterion; add a new action for another criterion."))
    before = _values(action)
    _apply(action, data, assessment)
    if _values(action) == before:
        return action
    _save(action, user)
    _touch(assessment)
    return action


@transaction.atomic
def action_drop(*, action: Action, user, reason: str) -> Action:
    current = Action.objects.get(pk=action.pk)
    return action_update(action=current, user=user, data=action_input(current, status=Action.Status.DROPPED,
                                                                   drop_reason=reason))


@transaction.atomic
def progress_note_add(*, action: Action, user, text: str, on: date | None = None) -> ProgressNote:
    assessment = _locked_assessment(action.assessment, user)
    action = Action.objects.get(pk=action.pk, assessment=assessment)
    text = text.strip()
    if not text:
        raise PlanError(_("Write the progress note."))
    if len(text) > Action.TEXT_LIMIT:
        raise PlanError(_("A progress note has at most %(n)d characters.") % {"n": Action.TEXT_LIMIT})
    note = ProgressNote(action=action, date=on or timezone.localdate(), text=text, author=user)
    note._history_user = user
    note.save()
    _touch(assessment)
    return note


def _values(action: Action) -> tuple:
    return tuple(getattr(action, name) for name in FIELDS)


FIELDS = ["target_level", "target_date", "text", "recommended_action_id", "lead_institution", "partners",
          "support_text", "support_available_id", "indicator", "status", "drop_reason", "completed_on"]


def action_input(action: Action, **changes) -> ActionInput:
    """The action as an ``ActionInput``, with ``changes`` applied (for a write that changes a field or two)."""
    values = {
        "criterion_id": action.criterion_id, "target_level": action.target_level, "target_date": action.target_date,
        "text": action.text, "recommended_action_id": action.recommended_action_id,
        "lead_institution": action.lead_institution, "partners": action.partners,
        "support_text": action.support_text, "support_available_id": action.support_available_id,
        "indicator": action.indicator, "status": action.status, "drop_reason": action.drop_reason,
        "completed_on": action.completed_on,
    }
    return ActionInput(**{**values, **changes})


def _descendants(previous_criteria: list[Criterion], version_id: int) -> dict[int, list[Criterion]]:
    """previous criterion id -> the criteria of ``version_id`` on its line of copies (two for a split)."""
    parents = dict(Criterion.objects.values_list("id", "copied_from_id"))

    def chain(criterion_id: int) -> tuple[int, ...]:
        ids = [criterion_id]
        while parents.get(ids[-1]) and len(ids) < 50:
            ids.append(parents[ids[-1]])
        return tuple(ids)

    current = list(Criterion.objects.filter(version=version_id).order_by("code"))
    data = lambda c: scoring.CriterionData(id=c.pk, code=c.code, round_table="", theme="", weight=2,  # noqa: E731
                                           lineage=chain(c.pk))
    matches = scoring.match_previous([data(c) for c in current], [data(c) for c in previous_criteria])
    result: dict[int, list[Criterion]] = {}
    for c in current:
        if c.pk in matches:
            result.setdefault(matches[c.pk].id, []).append(c)
    return result


def _same_text(items, text: str):
    return next((item for item in items if item.text == text), None)


@transaction.atomic
def plan_carry_over(*, assessment: Assessment, user) -> int:
    """Carry the open actions (planned, in progress) of the government's latest approved earlier plan into
    ``assessment``'s plan, as its starting point; returns how many actions were created.

    On a newer framework version each action follows its criterion's line of copies: to both parts of a
    split criterion, nowhere if the criterion was removed. Done and dropped actions stay in the earlier plan,
    where the new report's plan review reads them.
    """
    from .reports import previous_assessment

    previous = previous_assessment(assessment)
    if previous is None:
        return 0
    open_actions = list(
        previous.actions.filter(status__in=Action.OPEN).select_related("criterion", "recommended_action",
                                                                        "support_available")
    )
    if not open_actions:
        return 0
    descendants = _descendants([a.criterion for a in open_actions], assessment.framework_version_id)
    targets = {c.pk for parts in descendants.values() for c in parts}
    recommended = {}
    support = {}
    for item in RecommendedAction.objects.filter(criterion__in=targets):
        recommended.setdefault(item.criterion_id, []).append(item)
    for item in SupportAvailable.objects.filter(criterion__in=targets):
        support.setdefault(item.criterion_id, []).append(item)
    created = 0
    for old in open_actions:
        for criterion in descendants.get(old.criterion_id, []):
            same_source = old.recommended_action and _same_text(recommended.get(criterion.pk, []),
                                                                  old.recommended_action.text)
            same_support = old.support_available and _same_text(support.get(criterion.pk, []),
                                                                  old.support_available.text)
            copy = Action(
                assessment=assessment, criterion=criterion, target_level=old.target_level,
                target_date=old.target_date, text=old.text, recommended_action=same_source or None,
                lead_institution=old.lead_institution, partners=old.partners, support_text=old.support_text,
                support_available=same_support or None, indicator=old.indicator, status=old.status,
                carried_from=old, updated_by=user,
            )
            copy._history_user = user
            copy._change_reason = _("Carried over from the %(cycle)s plan (%(code)s)") % {
                "cycle": previous.cycle, "code": old.criterion.code}
            copy.save()
            created += 1
    _touch(assessment)
    return created
