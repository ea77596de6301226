"""Writes on assessments: start, save a round table's answers, submit, approve, return (DESIGN §5).

Each is a keyword-only function in one transaction that raises an
``AssessmentError`` with a message a person understands.
"""

from dataclasses import dataclass

from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Assessment, Criterion, FrameworkVersion, Government, Membership, Response
from .models.perspective import describe
from .plans import plan_carry_over


class AssessmentError(Exception):
    pass


class NotAllowed(AssessmentError):
    pass


class AssessmentIncomplete(AssessmentError):
    def __init__(self, missing: list[Criterion]):
        self.missing = missing
        super().__init__(f"{len(missing)} criteria are still unanswered: " + ", ".join(c.code for c in missing) + ".")


class EditConflict(AssessmentError):
    """Someone else saved some of these criteria after the page was opened."""

    def __init__(self, conflicts: list[Response]):
        self.conflicts = conflicts
        codes = ", ".join(r.criterion.code for r in conflicts)
        super().__init__(
            f"Nothing was saved: {codes} changed since you opened this page. "
            "Their current values are shown below; your input is kept. Save again to overwrite them."
        )


@dataclass(frozen=True)
class AnswerInput:
    """One criterion's answer as entered on a questionnaire page."""

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


def membership_of(user, government: Government) -> Membership | None:
    return Membership.objects.filter(user=user, government=government).first()


def _require_focal_point(user, assessment: Assessment):
    membership = membership_of(user, assessment.government)
    if membership is None or not membership.is_focal_point:
        raise NotAllowed("Only the government's focal point can do this.")


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
    return (
        f"Not applicable by profile: the criterion concerns a country of {concerned}, "
        "and the government did not declare itself one."
    )


@transaction.atomic
def assessment_start(
    *, government: Government, user, cycle: str, is_origin: bool = True, is_transit: bool = False,
    is_destination: bool = True, framework: FrameworkVersion | None = None,
) -> Assessment:
    """A focal point starts an assessment for a cycle on the current published framework.

    ``framework`` names another published or retired version, for an assessment recorded on the version it was
    made with (the demo's 2024 cycle); the pages never pass it.
    """
    membership = membership_of(user, government)
    if membership is None or not membership.is_focal_point:
        raise NotAllowed("Only the government's focal point can start an assessment.")
    cycle = cycle.strip()
    if not cycle:
        raise AssessmentError("Give the cycle, e.g. 2026.")
    if not (is_origin or is_transit or is_destination):
        raise AssessmentError("Tick at least one of origin, transit and destination.")
    if framework is not None and framework.is_draft:
        raise AssessmentError(f"“{framework.name}” is a draft; an assessment needs a published framework.")
    framework = framework or current_framework()
    if framework is None:
        raise AssessmentError("No framework is published yet; ask the secretariat.")
    if Assessment.objects.filter(government=government, cycle=cycle).exists():
        raise AssessmentError(f"{government} already has an assessment for the cycle {cycle}.")
    assessment = Assessment.objects.create(
        government=government,
        framework_version=framework,
        cycle=cycle,
        created_by=user,
        is_origin=is_origin,
        is_transit=is_transit,
        is_destination=is_destination,
    )
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
def responses_save(*, assessment: Assessment, user, answers: list[AnswerInput]) -> int:
    """Save a page of answers completely or not at all; refuse to overwrite changes made since it was opened.

    Returns the number of responses that changed.
    """
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not can_edit(membership_of(user, assessment.government), assessment):
        raise NotAllowed(f"You cannot change this assessment while it is {assessment.get_status_display().lower()}.")
    criteria_ids = {a.criterion_id for a in answers}
    if Criterion.objects.filter(pk__in=criteria_ids, version=assessment.framework_version_id).count() != len(criteria_ids):
        raise AssessmentError("The answers name a criterion that is not part of this assessment.")

    current = {
        r.criterion_id: r
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to updated_by.
        for r in assessment.responses.select_for_update(of=("self",)).select_related("criterion", "updated_by").filter(
            criterion_id__in=criteria_ids
        )
    }
    changed = [a for a in answers if a.values() != response_values(current.get(a.criterion_id))]
    conflicts = [
        current[a.criterion_id]
        for a in changed
        if a.criterion_id in current and current[a.criterion_id].edit_count != a.base_edit_count
    ]
    if conflicts:
        raise EditConflict(conflicts)

    for answer in changed:
        response = current.get(answer.criterion_id) or Response(assessment=assessment, criterion_id=answer.criterion_id)
        for name, value in zip(ANSWER_FIELDS, answer.values()):
            setattr(response, name, value)
        response.edit_count += 1
        response.updated_by = user
        response._history_user = user
        response.full_clean(exclude=["assessment", "criterion"], validate_unique=False)
        response.save()
    if changed:
        Assessment.objects.filter(pk=assessment.pk).update(revision=F("revision") + 1)
    return len(changed)


def unanswered_criteria(assessment: Assessment) -> list[Criterion]:
    answered = assessment.responses.answered().values("criterion_id")
    return list(
        assessment.framework_version.criteria.exclude(pk__in=answered).select_related("theme__round_table").order_by("code")
    )


def _transition(assessment: Assessment, user, *, expected: str, new: str, **fields) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != expected:
        raise AssessmentError(
            f"The assessment is {locked.get_status_display().lower()}, not {Assessment.Status(expected).label.lower()}."
        )
    locked.status = new
    locked.revision += 1
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    _notify_members(locked, user)
    return locked


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    _require_focal_point(user, assessment)
    if assessment.status != Assessment.Status.DRAFT:
        raise AssessmentError("Only a draft can be submitted.")
    missing = unanswered_criteria(assessment)
    if missing:
        raise AssessmentIncomplete(missing)
    return _transition(
        assessment, user, expected=Assessment.Status.DRAFT, new=Assessment.Status.SUBMITTED,
        submitted_by=user, submitted_at=timezone.now(),
    )


@transaction.atomic
def assessment_approve(*, assessment: Assessment, user) -> Assessment:
    _require_focal_point(user, assessment)
    return _transition(
        assessment, user, expected=Assessment.Status.SUBMITTED, new=Assessment.Status.APPROVED,
        approved_by=user, approved_at=timezone.now(),
    )


@transaction.atomic
def assessment_return(*, assessment: Assessment, user, comment: str) -> Assessment:
    _require_focal_point(user, assessment)
    if not comment.strip():
        raise AssessmentError("Say why the assessment goes back to draft: the comment is required.")
    return _transition(
        assessment, user, expected=Assessment.Status.SUBMITTED, new=Assessment.Status.DRAFT,
        returned_by=user, returned_at=timezone.now(), return_comment=comment.strip(),
    )


def _notify_members(assessment: Assessment, actor) -> None:
    recipients = list(
        assessment.government.memberships.exclude(user__email="").values_list("user__email", flat=True)
    )
    if not recipients:
        return
    status = assessment.get_status_display().lower()
    subject = f"HLD Assess: {assessment} is now {status}"
    body = f"{actor.get_full_name() or actor.get_username()} changed the status of the assessment {assessment} to {status}."
    if assessment.status == Assessment.Status.DRAFT and assessment.return_comment:
        body += f"\n\nComment: {assessment.return_comment}"
    messages = [(subject, body, None, [email]) for email in recipients]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
