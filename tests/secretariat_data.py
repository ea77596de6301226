"""Hand-built data for the secretariat's tests: governments per region, assessments in every state."""

from django.utils import timezone

from assessments.models import Assessment, Government, Response


def government(name: str, iso3: str, region: str = "africa") -> Government:
    return Government.objects.create(name=name, iso3=iso3, un_region=region)


def iso3(n: int) -> str:
    return "Q" + chr(65 + n // 26 % 26) + chr(65 + n % 26)


def approved(government: Government, framework, scores: dict[str, int | None], *, cycle: str = "2026") -> Assessment:
    """An approved assessment whose criteria (by code) have the given levels (None: not applicable)."""
    assessment = Assessment.objects.create(government=government, framework_version=framework, cycle=cycle)
    criteria = {c.code: c for c in framework.criteria.all()}
    Response.objects.bulk_create(
        Response(assessment=assessment, criterion=criteria[code], score=level, not_applicable=level is None,
                 justification="j")
        for code, level in scores.items()
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.APPROVED, submitted_at=timezone.now(), approved_at=timezone.now()
    )
    assessment.refresh_from_db()
    return assessment
