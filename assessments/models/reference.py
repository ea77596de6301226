"""Reference lists that criteria are tagged with (DESIGN §2); created by data migrations.

A row that a criterion of a published or retired framework version is tagged
with is read-only, like the version: its reports (and their stored PDFs) show
its name, so renaming or deleting it would change approved reports. ``save()``
of a change and ``delete()`` (one row or a queryset) raise ``FrameworkLocked``;
the admin shows such a row read-only and says why. Fixtures and restores load
with ``raw=True`` and bypass ``save()``.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def reference_locked_error(row, version):
    from .framework import FrameworkLocked  # framework.py imports this module

    return FrameworkLocked(
        gettext(
            "%(kind)s “%(row)s” is used by “%(version)s”, which is %(status)s and read-only: its reports must keep "
            "their wording. Add a new entry and tag the criteria of a draft version with it instead."
        )
        % {
            "kind": str(row._meta.verbose_name).capitalize(),
            "row": row,
            "version": version.name,
            "status": version.get_status_display().lower(),
        }
    )


class ReferenceQuerySet(models.QuerySet):
    def delete(self):
        # Bulk deletes bypass Model.delete(); refuse them before anything is collected.
        for row in self:
            row.refuse_if_locked()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


class CodeManager(models.Manager.from_queryset(ReferenceQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class ReferenceRow(models.Model):
    """A row of a reference list, locked while a published or retired version uses it."""

    class Meta:
        abstract = True

    def locking_version(self):
        """The first published or retired framework version with a criterion tagged with this row, if any."""
        if self.pk is None:
            return None
        criterion = (
            self.criteria.exclude(version__status="draft").select_related("version").order_by("version__code").first()
        )
        return criterion.version if criterion else None

    def refuse_if_locked(self):
        version = self.locking_version()
        if version is not None:
            raise reference_locked_error(self, version)

    def _changed(self) -> bool:
        names = [f.attname for f in self._meta.concrete_fields]
        stored = type(self)._base_manager.filter(pk=self.pk).values(*names).first()
        return stored is not None and any(stored[name] != getattr(self, name) for name in names)

    def save(self, *args, **kwargs):
        if self.pk is not None and self._changed():
            self.refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_locked()
        return super().delete(*args, **kwargs)


class KeyElement(ReferenceRow):
    """The six key elements (a)-(f) of seed 000's conclusion."""

    code = models.CharField(max_length=1, unique=True)
    title = models.CharField(max_length=200)

    objects = CodeManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("key element")
        verbose_name_plural = _("key elements")

    def __str__(self):
        return f"({self.code}) {self.title}"

    def natural_key(self):
        return (self.code,)


class PolicySector(ReferenceRow):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)

    objects = CodeManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("policy sector")
        verbose_name_plural = _("policy sectors")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class SdgDomain(ReferenceRow):
    """A domain of SDG indicator 10.7.2 (well-managed migration policies)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CodeManager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("SDG 10.7.2 domain")
        verbose_name_plural = _("SDG 10.7.2 domains")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class GcmObjectiveManager(models.Manager.from_queryset(ReferenceQuerySet)):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class GcmObjective(ReferenceRow):
    """One of the 23 objectives of the 2018 Global Compact for Migration."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=300)

    objects = GcmObjectiveManager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("Global Compact objective")
        verbose_name_plural = _("Global Compact objectives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=23), name="gcm_objective_number_1_to_23"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def natural_key(self):
        return (self.number,)
