"""Small ``make_*`` helpers: the one way tests make data."""

import itertools

from assessments.models import (
    CoherenceLink,
    Criterion,
    FrameworkVersion,
    GcmObjective,
    KeyElement,
    LevelDescriptor,
    PolicySector,
    RecommendedAction,
    RoundTable,
    SdgDomain,
    SupportAvailable,
    Theme,
)

_counter = itertools.count(1)


def make_framework(
    *,
    round_tables: int = 2,
    themes_per_round_table: int = 2,
    criteria_per_theme: int = 2,
    status: str = FrameworkVersion.Status.DRAFT,
    code: str = "",
    links: bool = True,
) -> FrameworkVersion:
    """A complete framework (every criterion publishable), optionally already published."""
    n = next(_counter)
    version = FrameworkVersion.objects.create(code=code or f"test-{n}", name=f"Test framework {n}")
    key_element = KeyElement.objects.get(code="c")
    sector = PolicySector.objects.get(code="labour-employment")
    domain = SdgDomain.objects.get(code="migrant-rights")
    objective = GcmObjective.objects.get(number=6)
    criteria = []
    for rt in range(1, round_tables + 1):
        round_table = RoundTable.objects.create(version=version, number=rt, code=f"RT{rt}", title=f"Round table {rt} title")
        for t in range(themes_per_round_table):
            theme = Theme.objects.create(
                round_table=round_table, code=f"RT{rt}.{chr(65 + t)}", title=f"Theme {rt}{chr(65 + t)}", order=t
            )
            for c in range(criteria_per_theme):
                number = t * criteria_per_theme + c + 1
                criteria.append(
                    make_criterion(
                        theme=theme,
                        code=f"RT{rt}.{number:02d}",
                        key_elements=[key_element],
                        sectors=[sector],
                        sdg_domains=[domain],
                        gcm_objectives=[objective],
                    )
                )
    if links and len(criteria) > 1:
        CoherenceLink.objects.create(from_criterion=criteria[0], to_criterion=criteria[-1], reason="Same policy")
    if status != FrameworkVersion.Status.DRAFT:
        from django.utils import timezone

        FrameworkVersion.objects.filter(pk=version.pk).update(status=status, published_at=timezone.now())
        version.refresh_from_db()
    return version


def make_criterion(*, theme: Theme, code: str, weight: int = 2, descriptors: bool = True, **tags) -> Criterion:
    criterion = Criterion.objects.create(
        theme=theme,
        code=code,
        statement=f"The government has measure {code}.",
        guidance="Evidence: the law.",
        weight=weight,
        source_file="000_036961950a98d25a.txt",
        excerpt="Temporary labour migration programmes can be effective",
    )
    for field, values in tags.items():
        getattr(criterion, field).set(values)
    if descriptors:
        LevelDescriptor.objects.bulk_create(
            LevelDescriptor(criterion=criterion, level=level, text=f"{code} at level {level}") for level in range(5)
        )
    RecommendedAction.objects.create(
        criterion=criterion, order=1, text=f"Act on {code}", source_file="003_addb3458094da28a.txt", excerpt="Promote"
    )
    SupportAvailable.objects.create(
        criterion=criterion, order=1, text=f"Support for {code}", source_file="000_036961950a98d25a.txt", excerpt="IOM"
    )
    return criterion


def make_government(name: str = "", iso3: str = ""):
    from assessments.models import Government

    n = next(_counter)
    return Government.objects.create(
        name=name or f"Government {n}", iso3=iso3 or f"X{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}", un_region="africa"
    )


def make_user(username: str, *, government=None, role: str = "", email: str = ""):
    from django.contrib.auth.models import Group, User

    from assessments.models import SECRETARIAT_GROUP, Membership

    user = User.objects.create_user(username, email=email or f"{username}@example.org", password="pw")
    if role == "secretariat":
        user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    elif government is not None:
        Membership.objects.create(user=user, government=government, role=role)
    return user


def make_assessment(*, government, framework, cycle: str = "2026", status: str = "draft"):
    from assessments.models import Assessment

    assessment = Assessment.objects.create(government=government, framework_version=framework, cycle=cycle)
    if status != "draft":
        Assessment.objects.filter(pk=assessment.pk).update(status=status)
        assessment.refresh_from_db()
    return assessment


def answer_all(assessment, *, score: int = 2, user=None):
    """Answer every criterion of the assessment directly (bypassing the page), for workflow tests."""
    from assessments.models import Response

    Response.objects.bulk_create(
        Response(assessment=assessment, criterion=c, score=score, justification="j", updated_by=user)
        for c in assessment.framework_version.criteria.exclude(responses__assessment=assessment)
    )
