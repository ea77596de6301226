"""Writes on assessments: start, save a round table's answers, submit, approve, return, delete (DESIGN §5).

Each is a keyword-only function in one transaction that raises an
``AssessmentError`` with a message a person understands. Each takes the
assessment's row lock first and checks its preconditions on the locked row, so
a concurrent save or transition cannot slip between the check and the write;
each transition writes a row of the log (``AssessmentEvent``) in the same
transaction and mails the members after the commit (``notifications.py``).
"""

import hashlib
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import documents
from .models import Assessment, AssessmentEvent, Criterion, FrameworkVersion, Government, Membership, Response
from .models.assessment import CYCLE_MESSAGE, cycle_validator
from .models.perspective import describe
from .notifications import notify_transition
from .plans import plan_carry_over

logger = logging.getLogger(__name__)


class AssessmentError(Exception):
    pass


class NotAllowed(AssessmentError):
    pass


class AssessmentIncomplete(AssessmentError):
    def __init__(self, missing: list[Criterion]):
        self.missing = missing
        # The English sentence says "1 criteria" too (the pages and their tests read it so); a catalogue may do better.
        super().__init__(
            ngettext(
                "%(count)d criteria are still unanswered: %(codes)s.",
                "%(count)d criteria are still unanswered: %(codes)s.",
                len(missing),
            )
            % {"count": len(missing), "codes": ", ".join(c.code for c in missing)}
        )


class EditConflict(AssessmentError):
    """Someone else changed a criterion that this person changed too, after the page was opened."""

    def __init__(self, conflicts: list[Response]):
        self.conflicts = conflicts
        codes = ", ".join(r.criterion.code for r in conflicts)
        super().__init__(
            _(
                "Nothing was saved: %(codes)s changed since you opened this page, and you changed it too. "
                "Both versions are shown below: for each, keep yours or take theirs, then save again. "
                "Your other changes are kept in the form."
            )
            % {"codes": codes}
        )


@dataclass(frozen=True)
class AnswerInput:
    """One criterion's answer as entered on a questionnaire page.

    ``opened`` is the ``answer_digest`` of the values the page was opened with: a save writes the
    criterion only if the person changed it, and refuses only if someone else changed it too.
    Without it (scripts, fixtures), ``base_edit_count`` tells whether someone saved since.
    ``keep_current`` is the person's choice to take the other version after a conflict.
    """

    criterion_id: int
    base_edit_count: int
    score: int | None = None
    not_applicable: bool = False
    dont_know: bool = False
    justification: str = ""
    evidence: str = ""
    evidence_url: str = ""
    confidence: str = Response.Confidence.SELF_DECLARED
    lead_institution: str = ""
    opened: str | None = None
    keep_current: bool = False

    def values(self) -> tuple:
        return (
            self.score,
            self.not_applicable,
            self.dont_know,
            self.justification,
            self.evidence,
            self.evidence_url,
            self.confidence,
            self.lead_institution,
        )


ANSWER_FIELDS = [
    "score",
    "not_applicable",
    "dont_know",
    "justification",
    "evidence",
    "evidence_url",
    "confidence",
    "lead_institution",
]


def response_values(response: Response | None) -> tuple:
    if response is None:
        return AnswerInput(criterion_id=0, base_edit_count=0).values()
    return tuple(getattr(response, name) for name in ANSWER_FIELDS)


def _comparable(values: tuple) -> tuple:
    # Browsers send a textarea's line breaks as CR LF: the same text, not a change.
    return tuple(v.replace("\r\n", "\n") if isinstance(v, str) else v for v in values)


def answer_digest(values: tuple) -> str:
    """A short fingerprint of one criterion's values, carried by the page to tell what the person changed."""
    return hashlib.sha256(json.dumps(_comparable(values)).encode()).hexdigest()[:32]


def _same(a: tuple, b: tuple) -> bool:
    return _comparable(a) == _comparable(b)


def changed_by_person(answer: AnswerInput) -> bool:
    """Whether the person changed this criterion on their page (always, for a caller that did not say)."""
    return answer.opened is None or answer_digest(answer.values()) != answer.opened


