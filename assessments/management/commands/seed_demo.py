"""Two fictional governments, their users and assessments, for trying the application (DESIGN §7).

Safe to run again: users get new passwords, existing assessments are kept.
"""

import random
import secrets
from datetime import date, timedelta

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments.models import (
    SECRETARIAT_ADMIN_GROUP,
    SECRETARIAT_GROUP,
    Action,
    Assessment,
    Criterion,
    Government,
    Membership,
)
from assessments.plans import ActionInput, action_add, action_input, action_update, progress_note_add
from assessments.reports import build_report
from assessments.workflow import (
    AnswerInput,
    assessment_approve,
    assessment_start,
    assessment_submit,
    current_framework,
    responses_save,
)

GOVERNMENTS = [("Demoland", "XDM", Government.Region.AFRICA), ("Testland", "XTL", Government.Region.EUROPE)]
USERS = [
    # username, full name, government, role
    ("demo-focal", "Amina Demo (focal point)", "Demoland", Membership.Role.FOCAL_POINT),
    # A second focal point: the four-eyes rule (HLD_FOUR_EYES) needs someone other than the submitter to approve.
    ("demo-head", "Jonas Demo (focal point, approves)", "Demoland", Membership.Role.FOCAL_POINT),
    ("demo-contributor", "Kofi Demo (contributor)", "Demoland", Membership.Role.CONTRIBUTOR),
    ("demo-viewer", "Lena Demo (viewer)", "Demoland", Membership.Role.VIEWER),
    ("test-focal", "Tomas Test (focal point)", "Testland", Membership.Role.FOCAL_POINT),
    ("test-contributor", "Tara Test (contributor)", "Testland", Membership.Role.CONTRIBUTOR),
    ("secretariat", "Sam Secretariat", None, "secretariat"),
    ("editor", "Edda Editor", None, "editor"),
    ("secretariat-admin", "Ada Secretariat-Admin", None, "secretariat-admin"),
]
INSTITUTIONS = [
    "Ministry of Labour",
    "Ministry of Foreign Affairs",
    "Ministry of Interior",
    "National Statistics Office",
    "Ministry of Planning",
    "Ministry of Health",
    "",
]
# Demoland's 2024 plan, one line per top priority gap: status, target date, date done, a progress note.
DEMO_PLAN = [
    (Action.Status.DONE, date(2025, 6, 30), date(2025, 5, 20), "Draft approved by the inter-ministerial committee."),
    (Action.Status.DONE, date(2025, 3, 31), date(2025, 9, 15), "Delayed by the budget cycle."),
    (Action.Status.IN_PROGRESS, date(2025, 12, 31), None, "Consultations with the social partners under way."),
    (Action.Status.IN_PROGRESS, date(2027, 6, 30), None, ""),
    (Action.Status.PLANNED, date(2026, 12, 31), None, ""),
    (Action.Status.DROPPED, date(2025, 12, 31), None, ""),
]
# Share of criteria answered per round table in Demoland's current draft: plausibly uneven.
DRAFT_COVERAGE = {1: 0.85, 2: 0.6, 3: 0.35, 4: 0.5}


