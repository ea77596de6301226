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
        FrameworkVersion.objects.filter(pk=version.pk).update(status=status)
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
