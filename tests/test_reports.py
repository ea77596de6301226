import csv
import io
import subprocess
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from assessments import pdf as pdf_module
from assessments.models import Assessment, Criterion, ReportFile, Response
from assessments.reports import build_report
from assessments.versioning import framework_copy, framework_publish
from tests.factories import answer_all, make_assessment, make_framework, make_government, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def answer(assessment, code, score=None, *, na=False, dk=False, evidence="", lead="Ministry"):
    criterion = Criterion.objects.get(version=assessment.framework_version, code=code)
    return Response.objects.create(
        assessment=assessment, criterion=criterion, score=score, not_applicable=na, dont_know=dk,
        justification="because", evidence=evidence, lead_institution=lead,
    )


def set_weight(framework, code, weight):
    Criterion.objects.filter(version=framework, code=code).update(weight=weight)


# --- Numbers, against values computed by hand ------------------------------------


def test_scores_weights_not_applicable_dont_know_and_unanswered(world):
    a = world.assessment  # 2 round tables × 2 themes × 2 criteria, weight 2 unless set
    set_weight(world.framework, "RT1.01", 3)
    set_weight(world.framework, "RT1.02", 1)
    answer(a, "RT1.01", 4, evidence="Law 1")  # theme RT1.A: (3·4 + 1·1) / (3·4 + 1·4) = 13/16 = 81.25 %
    answer(a, "RT1.02", 1)
    answer(a, "RT1.03", 2)  # theme RT1.B: RT1.03 only (RT1.04 not applicable) → 2/4 = 50 %
    answer(a, "RT1.04", na=True)
    answer(a, "RT2.01", dk=True)  # RT2: only RT2.02 scored → 0/4 = 0 %
    answer(a, "RT2.02", 0)
    # RT2.03, RT2.04 unanswered: left out, not zero.
    report = build_report(a)
    rt1, rt2 = report.round_tables
    assert rt1.themes[0].score.percent == pytest.approx(81.25)
    assert rt1.themes[1].score.percent == pytest.approx(50.0)
    # RT1: (3·4 + 1·1 + 2·2) / (3·4 + 1·4 + 2·4) = 17/24
    assert rt1.score.percent == pytest.approx(100 * 17 / 24)
    assert rt2.score.percent == pytest.approx(0.0)
    assert rt2.themes[1].score.percent is None  # nothing scored in RT2.B
    assert report.overall.percent == pytest.approx((100 * 17 / 24 + 0) / 2)
    assert report.overall.band == "Partially meets"  # 35.4 %
    c = report.completeness
    assert (c.scored, c.not_applicable, c.dont_know, c.unanswered, c.total) == (4, 1, 1, 2, 8)
    assert [row.code for row in report.data_gaps] == ["RT2.01"]
    # priority = weight × gap: RT2.02 2·4=8, RT1.02 1·3=3, RT1.03 2·2=4, RT1.01 3·0=0 (not a gap)
    assert [(row.code, row.priority) for row in report.priority_gaps] == [("RT2.02", 8), ("RT1.03", 4), ("RT1.02", 3)]
    assert [row.code for row in report.strengths] == ["RT1.01"]


def test_empty_round_table_does_not_count_as_zero(world):
    answer(world.assessment, "RT1.01", 2)
    report = build_report(world.assessment)
    assert report.round_tables[1].score.percent is None
    assert report.overall.percent == pytest.approx(50.0)


def test_coherence_unsupported_and_missing_lead_institution(world):
    # make_framework links RT1.01 with RT2.04.
    answer(world.assessment, "RT1.01", 4, evidence="")
    answer(world.assessment, "RT2.04", 2, lead="")
    report = build_report(world.assessment)
    assert [(f.a.code, f.b.code, f.difference) for f in report.coherence_flags] == [("RT1.01", "RT2.04", 2)]
    assert [row.code for row in report.unsupported] == ["RT1.01"]
    assert [row.code for row in report.without_lead_institution] == ["RT2.04"]


def test_coherence_is_not_flagged_one_level_apart(world):
    answer(world.assessment, "RT1.01", 3, evidence="Decree")
    answer(world.assessment, "RT2.04", 2)
    assert build_report(world.assessment).coherence_flags == []


