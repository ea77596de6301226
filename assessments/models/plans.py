"""A government's action plan: owned, dated actions that close the gaps of one assessment (issue 17).

The plan is a living document: it stays editable after the assessment is
approved (an ``Action`` is not locked with its assessment), and every change
is recorded by django-simple-history (who, when, old → new).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .assessment import Assessment
from .framework import Criterion, RecommendedAction, SupportAvailable


class ActionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(assessment__in=Assessment.objects.for_user(user))


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)
    TEXT_LIMIT = 2000

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    target_level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    target_date = models.DateField()
    text = models.TextField(_("action"), max_length=TEXT_LIMIT)
    # The action's source: one of the criterion's recommended actions, or none when the ministry wrote it.
    recommended_action = models.ForeignKey(
        RecommendedAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_institution = models.CharField(max_length=200)
    partners = models.CharField(max_length=500, blank=True)
    support_text = models.TextField(_("support sought"), blank=True, max_length=TEXT_LIMIT)
    support_available = models.ForeignKey(
        SupportAvailable, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    indicator = models.TextField(_("indicator of completion"), max_length=TEXT_LIMIT)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    drop_reason = models.TextField(_("reason for dropping"), blank=True, max_length=TEXT_LIMIT)
    completed_on = models.DateField(null=True, blank=True)
    # The action of the previous cycle's plan that this one continues (set when the plan is carried over).
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_into"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "criterion__code", "pk"]
        verbose_name = _("action")
        constraints = [
            models.CheckConstraint(condition=models.Q(target_level__gte=1, target_level__lte=4),
                                   name="action_target_level_1_to_4"),
            models.CheckConstraint(condition=~models.Q(status="dropped", drop_reason=""),
                                   name="action_dropped_has_reason"),
            models.CheckConstraint(condition=models.Q(status="done") | models.Q(completed_on__isnull=True),
                                   name="action_completed_only_when_done"),
        ]

    def __str__(self):
        return f"{self.assessment} {self.criterion.code}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def clean(self):
        if self.status == self.Status.DROPPED and not self.drop_reason.strip():
            raise ValidationError({"drop_reason": _("Say why the action is dropped.")})
        if self.recommended_action_id and self.recommended_action.criterion_id != self.criterion_id:
            raise ValidationError({"recommended_action": _("Choose one of this criterion's recommended actions.")})
        if self.support_available_id and self.support_available.criterion_id != self.criterion_id:
            raise ValidationError({"support_available": _("Choose support listed for this criterion.")})


class ProgressNote(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField()
    text = models.TextField(max_length=Action.TEXT_LIMIT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "date", "pk"]
        verbose_name = _("progress note")

    def __str__(self):
        return f"{self.action_id} {self.date}: {self.text[:60]}"