def membership_of(user, government: Government) -> Membership | None:
    return Membership.objects.filter(user=user, government=government).first()


def _require_focal_point(user, assessment: Assessment):
    membership = membership_of(user, assessment.government)
    if membership is None or not membership.is_focal_point:
        raise NotAllowed(_("Only the government's focal point can do this."))


def can_edit(membership: Membership | None, assessment: Assessment) -> bool:
    """Contributors edit drafts; focal points also edit while the assessment is submitted."""
    if membership is None or not membership.can_edit:
        return False
    if assessment.status == Assessment.Status.DRAFT:
        return True
    return assessment.status == Assessment.Status.SUBMITTED and membership.is_focal_point


def current_framework() -> FrameworkVersion | None:
    published = FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED)
    return published.order_by(F("published_at").desc(nulls_last=True), "-pk").first()


def not_applicable_by_profile(criterion: Criterion) -> str:
    """The justification of a criterion prefilled as not applicable because of the government's profile."""
    concerned = describe(criterion.perspectives, joiner="or")
    return _(
        "Not applicable by profile: the criterion concerns a country of %(perspectives)s, "
        "and the government did not declare itself one."
    ) % {"perspectives": concerned}


@transaction.atomic
def assessment_start(
    *, government: Government, user, cycle: str, is_origin: bool = True, is_transit: bool = False,
    is_destination: bool = True, framework: FrameworkVersion | None = None,
) -> Assessment:
    """A focal point starts an assessment for a cycle on the current published framework.

    ``framework`` names another published or retired version, for an assessment recorded on the version it was
    made with (the demo's 2024 cycle); the pages never pass it.
    """
    # Lock the government first: two starts (a double click) run one after the other, so the second one sees
    # the first one's assessment and answers with a message instead of hitting the unique constraint.
    government = Government.objects.select_for_update().get(pk=government.pk)
    membership = membership_of(user, government)
    if membership is None or not membership.is_focal_point:
        raise NotAllowed(_("Only the government's focal point can start an assessment."))
    try:
        cycle_validator(cycle)
    except ValidationError as error:
        raise AssessmentError(str(CYCLE_MESSAGE)) from error
    if not (is_origin or is_transit or is_destination):
        raise AssessmentError(_("Tick at least one of origin, transit and destination."))
    if framework is not None and framework.is_draft:
        raise AssessmentError(
            _("“%(framework)s” is a draft; an assessment needs a published framework.") % {"framework": framework.name}
        )
    framework = framework or current_framework()
    if framework is None:
        raise AssessmentError(_("No framework is published yet; ask the secretariat."))
    already = AssessmentError(
        _("%(government)s already has an assessment for the cycle %(cycle)s.") % {"government": government, "cycle": cycle}
    )
    if Assessment.objects.filter(government=government, cycle=cycle).exists():
        raise already
    assessment = Assessment(
        government=government,
        framework_version=framework,
        cycle=cycle,
        created_by=user,
        is_origin=is_origin,
        is_transit=is_transit,
        is_destination=is_destination,
    )
    assessment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: SQLite does not lock rows, so the constraint may still speak
            assessment.save()
    except IntegrityError as error:
        raise already from error
    _log(assessment, user, AssessmentEvent.Action.START, at=assessment.created_at)
    # Criteria that concern none of the declared perspectives start as "not applicable"; respondents may still
    # answer them.
    profile = assessment.perspectives
    prefilled = [
        Response(assessment=assessment, criterion=c, not_applicable=True, justification=not_applicable_by_profile(c),
                 updated_by=user)
        for c in framework.criteria.order_by("code")
        if not c.applies_to(profile)
    ]
    for response in prefilled:
        response._history_user = user
        response.save()
    plan_carry_over(assessment=assessment, user=user)  # the previous cycle's open actions start the new plan
    return assessment