def test_progress_against_a_previous_cycle_on_another_framework_version(world):
    previous = make_assessment(government=world.government, framework=world.framework, cycle="2024")
    answer(previous, "RT1.01", 1)
    answer(previous, "RT2.01", 3)
    Assessment.objects.filter(pk=previous.pk).update(status="approved")
    new_version = framework_copy(version=world.framework)
    Criterion.objects.filter(version=new_version, code="RT1.01").update(code="RT1.09")  # renumbered in the copy
    framework_publish(version=new_version)
    current = make_assessment(government=world.government, framework=new_version, cycle="2026-b")
    answer(current, "RT1.09", 3)
    answer(current, "RT2.01", 3)
    report = build_report(current)
    assert report.progress is not None and not report.progress.same_framework
    assert [(c.code, c.previous, c.current, c.delta) for c in report.progress.changes] == [("RT1.09", 1, 3, 2)]
    by_rt = {code: (before, now, compared) for code, before, now, _change, compared in report.progress.round_tables}
    assert by_rt["RT1"] == (pytest.approx(25.0), pytest.approx(75.0), 1)
    assert by_rt["RT2"] == (pytest.approx(75.0), pytest.approx(75.0), 1)


def test_no_progress_section_without_an_earlier_approved_assessment(world):
    make_assessment(government=world.government, framework=world.framework, cycle="2024")  # a draft does not count
    assert build_report(world.assessment).progress is None


def test_build_report_query_count_does_not_grow_with_the_framework(db):
    counts = []
    for size in (1, 5):
        framework = make_framework(status="published", criteria_per_theme=size)
        government = make_government()
        previous = make_assessment(government=government, framework=framework, cycle="2024")
        answer_all(previous)
        Assessment.objects.filter(pk=previous.pk).update(status="approved")
        assessment = make_assessment(government=government, framework=framework)
        answer_all(assessment, score=3)
        assessment = Assessment.objects.select_related("government", "framework_version").get(pk=assessment.pk)
        with CaptureQueriesContext(connection) as queries:
            build_report(assessment)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Who may read it -------------------------------------------------------------------


REPORT_URLS = ["report", "report_pdf", "report_csv"]


