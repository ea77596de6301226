"""What the secretariat sees across governments: the status of a cycle, and thresholded comparisons.

Both are built in a fixed number of queries, however many governments there are:
the rows are fetched in bulk, then turned into plain values here.

Comparisons take each approved assessment's numbers from the same functions that
``reports.build_report`` uses (``reports._criterion_data`` / ``_answer_data`` and
``scoring``), fed with every assessment's responses in one query instead of one
``build_report`` per government (tests/test_secretariat_comparison.py checks that
the numbers equal build_report's). A group of fewer than ``HLD_MIN_GROUP_SIZE``
governments is never shown as an aggregate, and neither is a cell in which fewer
governments have a score; no government is named or ranked.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import scoring
from .models import Assessment, Criterion, FrameworkVersion, GcmObjective, Government, Membership, Response, RoundTable
from .reports import _answer_data, _criterion_data

# --- Status across governments ------------------------------------------------------------------

NOT_STARTED, DRAFT, SUBMITTED, RETURNED, APPROVED = "not_started", "draft", "submitted", "returned", "approved"
STATES = {
    NOT_STARTED: _("Not started"),
    DRAFT: _("Draft"),
    SUBMITTED: _("Submitted"),
    RETURNED: _("Returned"),
    APPROVED: _("Approved"),
}
STATE_ORDER = list(STATES)
SORTS = {
    "government": lambda s: s.government.lower(),
    "region": lambda s: (s.region_label.lower(), s.government.lower()),
    "status": lambda s: (STATE_ORDER.index(s.state), s.government.lower()),
    "answered": lambda s: (s.percent_answered if s.percent_answered is not None else -1, s.government.lower()),
    "activity": lambda s: (s.last_activity.timestamp() if s.last_activity else 0, s.government.lower()),
}


@dataclass(frozen=True)
class FocalPoint:
    name: str
    email: str


@dataclass(frozen=True)
class GovernmentStatus:
    government_id: int
    government: str
    iso3: str
    region: str
    region_label: str
    state: str
    assessment_id: int | None
    framework: str
    answered: int
    total: int
    last_activity: datetime | None
    focal_points: tuple[FocalPoint, ...]

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])

    @property
    def percent_answered(self) -> int | None:
        if self.assessment_id is None:
            return None
        return round(100 * self.answered / self.total) if self.total else 0


def state_of(*, status: str | None, returned_at: datetime | None) -> str:
    """The state shown for an assessment (None: not started); a draft sent back by the focal point is 'returned'."""
    if status is None:
        return NOT_STARTED
    if status == Assessment.Status.DRAFT:
        return RETURNED if returned_at else DRAFT
    return {Assessment.Status.SUBMITTED: SUBMITTED, Assessment.Status.APPROVED: APPROVED}[status]


def last_activity(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def cycles() -> list[str]:
    """Every cycle that has an assessment, newest first (one query)."""
    return sorted(set(Assessment.objects.values_list("cycle", flat=True)), reverse=True)


def cycle_status(
    cycle: str, *, region: str = "", state: str = "", sort: str = "government", descending: bool = False
) -> list[GovernmentStatus]:
    """Every government (of ``region``) with its assessment of ``cycle``, in four queries."""
    governments = Government.objects.order_by("name")
    if region:
        governments = governments.filter(un_region=region)
    governments = list(governments)
    answered = Q(responses__score__isnull=False) | Q(responses__not_applicable=True) | Q(responses__dont_know=True)
    assessments = {
        a.government_id: a
        for a in Assessment.objects.filter(cycle=cycle, government__in=[g.pk for g in governments])
        .select_related("framework_version")
        .annotate(answered=Count("responses", filter=answered), last_response=Max("responses__updated_at"))
    }
    totals = dict(FrameworkVersion.objects.annotate(n=Count("criteria")).values_list("pk", "n"))
    focal_points = defaultdict(list)
    for m in (
        Membership.objects.filter(role=Membership.Role.FOCAL_POINT, government__in=[g.pk for g in governments])
        .select_related("user")
        .order_by("user__last_name", "user__username")
    ):
        focal_points[m.government_id].append(FocalPoint(m.user.get_full_name() or m.user.username, m.user.email))

    rows = []
    for g in governments:
        a = assessments.get(g.pk)
        rows.append(
            GovernmentStatus(
                government_id=g.pk,
                government=g.name,
                iso3=g.iso3,
                region=g.un_region,
                region_label=g.get_un_region_display(),
                state=state_of(status=a.status if a else None, returned_at=a.returned_at if a else None),
                assessment_id=a.pk if a else None,
                framework=a.framework_version.name if a else "",
                answered=a.answered if a else 0,
                total=totals.get(a.framework_version_id, 0) if a else 0,
                last_activity=last_activity(a.created_at, a.submitted_at, a.returned_at, a.approved_at, a.last_response)
                if a
                else None,
                focal_points=tuple(focal_points.get(g.pk, ())),
            )
        )
    if state:
        rows = [r for r in rows if r.state == state]
    return sorted(rows, key=SORTS.get(sort, SORTS["government"]), reverse=descending)


def state_counts(rows: list[GovernmentStatus]) -> list[tuple[str, str, int]]:
    counts = defaultdict(int)
    for r in rows:
        counts[r.state] += 1
    return [(key, str(label), counts[key]) for key, label in STATES.items()]


# --- Comparisons ---------------------------------------------------------------------------------

DIMENSIONS = {
    "round_table": _("Round tables"),
    "theme": _("Themes"),
    "criterion": _("Criteria"),
    "key_element": _("Key elements"),
    "sector": _("Policy sectors"),
    "sdg_domain": _("SDG 10.7.2 domains"),
    "gcm_objective": _("Global Compact objectives"),
}
OVERALL = "overall"


def min_group_size() -> int:
    return max(1, int(getattr(settings, "HLD_MIN_GROUP_SIZE", 5)))


def assessment_numbers(criteria: list[scoring.CriterionData], answers: list[scoring.AnswerData]) -> dict[str, dict]:
    """One assessment's percentages per dimension: the functions build_report calls, on the same inputs."""
    by_id = {a.criterion_id: a for a in answers}
    levels = {}
    for c in criteria:
        a = by_id.get(c.id)
        if a is not None and a.status == scoring.SCORED:
            levels[c.code] = a.score
    return {
        "round_table": scoring.scores_by_round_table(criteria, answers),
        "theme": scoring.scores_by_theme(criteria, answers),
        "criterion": levels,  # the level 0-4, not a percentage
        "key_element": scoring.scores_by_key_element(criteria, answers),
        "sector": scoring.scores_by_sector(criteria, answers),
        "sdg_domain": scoring.scores_by_sdg_domain(criteria, answers),
        "gcm_objective": scoring.scores_by_gcm_objective(criteria, answers),
    }


