"""Comparisons across governments: the privacy threshold, numbers on hand-built data, the page, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import secretariat
from assessments.reports import build_report
from tests.factories import make_framework, make_user
from tests.secretariat_data import approved, government, iso3

URL = reverse("secretariat_comparison")
CODES = ["RT1.01", "RT1.02", "RT1.03", "RT1.04", "RT2.01", "RT2.02", "RT2.03", "RT2.04"]


@pytest.fixture
def framework(db):
    return make_framework(status="published", code="cmp")


def governments_at_levels(framework, region: str, levels: list[int], start: int = 0, *, rt2_na: int = 0):
    """One approved assessment per level, every criterion at that level (the first ``rt2_na``: RT2 not applicable)."""
    made = []
    for i, level in enumerate(levels):
        scores = {code: (None if i < rt2_na and code.startswith("RT2") else level) for code in CODES}
        made.append(approved(government(f"{region} {start + i}", iso3(start + i), region), framework, scores))
    return made


def cell(comparison, item_key: str, group: str):
    return next(i for i in comparison.items if i.key == item_key).cells[group]


def test_a_region_of_five_is_shown_with_its_numbers(framework):
    governments_at_levels(framework, "asia", [0, 1, 2, 3, 4])
    result = secretariat.comparison(framework, "round_table", threshold=5)
    groups = {g.key: g for g in result.groups}
    assert groups["asia"].shown and groups["asia"].size == 5
    assert groups["overall"].shown and groups["overall"].size == 5
    d = cell(result, "RT1", "asia").distribution
    # Every criterion at level L scores L × 25 %: the five governments score 0, 25, 50, 75 and 100 %.
    assert (d.n, d.mean, d.median, d.q1, d.q3) == (5, 50.0, 50.0, 25.0, 75.0)
    assert d.bands == (1, 1, 1, 2)  # 0–24, 25–49, 50–74, 75–100
    assert cell(result, "RT1", "europe").distribution is None  # no government there


def test_a_region_of_four_is_withheld_and_says_why(framework):
    governments_at_levels(framework, "africa", [1, 2, 3, 4])
    result = secretariat.comparison(framework, "round_table", threshold=5)
    groups = {g.key: g for g in result.groups}
    assert not groups["africa"].shown and "4 approved assessments, fewer than 5" in groups["africa"].withheld_reason
    assert not groups["overall"].shown  # four in all: the overall figure would be the region's
    assert all(c.distribution is None for item in result.items for c in item.cells.values())


def test_a_small_region_cannot_be_recovered_from_the_overall_figure(framework):
    governments_at_levels(framework, "africa", [1, 2, 3, 4])
    governments_at_levels(framework, "asia", [0, 1, 2, 3, 4], start=10)
    governments_at_levels(framework, "europe", [4, 4, 4, 4, 4, 3], start=20)
    result = secretariat.comparison(framework, "round_table", threshold=5)
    groups = {g.key: g for g in result.groups}
    assert not groups["africa"].shown
    # Overall minus Asia and Europe would give Africa's sum: the smaller of them is withheld too.
    assert not groups["asia"].shown and "would reveal a group" in groups["asia"].withheld_reason
    assert groups["europe"].shown and groups["overall"].shown and groups["overall"].size == 15
    assert cell(result, "RT1", "overall").distribution.n == 15


def test_a_row_with_fewer_scores_than_the_threshold_is_withheld(framework):
    governments_at_levels(framework, "asia", [0, 1, 2, 3, 4], rt2_na=1)
    result = secretariat.comparison(framework, "round_table", threshold=5)
    assert cell(result, "RT1", "asia").distribution.n == 5
    rt2 = cell(result, "RT2", "asia")
    assert rt2.distribution is None and "4 governments have a score here" in rt2.withheld_reason


def test_criteria_compare_levels(framework):
    governments_at_levels(framework, "asia", [0, 1, 2, 3, 4, 4])
    result = secretariat.comparison(framework, "criterion", threshold=5)
    d = cell(result, "RT1.01", "asia").distribution
    assert d.bands == (1, 1, 1, 1, 2) and d.median == 2.5 and result.is_level


@pytest.mark.parametrize("dimension", list(secretariat.DIMENSIONS))
def test_each_assessments_numbers_are_build_reports(framework, dimension):
    mixed = {"RT1.01": 4, "RT1.02": 0, "RT1.03": None, "RT1.04": 3, "RT2.01": 1, "RT2.02": 2, "RT2.03": 2}
    assessment = approved(government("Mixland", "XMX", "asia"), framework, mixed)
    result = secretariat.comparison(framework, dimension, threshold=1)
    report = build_report(assessment)
    expected = {
        "round_table": {s.code: s.score.percent for s in report.round_tables},
        "theme": {t.code: t.score.percent for s in report.round_tables for t in s.themes},
        "criterion": {r.code: r.score for r in report.rows if r.score is not None},
        "key_element": {s.label: s.percent for s in report.key_element_scores},
        "sector": {s.label: s.percent for s in report.sector_scores},
        "sdg_domain": {s.label: s.percent for s in report.sdg_scores},
        "gcm_objective": {s.label: s.percent for s in report.gcm_scores},
    }[dimension]
    key = "key" if dimension in ("round_table", "theme", "criterion") else "label"
    got = {getattr(item, key): item.cells["overall"].distribution.median for item in result.items
           if item.cells["overall"].distribution}
    assert got == {k: v for k, v in expected.items() if v is not None}


def test_page_shows_withheld_groups_and_never_names_a_government(client, framework):
    governments_at_levels(framework, "africa", [1, 2, 3, 4])
    governments_at_levels(framework, "asia", [0, 1, 2, 3, 4], start=10)
    governments_at_levels(framework, "europe", [4, 4, 4, 4, 4, 3], start=20)
    client.force_login(make_user("sec", role="secretariat"))
    response = client.get(URL, {"version": "cmp", "dimension": "round_table"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Withheld: 4 approved assessments, fewer than 5." in html
    assert "would reveal a group of fewer than 5" in html
    assert "africa 0" not in html and "asia 10" not in html  # the governments' names
    assert "data:image/svg+xml;base64," in html
    for dimension in secretariat.DIMENSIONS:
        assert client.get(URL, {"version": "cmp", "dimension": dimension, "group": "europe"}).status_code == 200
    assert client.get(URL, {"version": "no-such-version"}).status_code == 404


def test_chart_escapes_text(framework):
    from assessments.comparison_charts import comparison_chart
    from assessments.models import Theme

    Theme.objects.filter(code="RT1.A").update(title="<script>alert(1)</script> & co")
    governments_at_levels(framework, "asia", [0, 1, 2, 3, 4])
    chart = comparison_chart(secretariat.comparison(framework, "theme"), "overall")
    assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg


def _page_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


def test_comparison_page_takes_the_same_queries_for_10_and_200_governments(client, framework):
    client.force_login(make_user("sec", role="secretariat"))
    governments_at_levels(framework, "asia", [n % 5 for n in range(10)])
    dimensions = list(secretariat.DIMENSIONS)
    small = [_page_queries(client, {"version": "cmp", "dimension": d}) for d in dimensions]
    governments_at_levels(framework, "europe", [n % 5 for n in range(190)], start=100)
    large = [_page_queries(client, {"version": "cmp", "dimension": d}) for d in dimensions]
    assert small == large
    print(f"comparison page queries per dimension, 10 and 200 governments: {small} / {large}")


def test_a_government_counts_once_with_its_latest_approved_assessment(framework):
    made = governments_at_levels(framework, "asia", [0, 1, 2, 3])
    # The first government's later cycle: still four governments, so still withheld.
    approved(made[0].government, framework, dict.fromkeys(CODES, 4), cycle="2027")
    result = secretariat.comparison(framework, "round_table", threshold=4)
    assert {g.key: g.size for g in result.groups}["asia"] == 4
    d = cell(result, "RT1", "asia").distribution
    assert sorted([d.mean, d.median]) == [62.5, 62.5]  # 100 (its 2027), 25, 50, 75 — not its 2026's 0
    assert secretariat.comparison(framework, "round_table", threshold=5).groups[0].size == 4
    only_2026 = secretariat.comparison(framework, "round_table", threshold=4, cycle="2026")
    assert cell(only_2026, "RT1", "asia").distribution.mean == 37.5  # 0, 25, 50, 75


def test_linked_versions_are_compared_criterion_by_criterion(framework):
    from assessments.models import Criterion
    from assessments.versioning import framework_copy, framework_publish

    newer = framework_copy(version=framework, code="cmp-2")
    Criterion.objects.filter(version=newer, code="RT1.01").update(code="RT1.09")  # renumbered in the revision
    framework_publish(version=newer)
    governments_at_levels(framework, "asia", [0, 1, 2])
    for i, level in enumerate([3, 4]):
        scores = {("RT1.09" if code == "RT1.01" else code): level for code in CODES}
        approved(government(f"new {i}", iso3(50 + i), "asia"), newer, scores)
    alone = secretariat.comparison(newer, "criterion", threshold=5)
    assert cell(alone, "RT1.09", "asia").distribution is None  # two governments only
    linked = secretariat.comparison(newer, "criterion", threshold=5, linked=True)
    assert linked.versions == [newer.name, framework.name]
    d = cell(linked, "RT1.09", "asia").distribution  # the old RT1.01 answers count under the new code
    assert d.n == 5 and d.bands == (1, 1, 1, 1, 1)
    assert "RT1.01" not in [item.key for item in linked.items]


def test_the_threshold_comes_from_the_setting(framework, settings):
    governments_at_levels(framework, "asia", [0, 2, 4])
    assert not {g.key: g for g in secretariat.comparison(framework, "round_table").groups}["asia"].shown
    settings.HLD_MIN_GROUP_SIZE = 3
    result = secretariat.comparison(framework, "round_table")
    assert result.threshold == 3 and cell(result, "RT1", "asia").distribution.median == 50.0