@pytest.mark.parametrize("name", REPORT_URLS)
def test_anonymous_is_sent_to_sign_in(client, world, name):
    response = client.get(reverse(name, args=[world.assessment.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", REPORT_URLS)
def test_member_of_another_government_gets_404(client, world, name):
    client.force_login(world.outsider)
    assert client.get(reverse(name, args=[world.assessment.pk])).status_code == 404


@pytest.mark.parametrize("name", REPORT_URLS)
def test_secretariat_cannot_read_a_draft_report(client, world, name):
    client.force_login(world.secretariat)
    assert client.get(reverse(name, args=[world.assessment.pk])).status_code == 404


@pytest.mark.parametrize("role", ["focal", "contributor", "viewer", "secretariat"])
@pytest.mark.parametrize("name", REPORT_URLS)
def test_readers_of_a_submitted_assessment_get_the_report(client, world, role, name):
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")
    client.force_login(getattr(world, role))
    assert client.get(reverse(name, args=[world.assessment.pk])).status_code == 200


# --- The page --------------------------------------------------------------------------


def test_report_page_has_draft_mark_charts_and_their_data(client, world):
    answer(world.assessment, "RT1.01", 1)
    client.force_login(world.viewer)
    page = client.get(reverse("report", args=[world.assessment.pk])).content.decode()
    assert "DRAFT" in page
    assert page.count('src="data:image/svg+xml;base64,') == 4  # radar, one bar chart per round table, heat map
    assert "Data of the chart “Score per round table”" in page
    assert "Policy sectors × round tables" in page


def test_approved_report_page_has_no_draft_mark(client, world):
    answer_all(world.assessment)
    Assessment.objects.filter(pk=world.assessment.pk).update(status="approved")
    client.force_login(world.viewer)
    page = client.get(reverse("report", args=[world.assessment.pk])).content.decode()
    assert "DRAFT" not in page


# --- The PDF ---------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    """The PDF's text layer as poppler reads it (as screen readers and search do), whitespace collapsed."""
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def test_pdf_holds_government_round_tables_top_gaps_and_draft_mark(client, world):
    answer(world.assessment, "RT2.02", 0)
    answer(world.assessment, "RT1.03", 2)
    client.force_login(world.focal)
    response = client.get(reverse("report_pdf", args=[world.assessment.pk]))
    assert response["Content-Type"] == "application/pdf"
    # The file's name says which document and language it is (tests/test_documents_pipeline.py covers the rest).
    assert response["Content-Disposition"] == 'attachment; filename="Alphaland-2026-gap-report-en.pdf"'
    assert response["Cache-Control"] == "private, no-cache"  # revalidated with its ETag (issue 19)
    content = b"".join(response.streaming_content)
    text = pdf_text(content)
    assert "Alphaland" in text
    for number in (1, 2):
        assert f"Round table {number}: Round table {number} title" in text
    assert "RT2.02" in text and "RT1.03" in text
    assert "DRAFT" in text
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Alphaland 2026 — gap report"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers
    assert all(abs(float(p.mediabox.width) - 595.28) < 1 for p in reader.pages)  # A4


def test_approved_pdf_has_no_draft_mark(client, world):
    answer_all(world.assessment)
    Assessment.objects.filter(pk=world.assessment.pk).update(status="approved")
    client.force_login(world.focal)
    text = pdf_text(b"".join(client.get(reverse("report_pdf", args=[world.assessment.pk])).streaming_content))
    assert "DRAFT" not in text and "Alphaland" in text


def test_second_download_does_not_render_again_until_the_assessment_changes(client, world, tmp_path):
    client.force_login(world.focal)
    url = reverse("report_pdf", args=[world.assessment.pk])
    with mock.patch.object(pdf_module, "render_full_pdf", wraps=pdf_module.render_full_pdf) as render:
        first = b"".join(client.get(url).streaming_content)
        second = b"".join(client.get(url).streaming_content)
        assert render.call_count == 1
        assert first == second
        Assessment.objects.filter(pk=world.assessment.pk).update(revision=5)
        client.get(url)
        assert render.call_count == 2
    stored = ReportFile.objects.get(assessment=world.assessment)  # the earlier revision's file is gone
    assert stored.revision == 5
    assert [p.name for p in (tmp_path / "reports").iterdir()] == [stored.file.name.split("/")[-1]]


def test_pdf_rendering_fetches_nothing_outside_the_static_files():
    fetcher = pdf_module.LocalOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("http://example.org/font.woff")
    with pytest.raises(pdf_module.ForbiddenResource):
        fetcher.fetch("file:///etc/passwd")
    response = fetcher.fetch((pdf_module.STATIC_DIR / "css" / "pdf.css").as_uri())
    assert response is not None


# --- The CSV ---------------------------------------------------------------------------


def test_csv_has_one_row_per_criterion_with_scores_and_gaps(client, world):
    set_weight(world.framework, "RT1.01", 3)
    answer(world.assessment, "RT1.01", 1, evidence="Law 5")
    answer(world.assessment, "RT1.02", na=True)
    client.force_login(world.viewer)
    response = client.get(reverse("report_csv", args=[world.assessment.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="Alphaland-2026-responses.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 8
    assert list(rows[0]) == ["round_table", "theme", "code", "statement", "weight", "answer", "score", "gap", "priority",
                             "justification", "evidence", "evidence_url", "confidence", "lead_institution"]
    first = rows[0]
    assert (first["code"], first["weight"], first["answer"], first["score"], first["gap"], first["priority"]) == (
        "RT1.01", "3", "Level 1", "1", "3", "9")
    assert (rows[1]["answer"], rows[1]["score"], rows[1]["gap"]) == ("Not applicable", "", "")
    assert (rows[2]["answer"], rows[2]["score"]) == ("Unanswered", "")


def test_csv_neutralises_formulas(client, world):
    criterion = Criterion.objects.get(version=world.framework, code="RT1.01")
    Response.objects.create(assessment=world.assessment, criterion=criterion, score=2,
                            justification='=HYPERLINK("http://x","click")', lead_institution="@SUM(A1)")
    client.force_login(world.viewer)
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("report_csv", args=[world.assessment.pk])).content.decode())))
    assert rows[0]["justification"] == '\'=HYPERLINK("http://x","click")'
    assert rows[0]["lead_institution"] == "'@SUM(A1)"


def test_other_government_member_cannot_read_a_report_even_with_a_valid_user(client, world):
    stranger = make_user("stranger", government=make_government(), role="viewer")
    client.force_login(stranger)
    assert client.get(reverse("report_pdf", args=[world.assessment.pk])).status_code == 404
