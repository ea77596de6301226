"""The criteria framework: a versioned questionnaire edited in the admin (DESIGN §2).

A published or retired version is read-only: ``save()`` and deletion of any
part of it raise ``FrameworkLocked``. Fixtures load with ``raw=True`` and skip
the guard, which is how the published HLD 2013 framework gets into a database.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import perspective as perspectives
from .reference import GcmObjective, KeyElement, PolicySector, SdgDomain


class FrameworkError(Exception):
    """A change to a framework that the rules refuse; the message is for people."""


class FrameworkLocked(FrameworkError):
    pass


# --- The versioned framework -------------------------------------------------


class FrameworkVersionQuerySet(models.QuerySet):
    def delete(self):
        locked = self.exclude(status=FrameworkVersion.Status.DRAFT).first()
        if locked is not None:
            raise FrameworkLocked(locked.cannot_be_deleted_message())
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


class FrameworkVersionManager(models.Manager.from_queryset(FrameworkVersionQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class FrameworkVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    code = models.SlugField(max_length=40, unique=True, help_text=_("Short identifier, e.g. hld2013."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", editable=False,
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    objects = FrameworkVersionManager()

    class Meta:
        ordering = ["-created_at", "code"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        permissions = [("publish_frameworkversion", "Can publish or retire a framework version")]

    def __str__(self):
        return f"{self.name} ({self.get_status_display().lower()})"

    def natural_key(self):
        return (self.code,)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def framework_version(self):
        return self

    def save(self, *args, **kwargs):
        if self.pk:
            self._refuse_locked_change()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.is_draft:
            raise FrameworkLocked(self.cannot_be_deleted_message())
        return super().delete(*args, **kwargs)

    def cannot_be_deleted_message(self) -> str:
        return gettext("“%(name)s” is %(status)s and cannot be deleted.") % {
            "name": self.name, "status": self.get_status_display().lower()
        }

    def _refuse_locked_change(self):
        stored = FrameworkVersion.objects.filter(pk=self.pk).first()
        if stored is None or stored.is_draft:
            return
        for field in ("code", "name", "description", "copied_from_id", "published_at"):
            if getattr(stored, field) != getattr(self, field):
                raise FrameworkLocked(
                    gettext("“%(name)s” is %(status)s and read-only; copy it to a new draft to change it.")
                    % {"name": stored.name, "status": stored.get_status_display().lower()}
                )
        retiring = stored.status == self.Status.PUBLISHED and self.status == self.Status.RETIRED
        if stored.status != self.status and not retiring:
            raise FrameworkLocked(
                gettext("“%(name)s” is %(status)s; it can only be retired.")
                % {"name": stored.name, "status": stored.get_status_display().lower()}
            )


class FrameworkPartQuerySet(models.QuerySet):
    def delete(self):
        # Bulk deletes bypass Model.delete(); refuse them before anything is collected.
        locked = self.exclude(**{f"{self.model.version_path}__status": FrameworkVersion.Status.DRAFT})
        if locked.exists():
            locked.first().refuse_if_locked()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


FrameworkPartManager = models.Manager.from_queryset(FrameworkPartQuerySet)


class FrameworkPart(models.Model):
    """Anything that belongs to one framework version and is locked with it."""

    version_path = ""  # the ORM path from this model to its FrameworkVersion

    class Meta:
        abstract = True

    @property
    def framework_version(self) -> FrameworkVersion:
        raise NotImplementedError

    def refuse_if_locked(self):
        version = self.framework_version
        if version is not None and not version.is_draft:
            raise FrameworkLocked(
                gettext(
                    "%(kind)s “%(part)s” belongs to “%(version)s”, which is %(status)s and read-only; copy it to a new "
                    "draft to change it."
                )
                % {
                    "kind": str(self._meta.verbose_name).capitalize(),
                    "part": self,
                    "version": version.name,
                    "status": version.get_status_display().lower(),
                }
            )

    def save(self, *args, **kwargs):
        self.refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_locked()
        return super().delete(*args, **kwargs)


class RoundTableManager(FrameworkPartManager):
    def get_by_natural_key(self, version_code, code):
        return self.get(version__code=version_code, code=code)


class RoundTable(FrameworkPart):
    version_path = "version"
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="round_tables")
    number = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=10, help_text=_("e.g. RT1"))
    title = models.TextField(help_text=_("Verbatim from the source document."))

    objects = RoundTableManager()

    class Meta:
        ordering = ["version", "number"]
        verbose_name = _("round table")
        verbose_name_plural = _("round tables")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="round_table_code_unique_in_version"),
            models.UniqueConstraint(fields=["version", "number"], name="round_table_number_unique_in_version"),
        ]

    def __str__(self):
        return f"{self.code} {self.short_title}"

    def natural_key(self):
        return self.version.natural_key() + (self.code,)

    natural_key.dependencies = ["assessments.frameworkversion"]

    @property
    def short_title(self) -> str:
        return self.title if len(self.title) <= 80 else self.title[:77].rsplit(" ", 1)[0] + "…"

    @property
    def framework_version(self):
        return self.version


class ThemeManager(FrameworkPartManager):
    def get_by_natural_key(self, version_code, round_table_code, code):
        return self.get(round_table__version__code=version_code, round_table__code=round_table_code, code=code)


class Theme(FrameworkPart):
    version_path = "round_table__version"
    round_table = models.ForeignKey(RoundTable, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=12, help_text=_("e.g. RT2.A"))
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ThemeManager()

    class Meta:
        ordering = ["round_table", "order", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["round_table", "code"], name="theme_code_unique_in_round_table"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def natural_key(self):
        return self.round_table.natural_key() + (self.code,)

    natural_key.dependencies = ["assessments.roundtable"]

    @property
    def framework_version(self):
        return self.round_table.version


class CriterionManager(FrameworkPartManager):
    def get_by_natural_key(self, version_code, code):
        return self.get(version__code=version_code, code=code)


class Criterion(FrameworkPart):
    version_path = "version"

    # Denormalised from theme → round table so that codes can be unique per version.
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="criteria", editable=False)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=12, help_text=_("RTn.mm, e.g. RT2.07"))
    statement = models.TextField(help_text=_("An observable policy fact: “The government has …”."))
    guidance = models.TextField(help_text=_("What counts as evidence."))
    perspective = perspectives.PerspectiveField(
        max_length=40,
        choices=perspectives.CHOICES,
        default=perspectives.DEFAULT,
        help_text=_("The countries the measure concerns: of origin, transit and/or destination."),
    )
    weight = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(3)], help_text=_("1 (lower) to 3 (higher).")
    )
    source_file = models.CharField(max_length=100, help_text=_("Seed document file name."))
    excerpt = models.TextField(help_text=_("Verbatim sentence or clause of the source that this criterion derives from."))
    key_elements = models.ManyToManyField(KeyElement, related_name="criteria")
    sectors = models.ManyToManyField(PolicySector, related_name="criteria", blank=True)
    sdg_domains = models.ManyToManyField(SdgDomain, related_name="criteria", blank=True, verbose_name=_("SDG 10.7.2 domains"))
    gcm_objectives = models.ManyToManyField(
        GcmObjective, related_name="criteria", blank=True, verbose_name=_("Global Compact objectives")
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", editable=False
    )

    objects = CriterionManager()

    class Meta:
        ordering = ["version", "code"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="criterion_code_unique_in_version"),
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=3), name="criterion_weight_1_to_3"),
            models.CheckConstraint(
                condition=models.Q(perspective__in=perspectives.VALUES), name="criterion_perspective_combination"
            ),
        ]

    def __str__(self):
        return self.code

    def natural_key(self):
        return self.version.natural_key() + (self.code,)

    natural_key.dependencies = ["assessments.theme"]

    @property
    def framework_version(self):
        return self.version if self.version_id else None

    @property
    def perspectives(self) -> frozenset[str]:
        return perspectives.perspective_set(self.perspective)

    def applies_to(self, profile: frozenset[str]) -> bool:
        """Whether a government with this profile (e.g. {"origin", "transit"}) is concerned by the criterion."""
        return bool(self.perspectives & profile)

    def _take_version_from_theme(self):
        if self.theme_id:
            self.version_id = self.theme.round_table.version_id

    def save(self, *args, **kwargs):
        self._take_version_from_theme()
        super().save(*args, **kwargs)

    def clean(self):
        self._take_version_from_theme()
        if self.weight is not None and not 1 <= self.weight <= 3:
            raise ValidationError({"weight": gettext("Weight must be 1, 2 or 3.")})
        if (
            self.version_id
            and self.code
            and Criterion.objects.filter(version_id=self.version_id, code=self.code).exclude(pk=self.pk).exists()
        ):
            raise ValidationError(
                {"code": gettext("Another criterion of this version already has the code %(code)s.") % {"code": self.code}}
            )


class CriterionPart(FrameworkPart):
    version_path = "criterion__version"

    class Meta:
        abstract = True

    @property
    def framework_version(self):
        return self.criterion.version if self.criterion_id else None


class LevelDescriptorManager(FrameworkPartManager):
    def get_by_natural_key(self, version_code, criterion_code, level):
        return self.get(criterion__version__code=version_code, criterion__code=criterion_code, level=level)


class LevelDescriptor(CriterionPart):
    """What one maturity level (0-4) means for one criterion."""

    LEVEL_LABELS = {0: _("Not in place"), 1: _("Initial"), 2: _("Developing"), 3: _("Established"), 4: _("High road")}

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="descriptors")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(4)])
    text = models.TextField()

    objects = LevelDescriptorManager()

    class Meta:
        ordering = ["criterion", "level"]
        verbose_name = _("level descriptor")
        verbose_name_plural = _("level descriptors")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "level"], name="descriptor_level_unique_per_criterion"),
            models.CheckConstraint(condition=models.Q(level__gte=0, level__lte=4), name="descriptor_level_0_to_4"),
        ]

    def __str__(self):
        return f"{self.criterion_id and self.criterion.code} level {self.level}"

    def natural_key(self):
        return self.criterion.natural_key() + (self.level,)

    natural_key.dependencies = ["assessments.criterion"]

    @property
    def label(self) -> str:
        return str(self.LEVEL_LABELS.get(self.level, ""))

    def clean(self):
        if self.level is not None and not 0 <= self.level <= 4:
            raise ValidationError({"level": gettext("Level must be between 0 and 4.")})


class SourcedTextManager(FrameworkPartManager):
    def get_by_natural_key(self, version_code, criterion_code, order):
        return self.get(criterion__version__code=version_code, criterion__code=criterion_code, order=order)


class SourcedText(CriterionPart):
    """A line of our own words, with the verbatim excerpt of the source it comes from."""

    order = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()
    source_file = models.CharField(max_length=100)
    excerpt = models.TextField()

    objects = SourcedTextManager()

    class Meta:
        abstract = True
        ordering = ["criterion", "order"]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return self.criterion.natural_key() + (self.order,)

    natural_key.dependencies = ["assessments.criterion"]


class RecommendedAction(SourcedText):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="recommended_actions")

    class Meta(SourcedText.Meta):
        verbose_name = _("recommended action")
        verbose_name_plural = _("recommended actions")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "order"], name="recommended_action_order_unique"),
        ]


class SupportAvailable(SourcedText):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="support_available")

    class Meta(SourcedText.Meta):
        verbose_name = _("support available")
        verbose_name_plural = _("support available")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "order"], name="support_available_order_unique"),
        ]


class CoherenceLinkManager(FrameworkPartManager):
    def get_by_natural_key(self, version_code, from_code, to_code):
        return self.get(
            from_criterion__version__code=version_code, from_criterion__code=from_code, to_criterion__code=to_code
        )


class CoherenceLink(FrameworkPart):
    """Two criteria that describe one policy from two angles (DESIGN §2)."""

    version_path = "from_criterion__version"

    from_criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="links_from")
    to_criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="links_to")
    reason = models.CharField(max_length=500)  # 500: a French or Spanish reason runs a third longer than English

    objects = CoherenceLinkManager()

    class Meta:
        ordering = ["from_criterion", "to_criterion"]
        verbose_name = _("coherence link")
        verbose_name_plural = _("coherence links")
        constraints = [
            models.UniqueConstraint(fields=["from_criterion", "to_criterion"], name="coherence_link_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(from_criterion=models.F("to_criterion")), name="coherence_link_not_to_itself"
            ),
        ]

    def __str__(self):
        return f"{self.from_criterion} ↔ {self.to_criterion}"

    def natural_key(self):
        return self.from_criterion.natural_key() + (self.to_criterion.code,)

    natural_key.dependencies = ["assessments.criterion"]

    @property
    def framework_version(self):
        return self.from_criterion.version if self.from_criterion_id else None

    def clean(self):
        if self.from_criterion_id and self.from_criterion_id == self.to_criterion_id:
            raise ValidationError(gettext("A criterion cannot be linked to itself."))
        if (
            self.from_criterion_id
            and self.to_criterion_id
            and self.from_criterion.version_id != self.to_criterion.version_id
        ):
            raise ValidationError(gettext("Both criteria of a coherence link must belong to the same framework version."))