@transaction.atomic
def responses_save(*, assessment: Assessment, user, answers: list[AnswerInput], change_reason: str = "") -> int:
    """Save what the person changed on a page, completely or not at all (merge, never overwrite).

    A criterion the person did not change is never written, whatever it holds now. A criterion
    they changed that someone else changed too since the page was opened is a conflict: nothing
    is saved and the person chooses (``keep_current`` takes theirs). Returns the number of
    responses written. ``change_reason`` goes into each history record (e.g. "from workbook").
    """
    # The row lock first: a submit waits for this save, and this save sees the status it leaves.
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not can_edit(membership_of(user, assessment.government), assessment):
        raise NotAllowed(
            _("You cannot change this assessment while it is %(status)s.")
            % {"status": assessment.get_status_display().lower()}
        )
    criteria_ids = {a.criterion_id for a in answers}
    if Criterion.objects.filter(pk__in=criteria_ids, version=assessment.framework_version_id).count() != len(criteria_ids):
        raise AssessmentError(_("The answers name a criterion that is not part of this assessment."))

    current = {
        r.criterion_id: r
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to updated_by.
        for r in assessment.responses.select_for_update(of=("self",)).select_related("criterion", "updated_by").filter(
            criterion_id__in=criteria_ids
        )
    }
    changed, conflicts = [], []
    for answer in answers:
        response = current.get(answer.criterion_id)
        now = response_values(response)
        if answer.keep_current or not changed_by_person(answer) or _same(answer.values(), now):
            continue
        if answer.opened is None:
            theirs_changed = response is not None and response.edit_count != answer.base_edit_count
        else:
            theirs_changed = response is not None and answer_digest(now) != answer.opened
        (conflicts if theirs_changed else changed).append(response if theirs_changed else answer)
    if conflicts:
        raise EditConflict(conflicts)

    # Bulk writes with their history rows: a constant number of queries however many answers changed (issue 19).
    now = timezone.now()
    created, updated = [], []
    for answer in changed:
        response = current.get(answer.criterion_id)
        (updated if response else created).append(
            response := response or Response(assessment=assessment, criterion_id=answer.criterion_id)
        )
        for name, value in zip(ANSWER_FIELDS, answer.values()):
            setattr(response, name, value)
        response.edit_count += 1
        response.updated_by = user
        response.updated_at = now  # bulk_update does not apply auto_now
        _validate_answer(response)
    if created:
        bulk_create_with_history(created, Response, default_user=user, default_date=now,
                                 default_change_reason=change_reason or None)
    if updated:
        bulk_update_with_history(updated, Response, [*ANSWER_FIELDS, "edit_count", "updated_by", "updated_at"],
                                 default_user=user, default_date=now,
                                 default_change_reason=change_reason or None)
    if changed:
        Assessment.objects.filter(pk=assessment.pk).update(revision=F("revision") + 1)
    return len(changed)


def _validate_answer(response: Response) -> None:
    """The field checks of ``full_clean`` and the table's check constraints, in Python, without a query per row.

    (``full_clean`` would ask the database for the user behind ``updated_by`` and run each constraint as a query;
    the database still enforces them.)
    """
    response.full_clean(exclude=["assessment", "criterion", "updated_by"], validate_unique=False,
                        validate_constraints=False)
    kinds = (response.score is not None) + bool(response.not_applicable) + bool(response.dont_know)
    if kinds > 1:
        raise ValidationError(_("Choose one answer: a level, not applicable, or don't know."))


def unanswered_criteria(assessment: Assessment) -> list[Criterion]:
    answered = assessment.responses.answered().values("criterion_id")
    return list(
        assessment.framework_version.criteria.exclude(pk__in=answered).select_related("theme__round_table").order_by("code")
    )


def _lock(assessment: Assessment, user) -> Assessment:
    """The assessment row, locked until the transaction ends; every precondition is checked on it, not on a copy."""
    locked = Assessment.objects.select_for_update().select_related("government").get(pk=assessment.pk)
    _require_focal_point(user, locked)
    return locked


