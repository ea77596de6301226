"""The transition log of an assessment: one row per start, submit, return, approve or delete, never rewritten.

The ``Assessment.submitted_*``/``approved_*``/``returned_*`` fields say only the
latest of each; after return → resubmit → approve the return would be lost
without these rows. A deleted draft keeps its rows (government and cycle are
copied into them), so the deletion itself stays on record.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .assessment import Assessment, Government


class AssessmentEvent(models.Model):
    class Action(models.TextChoices):
        START = "start", _("Started")
        SUBMIT = "submit", _("Submitted")
        RETURN = "return", _("Returned to draft")
        APPROVE = "approve", _("Approved")
        DELETE = "delete", _("Deleted")

    class Immutable(Exception):
        """A row of the log was about to be changed or deleted."""

    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="assessment_events")
    cycle = models.CharField(max_length=20)
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("assessment event")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action="return", comment=""), name="assessment_event_return_has_comment"
            )
        ]

    def __str__(self):
        return f"{self.government} {self.cycle}: {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def actor_name(self) -> str:
        return (self.actor.get_full_name() or self.actor.get_username()) if self.actor else "—"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.Immutable(gettext("A row of the transition log is never changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.Immutable(gettext("A row of the transition log is never deleted."))
