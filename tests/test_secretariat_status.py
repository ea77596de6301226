"""The secretariat's status across governments: states on hand-built data, filters, sorting, exports, access."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import secretariat
from assessments.models import Assessment, Government, Response
from tests.factories import make_assessment, make_user
from tests.secretariat_data import government, iso3

STATUS_URL = reverse("secretariat_status")


@pytest.fixture
def cycle(world):
    """Five governments of cycle 2026, one per state (Alphaland's draft from ``world`` gets one answer)."""
    fw = world.framework
    criterion = fw.criteria.order_by("code").first()
    Response.objects.create(assessment=world.assessment, criterion=criterion, score=3, justification="j")
    # world.other_government (Betaland) has no assessment: not started.
    submitted = make_assessment(government=government("Gammaland", "XGG", "asia"), framework=fw, status="submitted")
    returned = make_assessment(government=government("Deltaland", "XDD", "europe"), framework=fw)
    moment = timezone.now() + timedelta(days=1)
    Assessment.objects.filter(pk=returned.pk).update(returned_at=moment, submitted_at=moment - timedelta(hours=1))
    approved = make_assessment(government=government("Epsilonland", "XEE", "americas"), framework=fw,
                               status="approved")
    return {"submitted": submitted, "returned": returned, "approved": approved, "returned_at": moment}


def test_every_state_on_hand_built_data(world, cycle):
    rows = {r.government: r for r in secretariat.cycle_status("2026")}
    assert {name: r.state for name, r in rows.items()} == {
        "Alphaland": "draft", "Betaland": "not_started", "Gammaland": "submitted", "Deltaland": "returned",
        "Epsilonland": "approved",
    }
    alpha = rows["Alphaland"]
    assert (alpha.answered, alpha.total, alpha.percent_answered) == (1, 8, 12)  # 1 of 8 criteria: 12.5 → 12
    assert rows["Betaland"].percent_answered is None and rows["Betaland"].last_activity is None
    assert rows["Deltaland"].last_activity == cycle["returned_at"]  # the latest of its moments
    assert alpha.last_activity == Response.objects.get(assessment=world.assessment).updated_at
    assert [f.name for f in alpha.focal_points] == ["focal"]  # contributors and viewers are not listed
    assert [f.email for f in rows["Betaland"].focal_points] == ["outsider@example.org"]
    assert rows["Gammaland"].focal_points == ()


def test_filters_by_region_and_state_and_sorts(world, cycle):
    assert [r.government for r in secretariat.cycle_status("2026", region="africa")] == ["Alphaland", "Betaland"]
    assert [r.government for r in secretariat.cycle_status("2026", state="returned")] == ["Deltaland"]
    by_answered = secretariat.cycle_status("2026", sort="answered", descending=True)
    assert by_answered[0].government == "Alphaland" and by_answered[-1].government == "Betaland"
    by_status = [r.state for r in secretariat.cycle_status("2026", sort="status")]
    assert by_status == ["not_started", "draft", "submitted", "returned", "approved"]


def test_page_shows_states_and_links_only_what_the_secretariat_may_read(client, world, cycle):
    client.force_login(world.secretariat)
    response = client.get(STATUS_URL, {"cycle": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Not started", "Draft", "Submitted", "Returned", "Approved", "1 / 8 (12 %)"):
        assert label in html
    assert reverse("assessment_detail", args=[cycle["approved"].pk]) in html
    assert reverse("assessment_detail", args=[cycle["submitted"].pk]) in html
    # Drafts are not the secretariat's to read: their state is shown, not a link.
    assert reverse("assessment_detail", args=[world.assessment.pk]) not in html
    assert 'href="mailto:focal@example.org"' in html


def test_page_filters_and_sorts(client, world, cycle):
    client.force_login(world.secretariat)
    html = client.get(STATUS_URL, {"cycle": "2026", "region": "europe"}).content.decode()
    assert "Deltaland" in html and "Alphaland" not in html
    html = client.get(STATUS_URL, {"cycle": "2026", "status": "not_started"}).content.decode()
    assert "Betaland" in html and "Gammaland" not in html
    html = client.get(STATUS_URL, {"cycle": "2026", "sort": "-government"}).content.decode()
    assert html.index("Gammaland") < html.index("Alphaland")
    assert 'aria-sort="descending"' in html


def test_page_is_paged(client, world):
    Government.objects.bulk_create(Government(name=f"Land {n:03d}", iso3=iso3(n), un_region="asia") for n in range(60))
    client.force_login(world.secretariat)
    first = client.get(STATUS_URL).content.decode()
    assert "Land 047" in first and "Land 049" not in first and "page 1 of 2" in first
    second = client.get(STATUS_URL, {"page": 2}).content.decode()
    assert "Land 049" in second and "Land 047" not in second


def test_csv_export_neutralises_formulas(client, world, cycle):
    government("=HYPERLINK(\"http://evil\")", "XZZ", "oceania")
    client.force_login(world.secretariat)
    response = client.get(reverse("secretariat_status_csv"), {"cycle": "2026"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_name = {r["government"]: r for r in rows}
    assert by_name["Alphaland"]["status"] == "Draft" and by_name["Alphaland"]["percent_answered"] == "12"
    assert "'=HYPERLINK(\"http://evil\")" in by_name
    assert by_name["Alphaland"]["focal_points"] == "focal <focal@example.org>"


def test_excel_export_has_the_rows_and_no_formula(client, world, cycle):
    from openpyxl import load_workbook

    government("=1+1", "XZZ", "oceania")
    client.force_login(world.secretariat)
    response = client.get(reverse("secretariat_status_xlsx"), {"cycle": "2026", "sort": "government"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "government"
    names = [row[0] for row in values[1:]]
    assert "'=1+1" in names and "Deltaland" in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    alpha = next(row for row in values[1:] if row[0] == "Alphaland")
    assert alpha[3] == "Draft" and alpha[7] == 12


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def _governments_with_assessments(framework, start: int, count: int):
    governments = Government.objects.bulk_create(
        Government(name=f"Country {n:04d}", iso3=iso3(n), un_region=["africa", "asia", "europe"][n % 3])
        for n in range(start, start + count)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(government=g, framework_version=framework, cycle="2026", status="submitted") for g in governments
    )
    criterion = framework.criteria.first()
    Response.objects.bulk_create(Response(assessment=a, criterion=criterion, score=2) for a in assessments)


def test_status_page_and_exports_take_the_same_queries_for_10_and_200_governments(client, world):
    client.force_login(world.secretariat)
    _governments_with_assessments(world.framework, 100, 8)  # 10 governments with Alphaland and Betaland
    small = [_queries(client, url) for url in (STATUS_URL, reverse("secretariat_status_csv"))]
    _governments_with_assessments(world.framework, 200, 190)
    assert Government.objects.count() == 200
    large = [_queries(client, url) for url in (STATUS_URL, reverse("secretariat_status_csv"))]
    assert small == large
    print(f"status page / CSV queries, 10 and 200 governments: {small} / {large}")


@pytest.mark.parametrize("url_name", ["secretariat_status", "secretariat_status_csv", "secretariat_status_xlsx",
                                      "secretariat_comparison"])
def test_every_access_level(client, world, editor, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (world.outsider, world.viewer, world.contributor, world.focal, editor):
        client.force_login(user)
        assert client.get(url).status_code == 403, user.username
    client.force_login(world.secretariat)
    assert client.get(url).status_code == 200


def test_no_cycle_yet_says_so(client, db):
    client.force_login(make_user("sec", role="secretariat"))
    assert "No government has started an assessment yet." in client.get(STATUS_URL).content.decode()


def test_new_pages_have_no_inline_script_or_style(client, world):
    from tests.test_security import inline_code

    client.force_login(world.secretariat)
    for url in (STATUS_URL, reverse("secretariat_comparison"), reverse("api_tokens"), reverse("api_docs")):
        response = client.get(url)
        assert response.status_code == 200 and inline_code(response.content.decode()) == [], url
