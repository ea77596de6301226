"""The read-only API: every endpoint at every access level, scoping, filters, pagination, ETags, throttling."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.api.tokens import api_token_create
from assessments.reports import build_report
from tests.factories import answer_all, make_assessment, make_framework, make_government


def bearer(user) -> Client:
    _row, token = api_token_create(user=user, name="test", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def api(world, editor):
    """A token client per access level, and the objects they ask about."""
    answer_all(world.assessment, score=3)
    submitted = make_assessment(government=world.other_government, framework=world.framework, status="submitted")
    return {
        "assessment": world.assessment,  # Alphaland's draft
        "submitted": submitted,  # Betaland's
        "clients": {
            "viewer": bearer(world.viewer), "contributor": bearer(world.contributor), "focal": bearer(world.focal),
            "outsider": bearer(world.outsider), "secretariat": bearer(world.secretariat), "editor": bearer(editor),
        },
    }


def object_urls(assessment) -> list[str]:
    return [reverse(name, args=[assessment.pk]) for name in ("api_assessment", "api_responses", "api_report")]


def all_urls(world, assessment) -> list[str]:
    return [
        reverse("api_frameworks"), reverse("api_framework", args=[world.framework.code]), reverse("api_assessments"),
        *object_urls(assessment), reverse("api_secretariat_status"),
        reverse("api_secretariat_comparison") + f"?version={world.framework.code}",
    ]


def test_no_token_is_401_with_a_bearer_challenge(client, world, api):
    for url in all_urls(world, api["assessment"]):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_wrong_token_is_401(world, api):
    for header in ("Bearer hld_not-a-token", "Bearer", "Bearer a b", "Bearer \u00e9t\u00e9"):
        response = Client(HTTP_AUTHORIZATION=header).get(reverse("api_assessments"))
        assert response.status_code == 401, header


def test_members_of_the_government_read_their_assessment(world, api):
    urls = object_urls(api["assessment"])
    for role in ("viewer", "contributor", "focal"):
        for url in urls:
            assert api["clients"][role].get(url).status_code == 200, (role, url)
        listed = api["clients"][role].get(reverse("api_assessments")).json()
        assert [a["id"] for a in listed["results"]] == [api["assessment"].pk]


def test_a_strangers_token_gets_404(world, api):
    for role in ("outsider", "editor"):
        for url in object_urls(api["assessment"]):
            assert api["clients"][role].get(url).status_code == 404, (role, url)
    listed = api["clients"]["outsider"].get(reverse("api_assessments")).json()
    # The outsider is Betaland's focal point: only Betaland's assessment is listed, and readable.
    assert [a["id"] for a in listed["results"]] == [api["submitted"].pk]
    assert api["clients"]["outsider"].get(reverse("api_assessment", args=[api["submitted"].pk])).status_code == 200


def test_the_secretariat_reads_submitted_assessments_not_drafts(world, api):
    sec = api["clients"]["secretariat"]
    for url in object_urls(api["submitted"]):
        assert sec.get(url).status_code == 200
    for url in object_urls(api["assessment"]):
        assert sec.get(url).status_code == 404
    assert [a["id"] for a in sec.get(reverse("api_assessments")).json()["results"]] == [api["submitted"].pk]


def test_secretariat_endpoints_are_403_for_everyone_else(world, api):
    urls = [reverse("api_secretariat_status"),
            reverse("api_secretariat_comparison") + f"?version={world.framework.code}"]
    for role in ("viewer", "contributor", "focal", "outsider", "editor"):
        for url in urls:
            assert api["clients"][role].get(url).status_code == 403, (role, url)
    for url in urls:
        assert api["clients"]["secretariat"].get(url).status_code == 200


def test_status_and_comparison_answer_the_secretariat(world, api):
    sec = api["clients"]["secretariat"]
    status = sec.get(reverse("api_secretariat_status"), {"cycle": "2026"}).json()
    states = {row["government"]: row["state"] for row in status["results"]}
    assert states == {"Alphaland": "draft", "Betaland": "submitted"}
    assert sec.get(reverse("api_secretariat_status"), {"status": "bogus"}).status_code == 400
    comparison = sec.get(reverse("api_secretariat_comparison"), {"version": world.framework.code}).json()
    assert comparison["threshold"] == 5
    assert all(g["withheld_reason"] != "" for g in comparison["groups"])  # no approved assessment: all withheld
    assert sec.get(reverse("api_secretariat_comparison"), {"version": "nope"}).status_code == 404
    assert sec.get(reverse("api_secretariat_comparison")).status_code == 400  # version is required


def test_report_numbers_are_build_reports(world, api):
    data = api["clients"]["viewer"].get(reverse("api_report", args=[api["assessment"].pk])).json()
    report = build_report(api["assessment"])
    assert data["overall"]["percent"] == report.overall.percent == 75.0
    assert [rt["percent"] for rt in data["round_tables"]] == [s.score.percent for s in report.round_tables]
    assert data["completeness"]["scored"] == report.completeness.scored == 8
    assert [s["label"] for s in data["sdg_domains"]] == [s.label for s in report.sdg_scores]


def test_responses_of_an_assessment(world, api):
    data = api["clients"]["viewer"].get(reverse("api_responses", args=[api["assessment"].pk])).json()
    assert data["count"] == 8
    assert data["results"][0] == data["results"][0] | {"criterion": "RT1.01", "score": 3, "not_applicable": False}


def test_framework_tree(world, api):
    viewer = api["clients"]["viewer"]
    listed = viewer.get(reverse("api_frameworks")).json()["results"]
    assert [f["code"] for f in listed] == [world.framework.code]
    response = viewer.get(reverse("api_framework", args=[world.framework.code]))
    assert response.status_code == 200, response.content[:300]
    tree = response.json()
    criterion = tree["round_tables"][0]["themes"][0]["criteria"][0]
    assert criterion["code"] == "RT1.01" and [d["level"] for d in criterion["descriptors"]] == [0, 1, 2, 3, 4]
    assert criterion["key_elements"] == ["c"] and criterion["gcm_objectives"] == [6]
    draft = make_framework()
    assert viewer.get(reverse("api_framework", args=[draft.code])).status_code == 404  # drafts are the editors'


def test_filters_and_pagination(world, api):
    make_assessment(government=world.government, framework=world.framework, cycle="2024", status="approved")
    focal = api["clients"]["focal"]
    url = reverse("api_assessments")
    assert [a["cycle"] for a in focal.get(url).json()["results"]] == ["2026", "2024"]
    assert [a["cycle"] for a in focal.get(url, {"cycle": "2024"}).json()["results"]] == ["2024"]
    assert [a["cycle"] for a in focal.get(url, {"status": "draft"}).json()["results"]] == ["2026"]
    assert focal.get(url, {"version": "other"}).json()["count"] == 0
    assert focal.get(url, {"status": "nonsense"}).status_code == 400
    page = focal.get(url, {"page_size": 1}).json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]
    assert focal.get(url, {"page": 99}).status_code == 404


def test_etag_gives_304_when_nothing_changed(world, api):
    viewer = api["clients"]["viewer"]
    url = reverse("api_assessment", args=[api["assessment"].pk])
    first = viewer.get(url)
    assert first["ETag"] and "Authorization" in first["Vary"]
    assert viewer.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    from assessments.models import Assessment

    Assessment.objects.filter(pk=api["assessment"].pk).update(revision=99)
    assert viewer.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_session_works_for_the_browser(client, world, api):
    client.force_login(world.viewer)
    assert client.get(reverse("api_assessment", args=[api["assessment"].pk])).status_code == 200


def test_the_api_is_read_only(world, api):
    viewer = api["clients"]["viewer"]
    url = reverse("api_assessment", args=[api["assessment"].pk])
    for method in (viewer.post, viewer.put, viewer.patch, viewer.delete):
        assert method(url, {}, content_type="application/json").status_code == 405


def test_rate_limit_per_token(world, api, settings):
    settings.HLD_API_RATE = "3/minute"
    viewer, other = api["clients"]["viewer"], bearer(world.viewer)
    url = reverse("api_frameworks")
    assert [viewer.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert other.get(url).status_code == 200  # another token of the same person has its own count


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert "/api/v1/assessments/{id}/report/" in schema.json()["paths"]
    docs = client.get(reverse("api_docs")).content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "//cdn" not in docs and "unpkg" not in docs and "<script>" not in docs


def test_another_government_of_the_same_region_is_still_404(world, api):
    third = make_government("Thirdland", "XTT")
    theirs = make_assessment(government=third, framework=world.framework, status="approved")
    for role in ("viewer", "focal", "outsider"):
        assert api["clients"][role].get(reverse("api_report", args=[theirs.pk])).status_code == 404


def test_an_unknown_address_under_the_api_is_a_json_404(world, api):
    for url in ("/api/v1/assessments/null,null/", "/api/v1/nothing", "/api/v1/assessments/1/report/x"):
        response = api["clients"]["viewer"].get(url)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}, url


def test_secretariat_endpoints_take_the_same_queries_for_10_and_200_governments(world, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.secretariat_data import approved, government, iso3

    sec = api["clients"]["secretariat"]
    codes = list(world.framework.criteria.values_list("code", flat=True))
    urls = [reverse("api_secretariat_status") + "?page_size=200",
            reverse("api_secretariat_comparison") + f"?version={world.framework.code}&dimension=criterion",
            reverse("api_assessments") + "?page_size=200"]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert sec.get(url).status_code == 200
            result.append(len(queries))
        return result

    for n in range(8):
        approved(government(f"Small {n}", iso3(400 + n), "asia"), world.framework, dict.fromkeys(codes, n % 5))
    sec.get(reverse("api_frameworks"))  # the token's first use writes its last_used_at once: not counted
    small = counts()
    for n in range(190):
        approved(government(f"Large {n}", iso3(500 + n), "europe"), world.framework, dict.fromkeys(codes, n % 5))
    assert counts() == small
    print(f"API status / comparison / assessments queries, 10 and 200 governments: {small}")
