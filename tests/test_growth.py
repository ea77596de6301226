"""Growth (issue 19): the secretariat's pages stay paged and constant in queries from 2 to 200 governments with
600 assessments; the questionnaire and report pages stay constant from 60 to 240 criteria; the criterion history
reads through its composite index."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import SECRETARIAT_ADMIN_GROUP, Assessment, Criterion, Government, Membership, Response
from tests.factories import answer_all, make_assessment, make_framework, make_government, make_user

pytestmark = pytest.mark.django_db

CYCLES = ("2024", "2025", "2026")
STATES = ("approved", "submitted", "approved")


def queries(client, url, params=None) -> tuple[int, int]:
    """(queries, bytes) of one GET answered 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    return len(captured), len(body)


def add_governments(framework, start: int, count: int, focal_user) -> None:
    """``count`` governments, each with three assessments (one per cycle) answered on one criterion and a focal
    point: bulk writes, so 200 governments take a second."""
    governments = Government.objects.bulk_create(
        Government(name=f"Country {n:04d}", iso3="Q" + chr(65 + n // 26 % 26) + chr(65 + n % 26),
                   un_region=["africa", "asia", "europe"][n % 3])
        for n in range(start, start + count)
    )
    now = timezone.now()
    assessments = Assessment.objects.bulk_create(
        Assessment(government=g, framework_version=framework, cycle=cycle, status=state, submitted_at=now,
                   approved_at=now if state == "approved" else None)
        for g in governments for cycle, state in zip(CYCLES, STATES)
    )
    criteria = list(framework.criteria.order_by("code")[:2])
    Response.objects.bulk_create(Response(assessment=a, criterion=c, score=2, justification="j")
                                 for a in assessments for c in criteria)
    Membership.objects.bulk_create(Membership(user=focal_user, government=g, role="viewer") for g in governments)


SECRETARIAT_PAGES = [
    ("secretariat_status", {}), ("secretariat_status", {"page": "2"}), ("secretariat_status", {"cycle": "2025"}),
    ("secretariat_status_csv", {}), ("secretariat_status_xlsx", {}),
    ("secretariat_comparison", {}), ("secretariat_comparison", {"dimension": "criterion"}),
    ("government_list", {}), ("government_list", {"page": "3"}), ("home", {}),
]


def test_secretariat_pages_are_constant_in_queries_from_2_to_200_governments(client, published_framework):
    """2 governments with 6 assessments, then 200 with 600: the same number of queries on every page, and the
    pages that list governments stay paged (their size does not follow the number of governments)."""
    admin = make_user("sec-admin", role="secretariat")
    admin.groups.add(Group.objects.get(name=SECRETARIAT_ADMIN_GROUP))
    client.force_login(admin)
    watcher = make_user("watcher")  # a member of every government: the people's list shows memberships too
    add_governments(published_framework, 0, 2, watcher)
    small = {(name, tuple(p.items())): queries(client, reverse(name), p) for name, p in SECRETARIAT_PAGES}
    add_governments(published_framework, 100, 198, watcher)
    assert Government.objects.count() == 200 and Assessment.objects.count() == 600
    large = {(name, tuple(p.items())): queries(client, reverse(name), p) for name, p in SECRETARIAT_PAGES}
    for page in small:
        assert small[page][0] == large[page][0], (page, small[page], large[page])
    print({page[0] + str(dict(page[1])): (small[page], large[page]) for page in small})
    # Paged: 50 governments on the status page, 25 on the people's list, with links to the other pages.
    status = client.get(reverse("secretariat_status")).content.decode()
    assert len(set(re.findall(r"Country \d{4}", status))) <= 50 and "page 1 of" in status and "page=2" in status
    people = client.get(reverse("government_list")).content.decode()
    assert "page=2" in people
    home = client.get(reverse("home")).content.decode()
    assert len(set(re.findall(r"Country \d{4}", home))) <= 50 and "page 1 of 12" in home and "?page=2" in home
    assert large[("home", ())][1] < 4 * small[("home", ())][1]
    assert large[("government_list", ())][1] < 4 * small[("government_list", ())][1]


def test_the_criterion_history_filters_by_its_index_leading_columns(client, world):
    """Migration 0016's index is (assessment_id, criterion_id, history_date): the look-up filters by the first two
    and orders by the third, so it reads that criterion's history in that assessment only."""
    from assessments.models import Response as R

    table = R.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    index = next(c for c in constraints.values() if c["index"] and c["columns"][:2] == ["assessment_id", "criterion_id"])
    answer_all(world.assessment)
    criterion = world.framework.criteria.order_by("code").first()
    client.force_login(world.focal)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("criterion_history", args=[world.assessment.pk, criterion.pk])).status_code == 200
    history = [q["sql"] for q in captured if f'FROM "{table}"' in q["sql"]]
    assert len(history) == 1, history
    sql = history[0]
    where = sql.split("WHERE", 1)[1]
    assert f'"{table}"."assessment_id" = {world.assessment.pk}' in where
    assert f'"{table}"."criterion_id" = {criterion.pk}' in where
    assert f'ORDER BY "{table}"."history_date"' in sql
    assert index["columns"][2] == "history_date"
    if connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            cursor.execute(explain + sql)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "INDEX" in plan.upper() or "Index" in plan, plan


@pytest.mark.parametrize("page", ["questionnaire", "report"])
def test_the_questionnaire_and_report_pages_are_constant_from_60_to_240_criteria(client, page):
    counts = []
    for per_theme in (10, 40):  # 3 round tables × 2 themes: 60 and 240 criteria
        framework = make_framework(status="published", round_tables=3, themes_per_round_table=2,
                                   criteria_per_theme=per_theme)
        assert Criterion.objects.filter(theme__round_table__version=framework).count() == 6 * per_theme
        government = make_government()
        user = make_user(f"focal-{per_theme}", government=government, role="focal_point")
        previous = make_assessment(government=government, framework=framework, cycle="2024", status="approved")
        answer_all(previous, score=1)
        assessment = make_assessment(government=government, framework=framework)
        answer_all(assessment, user=user)
        client.force_login(user)
        url = (reverse("questionnaire", args=[assessment.pk, 1]) if page == "questionnaire"
               else reverse("report", args=[assessment.pk]))
        from django.core.cache import cache

        cache.clear()
        counts.append(queries(client, url)[0])
    assert counts[0] == counts[1], counts
