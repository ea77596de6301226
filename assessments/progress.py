"""How far an assessment has got: answered / total per round table (three queries, whatever the size; none when
cached for the revision)."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count

from .models import Assessment, Criterion, RoundTable


@dataclass(frozen=True)
class RoundTableProgress:
    round_table: RoundTable
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass(frozen=True)
class AssessmentProgress:
    round_tables: list[RoundTableProgress]

    @property
    def answered(self) -> int:
        return sum(p.answered for p in self.round_tables)

    @property
    def total(self) -> int:
        return sum(p.total for p in self.round_tables)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def assessment_progress(assessment: Assessment) -> AssessmentProgress:
    totals = dict(
        Criterion.objects.filter(version=assessment.framework_version_id)
        .order_by()  # no ordering in the GROUP BY (modeltranslation's queryset keeps Meta.ordering there)
        .values_list("theme__round_table")
        .annotate(n=Count("id"))
    )
    answered = dict(
        assessment.responses.answered().order_by().values_list("criterion__theme__round_table").annotate(n=Count("id"))
    )
    return AssessmentProgress(
        [
            RoundTableProgress(rt, answered.get(rt.pk, 0), totals.get(rt.pk, 0))
            for rt in RoundTable.objects.filter(version=assessment.framework_version_id).order_by("number")
        ]
    )


def cached_progress(assessment: Assessment) -> AssessmentProgress:
    """``assessment_progress``, computed once per revision of the assessment and kept in the page cache.

    Every save and every status change bumps the revision (the framework version of an assessment is published,
    so its criteria do not change); the creation time tells a restored or recreated primary key apart.
    """
    key = ":".join(map(str, ("hld-progress", assessment.pk, assessment.created_at.timestamp(), assessment.revision)))
    progress = cache.get(key)
    if progress is None:
        progress = assessment_progress(assessment)
        cache.set(key, progress, timeout=3600)
    return progress