@dataclass(frozen=True)
class Distribution:
    """The spread of one item's values across a group's governments (never their names)."""

    n: int
    mean: float
    median: float
    q1: float
    q3: float
    bands: tuple[int, ...]  # how many governments per band (percentages) or per level 0-4 (criteria)


@dataclass(frozen=True)
class Cell:
    distribution: Distribution | None
    withheld_reason: str = ""


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    cells: dict[str, Cell]  # group key -> cell


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    size: int
    withheld_reason: str = ""

    @property
    def shown(self) -> bool:
        return not self.withheld_reason


@dataclass(frozen=True)
class Comparison:
    version: FrameworkVersion
    dimension: str
    threshold: int
    groups: list[Group]
    items: list[Item]
    is_level: bool  # criteria: levels 0-4; everything else: percentages
    band_labels: tuple[str, ...] = field(default=())
    versions: list[str] = field(default_factory=list)  # names of the versions compared (more than one if linked)

    @property
    def dimension_label(self) -> str:
        return str(DIMENSIONS[self.dimension])

    @property
    def table(self) -> list[tuple[Item, list[Cell]]]:
        """Each item with its cells in the order of ``groups`` (what the templates lay out)."""
        return [(item, [item.cells[g.key] for g in self.groups]) for item in self.items]

    @property
    def assessments(self) -> int:
        return next((g.size for g in self.groups if g.key == OVERALL), 0)


PERCENT_BANDS = ("0–24 %", "25–49 %", "50–74 %", "75–100 %")
LEVEL_BANDS = ("Level 0", "Level 1", "Level 2", "Level 3", "Level 4")