def _require_status(locked: Assessment, expected: str) -> None:
    if locked.status != expected:
        raise AssessmentError(
            _("The assessment is %(status)s, not %(expected)s.")
            % {"status": locked.get_status_display().lower(), "expected": str(Assessment.Status(expected).label).lower()}
        )


def _require_complete(locked: Assessment) -> None:
    missing = unanswered_criteria(locked)
    if missing:
        raise AssessmentIncomplete(missing)


def _log(assessment: Assessment, user, action: str, *, at=None, comment: str = "") -> AssessmentEvent:
    return AssessmentEvent.objects.create(
        assessment=assessment, government=assessment.government, cycle=assessment.cycle, action=action, actor=user,
        at=at or timezone.now(), comment=comment,
    )


def _transition(locked: Assessment, user, *, action: str, new: str, stamp: str, comment: str = "") -> Assessment:
    """Change the status, fill ``<stamp>_by``/``<stamp>_at``, write the row of the log and queue the mail."""
    now = timezone.now()
    locked.status = new
    locked.revision += 1
    setattr(locked, f"{stamp}_by", user)
    setattr(locked, f"{stamp}_at", now)
    if action == AssessmentEvent.Action.RETURN:
        locked.return_comment = comment
    locked.save()
    notify_transition(locked, _log(locked, user, action, at=now, comment=comment))
    return locked


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    locked = _lock(assessment, user)
    _require_status(locked, Assessment.Status.DRAFT)
    _require_complete(locked)
    transaction.on_commit(lambda: documents.queue_all(locked), robust=True)  # readers never wait for them
    return _transition(
        locked, user, action=AssessmentEvent.Action.SUBMIT, new=Assessment.Status.SUBMITTED, stamp="submitted"
    )


def _require_approvable(assessment: Assessment, user) -> None:
    if assessment.status != Assessment.Status.SUBMITTED:
        raise AssessmentError(
            _("Only a submitted assessment can be approved; this one is %(status)s.")
            % {"status": assessment.get_status_display().lower()}
        )
    if settings.HLD_FOUR_EYES and assessment.submitted_by_id == user.pk:
        raise AssessmentError(_("You submitted this assessment, so another focal point must approve it (four-eyes rule)."))
    _require_complete(assessment)


def approval_problem(assessment: Assessment, user) -> str | None:
    """Why approving would be refused now, for the confirmation page (approving checks again under the lock)."""
    try:
        _require_approvable(assessment, user)
    except AssessmentError as error:
        return str(error)
    return None


@transaction.atomic
def assessment_approve(*, assessment: Assessment, user) -> Assessment:
    locked = _lock(assessment, user)
    _require_approvable(locked, user)
    transaction.on_commit(lambda: documents.queue_all(locked), robust=True)  # readers never wait for them
    return _transition(
        locked, user, action=AssessmentEvent.Action.APPROVE, new=Assessment.Status.APPROVED, stamp="approved"
    )


@transaction.atomic
def assessment_return(*, assessment: Assessment, user, comment: str) -> Assessment:
    locked = _lock(assessment, user)
    comment = comment.strip()
    if not comment:
        raise AssessmentError(_("Say why the assessment goes back to draft: the comment is required."))
    _require_status(locked, Assessment.Status.SUBMITTED)
    return _transition(
        locked, user, action=AssessmentEvent.Action.RETURN, new=Assessment.Status.DRAFT, stamp="returned",
        comment=comment,
    )


@transaction.atomic
def assessment_delete(*, assessment: Assessment, user) -> None:
    """A focal point deletes a draft started by mistake; the log keeps a row that says who deleted it and when."""
    locked = _lock(assessment, user)
    if locked.status != Assessment.Status.DRAFT:
        raise AssessmentError(
            _("Only a draft can be deleted; this assessment is %(status)s.") % {"status": locked.get_status_display().lower()}
        )
    _log(locked, user, AssessmentEvent.Action.DELETE)  # its link to the assessment becomes empty with the delete
    locked.delete()
    logger.info("Assessment %s (%s %s) deleted by %s", assessment.pk, locked.government, locked.cycle, user.pk)
