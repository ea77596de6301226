"""Reference lists that criteria are tagged with (DESIGN §2); created by data migrations."""

from django.db import models


class CodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class KeyElement(models.Model):
    """The six key elements (a)-(f) of seed 000's conclusion."""

    code = models.CharField(max_length=1, unique=True)
    title = models.CharField(max_length=200)

    objects = CodeManager()

    class Meta:
        ordering = ["code"]
        verbose_name = "key element"

    def __str__(self):
        return f"({self.code}) {self.title}"

    def natural_key(self):
        return (self.code,)


class PolicySector(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)

    objects = CodeManager()

    class Meta:
        ordering = ["name"]
        verbose_name = "policy sector"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class SdgDomain(models.Model):
    """A domain of SDG indicator 10.7.2 (well-managed migration policies)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CodeManager()

    class Meta:
        ordering = ["order"]
        verbose_name = "SDG 10.7.2 domain"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class GcmObjectiveManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class GcmObjective(models.Model):
    """One of the 23 objectives of the 2018 Global Compact for Migration."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=300)

    objects = GcmObjectiveManager()

    class Meta:
        ordering = ["number"]
        verbose_name = "Global Compact objective"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=23), name="gcm_objective_number_1_to_23"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def natural_key(self):
        return (self.number,)