def distribution(values: list[float], *, is_level: bool) -> Distribution:
    ordered = sorted(values)
    if len(ordered) > 1:
        q1, _median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    if is_level:
        bands = tuple(sum(1 for v in ordered if v == level) for level in range(scoring.MAX_LEVEL + 1))
    else:
        limits = [b for b, _label in scoring.BANDS]
        bands = tuple(
            sum(1 for v in ordered if (i == 0 or v >= limits[i - 1]) and (i == len(limits) or v < limits[i]))
            for i in range(len(limits) + 1)
        )
    return Distribution(len(ordered), statistics.fmean(ordered), statistics.median(ordered), q1, q3, bands)


def too_few(n: int, threshold: int) -> str:
    return ngettext(
        "Withheld: %(n)s approved assessment, fewer than %(k)s.",
        "Withheld: %(n)s approved assessments, fewer than %(k)s.",
        n,
    ) % {"n": n, "k": threshold}


def suppress_groups(sizes: dict[str, int], threshold: int) -> dict[str, str]:
    """Reasons to withhold regions: too small, or (secondary suppression) needed to stop the overall figure
    minus the shown regions from revealing the small ones."""
    reasons = {key: too_few(n, threshold) for key, n in sizes.items() if n < threshold}
    hidden = sum(sizes[k] for k in reasons)
    while 0 < hidden < threshold:
        shown = sorted((n, k) for k, n in sizes.items() if k not in reasons and n > 0)
        if not shown:
            break
        n, key = shown[0]
        reasons[key] = str(
            _("Withheld: together with the overall figure it would reveal a group of fewer than %(k)s.")
            % {"k": threshold}
        )
        hidden += n
    return reasons


def _labels(version: FrameworkVersion, criteria: list[Criterion], dimension: str) -> dict:
    if dimension == "round_table":
        return {rt.code: f"{rt.code} {rt.short_title}" for rt in RoundTable.objects.filter(version=version)}
    if dimension == "theme":
        return {c.theme.code: f"{c.theme.code} {c.theme.title}" for c in criteria}
    if dimension == "criterion":
        return {c.code: f"{c.code} {c.statement}" for c in criteria}
    if dimension == "key_element":
        return {k.code: f"({k.code}) {k.title}" for c in criteria for k in c.key_elements.all()}
    if dimension == "sector":
        return {s.code: s.name for c in criteria for s in c.sectors.all()}
    if dimension == "sdg_domain":
        return {d.code: d.name for c in criteria for d in c.sdg_domains.all()}
    return {o.number: f"{o.number}. {o.title}" for o in GcmObjective.objects.all()}


def linked_versions(version: FrameworkVersion) -> list[FrameworkVersion]:
    """``version`` and every version it was copied from or that was copied from it (one query)."""
    parents = dict(FrameworkVersion.objects.values_list("pk", "copied_from_id"))
    family = {version.pk}
    changed = True
    while changed:  # walk up and down the copy tree until it stops growing
        before = len(family)
        family |= {parents[pk] for pk in family if parents.get(pk)}
        family |= {pk for pk, parent in parents.items() if parent in family}
        changed = len(family) != before
    return [version] + [v for v in FrameworkVersion.objects.filter(pk__in=family - {version.pk}).order_by("code")]


def _criterion_keys(version_id: int, criteria: list[Criterion]) -> dict[int, str]:
    """Each criterion of the linked versions -> the code of the criterion of ``version_id`` it descends from or
    that descends from it (criteria without a counterpart keep their own code, prefixed by nothing)."""
    parents = dict(Criterion.objects.values_list("id", "copied_from_id"))

    def chain(pk):
        seen = [pk]
        while parents.get(seen[-1]) and len(seen) < 50:
            seen.append(parents[seen[-1]])
        return seen

    selected = {c.pk: c.code for c in criteria if c.version_id == version_id}
    ancestor_of_selected = {a: code for pk, code in selected.items() for a in chain(pk)}
    keys = {}
    for c in criteria:
        if c.pk in ancestor_of_selected:
            keys[c.pk] = ancestor_of_selected[c.pk]
        else:
            keys[c.pk] = next((selected[a] for a in chain(c.pk) if a in selected), c.code)
    return keys


