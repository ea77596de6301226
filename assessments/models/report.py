"""Stored PDF reports, one per assessment revision (DESIGN §4)."""

from django.db import models

from .assessment import Assessment


class ReportFile(models.Model):
    """A rendered PDF. The row is written only after the file is complete, so a reader never gets half a file."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="report_files")
    revision = models.PositiveIntegerField()
    file = models.FileField(upload_to="reports/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "-revision"]
        verbose_name = "stored PDF report"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "revision"], name="report_file_one_per_revision")
        ]

    def __str__(self):
        return f"{self.assessment} revision {self.revision}"