class Command(BaseCommand):
    help = "Create the demo governments Demoland and Testland, their users and assessments."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="One password for every demo user (default: random, printed).")

    def handle(self, *args, password=None, **options):
        if current_framework() is None:
            call_command("loaddata", "hld2013", verbosity=0)
        with transaction.atomic():
            governments = {
                name: Government.objects.update_or_create(name=name, defaults={"iso3": iso3, "un_region": region})[0]
                for name, iso3, region in GOVERNMENTS
            }
            logins = [self._user(row, governments, password) for row in USERS]
            users = {user.username: user for user, _, _ in logins}
            self._demoland(governments["Demoland"], users)
            self._testland(governments["Testland"], users)
            # Addresses come last, so that seeding the workflow sends no notification emails.
            for user in users.values():
                User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.org")
        self.stdout.write("Demo logins:")
        for user, description, user_password in logins:
            self.stdout.write(f"  {user.username:<18} {user_password:<16} {description}")

    def _user(self, row, governments, password):
        username, full_name, government_name, role = row
        first, last = full_name.split(" ", 1)
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_staff": role in ("editor", "secretariat-admin")},
        )
        user_password = password or secrets.token_urlsafe(9)
        user.set_password(user_password)
        user.save()
        if role == "secretariat":
            user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
            return user, "secretariat: reads every submitted or approved assessment", user_password
        if role == "editor":
            user.groups.add(Group.objects.get(name="Criteria editor"))
            return user, "criteria editor: the admin", user_password
        if role == "secretariat-admin":
            user.groups.add(Group.objects.get(name=SECRETARIAT_ADMIN_GROUP))
            return user, "secretariat administrator: adds governments, invites their focal points", user_password
        government = governments[government_name]
        Membership.objects.update_or_create(user=user, government=government, defaults={"role": role})
        return user, f"{Membership.Role(role).label.lower()}, {government_name}", user_password

    def _demoland(self, government, users):
        """2024 approved on the version the current one was copied from (if any), 2026 a draft on the current one."""
        focal, contributor = users["demo-focal"], users["demo-contributor"]
        rng = random.Random(2013)
        current_version = current_framework()
        earlier_version = current_version.copied_from
        if earlier_version is None or earlier_version.is_draft:
            earlier_version = current_version
        earlier_criteria = list(earlier_version.criteria.order_by("code"))
        baseline = {c.pk: rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4]) for c in earlier_criteria}
        if not Assessment.objects.filter(government=government, cycle="2024").exists():
            earlier = assessment_start(government=government, user=focal, cycle="2024", framework=earlier_version)
            answers = [self._answer(rng, c, baseline[c.pk], full=True) for c in earlier_criteria]
            responses_save(assessment=earlier, user=contributor, answers=answers)
            assessment_submit(assessment=earlier, user=focal)
            assessment_approve(assessment=earlier, user=users["demo-head"])
            self._plan_2024(earlier, users)  # before 2026 starts, which carries its open actions in
        if not Assessment.objects.filter(government=government, cycle="2026").exists():
            criteria = list(current_version.criteria.select_related("theme__round_table").order_by("code"))
            transit = any("transit" in c.perspectives for c in criteria)  # Demoland is also a transit country
            current = assessment_start(government=government, user=focal, cycle="2026", is_transit=transit)
            already = set(current.responses.values_list("criterion_id", flat=True))
            answers = [
                self._answer(rng, c, min(4, self._baseline(rng, c, baseline) + rng.choice([0, 0, 1, 1, -1])))
                for c in criteria
                if c.pk not in already and rng.random() < DRAFT_COVERAGE.get(c.theme.round_table.number, 0.5)
            ]
            responses_save(assessment=current, user=contributor, answers=answers)

    @staticmethod
    def _plan_2024(assessment, users):
        """Actions for the 2024 report's top priority gaps, at every status, reviewed by the 2026 report."""
        focal, contributor = users["demo-focal"], users["demo-contributor"]
        gaps = build_report(assessment).priority_gaps[: len(DEMO_PLAN)]
        criteria = {c.pk: c for c in Criterion.objects.filter(pk__in=[g.id for g in gaps])
                    .prefetch_related("recommended_actions", "support_available")}
        for gap, (status, target, done_on, note) in zip(gaps, DEMO_PLAN):
            criterion = criteria[gap.id]
            recommended = criterion.recommended_actions.first()
            support = criterion.support_available.first()
            action = action_add(assessment=assessment, user=contributor, data=ActionInput(
                criterion_id=criterion.pk, target_level=min(4, gap.score + 2), target_date=target,
                text="" if recommended else f"Close the gap on {criterion.code}",
                recommended_action_id=recommended.pk if recommended else None,
                lead_institution=INSTITUTIONS[criterion.pk % (len(INSTITUTIONS) - 1)],
                partners="IOM country office", support_available_id=support.pk if support else None,
                indicator="Adopted by the Council of Ministers and published in the official gazette."))
            if note:
                progress_note_add(action=action, user=contributor, text=note, on=target - timedelta(days=120))
            if status != Action.Status.PLANNED:
                reason = "Merged into the national development plan." if status == Action.Status.DROPPED else ""
                action_update(action=action, user=focal,
                              data=action_input(action, status=status, drop_reason=reason, completed_on=done_on))

    @staticmethod
    def _baseline(rng: random.Random, criterion: Criterion, baseline: dict[int, int]) -> int:
        """The 2024 level of the criterion this one was copied from (on the same version: itself)."""
        if criterion.pk in baseline:
            return baseline[criterion.pk]
        if criterion.copied_from_id in baseline:
            return baseline[criterion.copied_from_id]
        return rng.choice([0, 1, 1, 2, 2, 3])  # new in this version

    def _testland(self, government, users):
        if Assessment.objects.filter(government=government, cycle="2026").exists():
            return
        rng = random.Random(7)
        current = assessment_start(government=government, user=users["test-focal"], cycle="2026")
        criteria = list(current.framework_version.criteria.order_by("code")[:10])
        answers = [self._answer(rng, c, rng.randint(0, 4)) for c in criteria]
        responses_save(assessment=current, user=users["test-contributor"], answers=answers)

    @staticmethod
    def _answer(rng: random.Random, criterion: Criterion, level: int, full: bool = False) -> AnswerInput:
        level = max(0, level)
        roll = rng.random()
        if not full and roll < 0.06:
            return AnswerInput(criterion_id=criterion.pk, base_edit_count=0, dont_know=True,
                               justification="The responsible ministry has not yet confirmed the current status.")
        if not full and roll < 0.09:
            return AnswerInput(criterion_id=criterion.pk, base_edit_count=0, not_applicable=True,
                               justification="Demoland has no programme of this kind, and none is planned.")
        has_evidence = level >= 1 and rng.random() < 0.7
        return AnswerInput(
            criterion_id=criterion.pk,
            base_edit_count=0,
            score=level,
            justification=f"Assessed by the inter-ministerial working group: level {level} reflects current practice.",
            evidence=f"Policy document DL/{2020 + level}/{criterion.pk:03d}, adopted by the Council of Ministers."
            if has_evidence else "",
            confidence="documented" if has_evidence else "self_declared",
            lead_institution=rng.choice(INSTITUTIONS),
        )
