"""Stored documents of a report: one per assessment revision, kind and language (DESIGN §4).

A row is claimed (created, status "queued") before anything renders, so that
simultaneous requests share one render; ``assessments.documents`` moves it
through rendering to ready or failed.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .assessment import Assessment


class ReportFile(models.Model):
    """One document (brief, full report, Word file…) of one assessment revision in one language."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="report_files")
    revision = models.PositiveIntegerField()
    # A slug of assessments.documents.KINDS; not a choices field, so adding a kind needs no migration.
    kind = models.CharField(max_length=20, default="full")
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=200, blank=True, help_text=_("What the render is doing, shown while waiting."))
    error = models.TextField(blank=True, help_text=_("Why the render failed (for the maintainers; the log has more)."))
    # Written only once the file is complete, so a reader never gets half a file.
    file = models.FileField(upload_to="reports/", max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "kind", "language", "-revision"]
        verbose_name = _("stored document")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "revision", "kind", "language"], name="report_file_one_per_revision_kind_language"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(file=""), name="report_file_ready_has_a_file"
            ),
        ]

    def __str__(self):
        return f"{self.assessment} revision {self.revision}, {self.kind} ({self.language}): {self.status}"

    def clean(self):
        if self.status == self.Status.READY and not self.file:
            raise ValidationError(_("A ready document must have its file."))

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)
