"""Governments, their members and their assessments (DESIGN §2, §5).

Every query of a government's data goes through a ``for_user`` queryset
method, so a stranger's object is simply not found.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .framework import Criterion, FrameworkVersion

SECRETARIAT_GROUP = "Secretariat"

# A year of this century, optionally a short lowercase suffix: "2026", "2026-b". \A and \Z (not ^ and $, which
# let a trailing newline through in Python) mean the same in Python, SQLite's REGEXP and PostgreSQL.
CYCLE_PATTERN = r"\A20[0-9]{2}(-[a-z0-9]{1,8})?\Z"
CYCLE_MESSAGE = _("Give the cycle as a four-digit year from 2000 to 2099, optionally with a suffix such as 2026-b.")
cycle_validator = RegexValidator(CYCLE_PATTERN, CYCLE_MESSAGE, code="cycle")


class AssessmentLocked(Exception):
    """A write on an approved assessment; the message is for people."""


def is_secretariat(user) -> bool:
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_secretariat"):
        user._is_secretariat = user.groups.filter(name=SECRETARIAT_GROUP).exists()
    return user._is_secretariat


class Government(models.Model):
    class Region(models.TextChoices):
        AFRICA = "africa", _("Africa")
        AMERICAS = "americas", _("Americas")
        ASIA = "asia", _("Asia")
        EUROPE = "europe", _("Europe")
        OCEANIA = "oceania", _("Oceania")

    name = models.CharField(max_length=200, unique=True)
    iso3 = models.CharField(
        _("ISO 3166 alpha-3 code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use three capital letters, e.g. KEN."))],
    )
    un_region = models.CharField(_("UN region"), max_length=10, choices=Region.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("government")
        constraints = [
            models.CheckConstraint(condition=models.Q(iso3__regex=r"^[A-Z]{3}$"), name="government_iso3_three_capitals")
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        CONTRIBUTOR = "contributor", _("Contributor")
        FOCAL_POINT = "focal_point", _("Focal point")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["government", "user"]
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "government"], name="membership_one_role_per_government")
        ]

    def __str__(self):
        return f"{self.user} – {self.government} ({self.get_role_display()})"

    @property
    def can_edit(self) -> bool:
        return self.role in (self.Role.CONTRIBUTOR, self.Role.FOCAL_POINT)

    @property
    def is_focal_point(self) -> bool:
        return self.role == self.Role.FOCAL_POINT


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Assessments that ``user`` may read: their governments', plus submitted/approved for the secretariat."""
        if not user.is_authenticated:
            return self.none()
        visible = models.Q(government__in=Government.objects.filter(memberships__user=user))
        if is_secretariat(user):
            visible |= models.Q(status__in=[Assessment.Status.SUBMITTED, Assessment.Status.APPROVED])
        return self.filter(visible)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")

    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="assessments")
    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="assessments")
    cycle = models.CharField(max_length=20, validators=[cycle_validator], help_text=_("e.g. 2026 or 2026-b"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every change of a response or of the status: a report is cached per revision.
    revision = models.PositiveIntegerField(default=0)
    is_origin = models.BooleanField(_("country of origin"), default=True)
    is_transit = models.BooleanField(_("country of transit"), default=False)
    is_destination = models.BooleanField(_("country of destination"), default=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_comment = models.TextField(blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["government", "-cycle"]
        verbose_name = _("assessment")
        constraints = [
            models.UniqueConstraint(fields=["government", "cycle"], name="assessment_one_per_government_and_cycle"),
            models.CheckConstraint(condition=models.Q(cycle__regex=CYCLE_PATTERN), name="assessment_cycle_year_and_suffix"),
        ]

    def __str__(self):
        return f"{self.government} {self.cycle}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def perspectives(self) -> frozenset[str]:
        """The government's declared profile, e.g. {"origin", "transit"}: which criteria concern it."""
        flags = {"origin": self.is_origin, "transit": self.is_transit, "destination": self.is_destination}
        return frozenset(name for name, declared in flags.items() if declared)

    def save(self, *args, **kwargs):
        if self.pk and Assessment.objects.filter(pk=self.pk, status=self.Status.APPROVED).exists():
            raise AssessmentLocked(
                gettext("The assessment %(assessment)s is approved and can no longer change.") % {"assessment": self}
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_approved:
            raise AssessmentLocked(
                gettext("The assessment %(assessment)s is approved and cannot be deleted.") % {"assessment": self}
            )
        return super().delete(*args, **kwargs)


class ResponseQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(assessment__in=Assessment.objects.for_user(user))

    def answered(self):
        return self.filter(models.Q(score__isnull=False) | models.Q(not_applicable=True) | models.Q(dont_know=True))


class Response(models.Model):
    class Confidence(models.TextChoices):
        SELF_DECLARED = "self_declared", _("Self-declared")
        DOCUMENTED = "documented", _("Documented (evidence cited)")
        EXTERNALLY_REVIEWED = "external", _("Externally reviewed")

    TEXT_LIMIT = 5000

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="responses")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(4)]
    )
    not_applicable = models.BooleanField(default=False)
    dont_know = models.BooleanField(_("don't know"), default=False)
    justification = models.TextField(blank=True, max_length=TEXT_LIMIT)
    evidence = models.TextField(blank=True, max_length=TEXT_LIMIT, help_text=_("Instrument, date, reference, body."))
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=2000)
    confidence = models.CharField(max_length=16, choices=Confidence.choices, default=Confidence.SELF_DECLARED)
    lead_institution = models.CharField(max_length=200, blank=True)
    # Counts saves, so that a page opened before someone else's save can tell (no lost updates).
    edit_count = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["edit_count"])
    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "criterion__code"]
        verbose_name = _("response")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="response_one_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=4),
                name="response_score_0_to_4",
            ),
            models.CheckConstraint(
                condition=~models.Q(not_applicable=True, dont_know=True)
                & ~models.Q(score__isnull=False, not_applicable=True)
                & ~models.Q(score__isnull=False, dont_know=True),
                name="response_one_kind_of_answer",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} {self.criterion.code}: {self.answer_label}"

    @property
    def is_answered(self) -> bool:
        return self.score is not None or self.not_applicable or self.dont_know

    @property
    def answer_label(self) -> str:
        if self.not_applicable:
            return gettext("Not applicable")
        if self.dont_know:
            return gettext("Don't know")
        if self.score is None:
            return gettext("Unanswered")
        return gettext("Level %(score)s") % {"score": self.score}

    def clean(self):
        kinds = [self.score is not None, self.not_applicable, self.dont_know]
        if sum(kinds) > 1:
            raise ValidationError(gettext("Choose one answer: a level, not applicable, or don't know."))
        if (self.not_applicable or self.dont_know) and not self.justification.strip():
            raise ValidationError(
                {"justification": gettext("Say why: not applicable and don't know need a justification.")}
            )

    def save(self, *args, **kwargs):
        if Assessment.objects.filter(pk=self.assessment_id, status=Assessment.Status.APPROVED).exists():
            raise AssessmentLocked(
                gettext("The assessment %(assessment)s is approved; its responses can no longer change.")
                % {"assessment": self.assessment}
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Assessment.objects.filter(pk=self.assessment_id, status=Assessment.Status.APPROVED).exists():
            raise AssessmentLocked(
                gettext("The assessment %(assessment)s is approved; its responses cannot be deleted.")
                % {"assessment": self.assessment}
            )
        return super().delete(*args, **kwargs)


# The criterion's history page reads one criterion of one assessment in date order; without this index it reads
# that criterion's history across every assessment (issue 19). simple-history builds HistoricalResponse's Meta
# itself (its only option is a date index), so the index is added to the generated model here.
_history_meta = Response.history.model._meta
_history_meta.indexes = [
    *_history_meta.indexes,
    models.Index(fields=["assessment", "criterion", "history_date"], name="hist_response_criterion_date"),
]
_history_meta.original_attrs["indexes"] = _history_meta.indexes  # what the migration autodetector reads
