"""Writes on framework versions: copy to a new draft, publish, retire (DESIGN §2).

The admin actions are thin wrappers over these functions.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .content_languages import language_problems, texts
from .models import (
    CoherenceLink,
    Criterion,
    FrameworkError,
    FrameworkVersion,
    LevelDescriptor,
    RecommendedAction,
    RoundTable,
    SupportAvailable,
    Theme,
)

LEVELS = frozenset(range(5))


class FrameworkIncomplete(FrameworkError):
    def __init__(self, version: FrameworkVersion, problems: list[str]):
        self.problems = problems
        super().__init__(
            _("“%(name)s” cannot be published: %(problems)s.") % {"name": version.name, "problems": "; ".join(problems)}
        )


def _free_code(base: str) -> str:
    taken = set(FrameworkVersion.objects.filter(code__startswith=base).values_list("code", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def framework_copy(*, version: FrameworkVersion, code: str = "", name: str = "") -> FrameworkVersion:
    """Copy the whole tree of ``version`` into a new draft; each copied criterion remembers its original."""
    draft = FrameworkVersion.objects.create(
        code=code or _free_code(f"{version.code}-draft"),
        name=name or f"{version.name} (draft)",
        description=version.description,
        status=FrameworkVersion.Status.DRAFT,
        copied_from=version,
    )

    round_tables = {
        old.pk: RoundTable(version=draft, number=old.number, code=old.code, **texts(old, "title"))
        for old in version.round_tables.all()
    }
    RoundTable.objects.bulk_create(round_tables.values())

    themes = {
        old.pk: Theme(round_table=round_tables[old.round_table_id], code=old.code, order=old.order, **texts(old, "title"))
        for old in Theme.objects.filter(round_table__version=version)
    }
    Theme.objects.bulk_create(themes.values())

    old_criteria = list(
        Criterion.objects.filter(version=version).prefetch_related(
            "key_elements", "sectors", "sdg_domains", "gcm_objectives"
        )
    )
    criteria = {
        old.pk: Criterion(
            version=draft,
            theme=themes[old.theme_id],
            code=old.code,
            **texts(old, "statement", "guidance"),
            perspective=old.perspective,
            weight=old.weight,
            source_file=old.source_file,
            excerpt=old.excerpt,
            copied_from=old,
        )
        for old in old_criteria
    }
    Criterion.objects.bulk_create(criteria.values())

    for tag_field in ("key_elements", "sectors", "sdg_domains", "gcm_objectives"):
        through = getattr(Criterion, tag_field).through
        target_column = getattr(Criterion, tag_field).field.m2m_reverse_field_name() + "_id"
        through.objects.bulk_create(
            through(criterion_id=criteria[old.pk].pk, **{target_column: tag.pk})
            for old in old_criteria
            for tag in getattr(old, tag_field).all()
        )

    LevelDescriptor.objects.bulk_create(
        LevelDescriptor(criterion=criteria[old.criterion_id], level=old.level, **texts(old, "text"))
        for old in LevelDescriptor.objects.filter(criterion__version=version)
    )
    for model in (RecommendedAction, SupportAvailable):
        model.objects.bulk_create(
            model(
                criterion=criteria[old.criterion_id],
                order=old.order,
                **texts(old, "text"),
                source_file=old.source_file,
                excerpt=old.excerpt,
            )
            for old in model.objects.filter(criterion__version=version)
        )
    CoherenceLink.objects.bulk_create(
        CoherenceLink(
            from_criterion=criteria[old.from_criterion_id], to_criterion=criteria[old.to_criterion_id], **texts(old, "reason")
        )
        for old in CoherenceLink.objects.filter(from_criterion__version=version)
    )
    return draft


def framework_problems(version: FrameworkVersion) -> list[str]:
    """What keeps ``version`` from being published, in words an editor can act on."""
    problems = []
    criteria = list(
        Criterion.objects.filter(version=version)
        .prefetch_related("descriptors", "key_elements")
        .order_by("code")
    )
    if not criteria:
        problems.append(_("it has no criteria"))
    for criterion in criteria:
        missing_levels = sorted(LEVELS - {d.level for d in criterion.descriptors.all() if d.text.strip()})
        if missing_levels:
            problems.append(_("%(code)s lacks level descriptor(s) %(levels)s")
                            % {"code": criterion.code, "levels": ", ".join(map(str, missing_levels))})
        if not criterion.excerpt.strip() or not criterion.source_file.strip():
            problems.append(_("%(code)s lacks a source file and excerpt") % {"code": criterion.code})
        if not criterion.key_elements.all():
            problems.append(_("%(code)s has no key element") % {"code": criterion.code})
    return problems + language_problems(version)


@transaction.atomic
def framework_publish(*, version: FrameworkVersion) -> FrameworkVersion:
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise FrameworkError(
            _("“%(name)s” is already %(status)s.") % {"name": version.name, "status": version.get_status_display().lower()}
        )
    problems = framework_problems(version)
    if problems:
        raise FrameworkIncomplete(version, problems)
    version.status = FrameworkVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save()
    return version


@transaction.atomic
def framework_retire(*, version: FrameworkVersion) -> FrameworkVersion:
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != FrameworkVersion.Status.PUBLISHED:
        raise FrameworkError(
            _("Only a published version can be retired; “%(name)s” is %(status)s.")
            % {"name": version.name, "status": version.get_status_display().lower()}
        )
    version.status = FrameworkVersion.Status.RETIRED
    version.save()
    return version