def comparison(
    version: FrameworkVersion, dimension: str, *, threshold: int | None = None, linked: bool = False, cycle: str = ""
) -> Comparison:
    """Distributions of approved assessments of ``version`` (and, if ``linked``, of the versions it was copied
    from or into) per item of ``dimension``, overall and per region; one assessment per government, its latest."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"Unknown dimension {dimension!r}")
    threshold = threshold or min_group_size()
    versions = linked_versions(version) if linked else [version]
    criteria = list(
        Criterion.objects.filter(version__in=[v.pk for v in versions])
        .select_related("theme__round_table")
        .prefetch_related("key_elements", "sectors", "sdg_domains", "gcm_objectives")
        .order_by("code")
    )
    keys = _criterion_keys(version.pk, criteria)
    by_version = defaultdict(list)
    for c in criteria:
        by_version[c.version_id].append(_criterion_data(c, (c.pk,)))
    approved = Assessment.objects.filter(framework_version__in=[v.pk for v in versions],
                                         status=Assessment.Status.APPROVED)
    if cycle:
        approved = approved.filter(cycle=cycle)
    # One per government, its latest cycle: a group counts governments, never one government twice.
    latest = {}
    for pk, government_id, region, version_id, _cycle in approved.order_by("government", "cycle").values_list(
        "pk", "government_id", "government__un_region", "framework_version_id", "cycle"
    ):
        latest[government_id] = (pk, region, version_id)
    answers = defaultdict(list)
    for r in Response.objects.filter(assessment__in=[pk for pk, _r, _v in latest.values()]).only(
        "assessment_id", "criterion_id", "score", "not_applicable", "dont_know", "evidence", "evidence_url",
        "lead_institution",
    ):
        answers[r.assessment_id].append(_answer_data(r))

    region_of = {pk: region for pk, region, _v in latest.values()}
    numbers = {}
    for pk, _region, version_id in latest.values():
        values = assessment_numbers(by_version[version_id], answers[pk])[dimension]
        if dimension == "criterion":  # the levels, under the selected version's codes
            codes = {c.code: keys[c.id] for c in by_version[version_id]}
            values = {codes[code]: level for code, level in values.items()}
        numbers[pk] = values
    sizes = {key: 0 for key in Government.Region.values}
    for region in region_of.values():
        sizes[region] += 1
    reasons = suppress_groups(sizes, threshold)
    overall_reason = too_few(len(region_of), threshold) if len(region_of) < threshold else ""
    groups = [Group(OVERALL, str(_("All regions")), len(region_of), overall_reason)] + [
        Group(key, str(label), sizes[key], reasons.get(key, "")) for key, label in Government.Region.choices
    ]
    members = {OVERALL: list(region_of)} | {
        key: [pk for pk, region in region_of.items() if region == key] for key in Government.Region.values
    }

    labels = _labels(version, [c for c in criteria if c.version_id == version.pk], dimension)
    keys_shown = sorted({k for values in numbers.values() for k in values} | set(labels), key=_sort_key)
    is_level = dimension == "criterion"
    items = []
    for key in keys_shown:
        cells = {}
        for group in groups:
            if not group.shown:
                cells[group.key] = Cell(None, group.withheld_reason)
                continue
            values = [numbers[pk][key] for pk in members[group.key] if numbers[pk].get(key) is not None]
            if len(values) < threshold:
                cells[group.key] = Cell(
                    None, str(_("Withheld: %(n)s governments have a score here, fewer than %(k)s.")
                              % {"n": len(values), "k": threshold})
                )
            else:
                cells[group.key] = Cell(distribution(values, is_level=is_level))
        items.append(Item(str(key), labels.get(key, str(key)), cells))
    return Comparison(version, dimension, threshold, groups, items, is_level,
                      LEVEL_BANDS if is_level else PERCENT_BANDS, [v.name for v in versions])


def _sort_key(key):
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))


def comparable_versions() -> list[FrameworkVersion]:
    """Framework versions that have at least one approved assessment (one query)."""
    return list(
        FrameworkVersion.objects.filter(assessments__status=Assessment.Status.APPROVED).distinct().order_by("-created_at")
    )
