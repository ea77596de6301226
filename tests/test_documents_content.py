"""The documents themselves (issue 14): brief, full report and Word file, right in every script and with real content.

Each document is a pure function of a ``Report``; these tests build reports from the database and read the
rendered files the way a reader does: ``pdftotext`` (the text layer a screen reader and a search read),
``pdftotext -bbox`` (where each word was put), pypdf (pages, links), python-docx and LibreOffice.
"""

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.management import call_command
from docx.oxml.ns import qn
from pypdf import PdfReader

from assessments import charts
from assessments.models import Assessment, Criterion, PolicySector, Response, RoundTable
from assessments.reports import build_report
from tests.factories import make_assessment, make_government

pytestmark = pytest.mark.django_db

# A name in each script a UN member state's ministry may type (lead institution, evidence).
NAMES = [
    "Ministerstwo Spraw Wewnętrznych",
    "České",
    "Göç İdaresi Başkanlığı",
    "Ministerul Afacerilor Interne — Inspectoratul General pentru Imigrări",
    "Bộ Lao động – Thương binh và Xã hội",
    "Υπουργείο Μετανάστευσης και Ασύλου",
    "Министерство внутренних дел",
    "وزارة الداخلية",
    "公安部出入境管理局",
]
A4_WIDTH_PT = 595.3


def pdftotext(pdf: bytes, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def page_texts(pdf: bytes) -> list[str]:
    return pdftotext(pdf, "-layout").split("\f")


def flat(text: str) -> str:
    """Text with line breaks and bidi marks removed: a name broken over two lines is still the name."""
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    return re.sub(r"\s+", " ", text)


def criterion(assessment, code):
    return Criterion.objects.get(version=assessment.framework_version, code=code)


def respond(assessment, code, **values):
    defaults = {"score": 1, "justification": "Assessed by the working group.", "lead_institution": "Ministry"}
    return Response.objects.create(assessment=assessment, criterion=criterion(assessment, code),
                                   **{**defaults, **values})


@pytest.fixture
def documents():
    """The three renderers by name, imported when a test uses one."""
    import importlib

    def renderer(module, name):
        return lambda report: getattr(importlib.import_module(f"assessments.{module}"), name)(report)

    return {"full": renderer("pdf", "render_full_pdf"), "brief": renderer("pdf", "render_brief_pdf"),
            "docx": renderer("docx", "render_docx")}


@pytest.fixture
def every_script(world):
    """An assessment whose lead institutions and evidence are written in every script of NAMES."""
    a = world.assessment
    codes = [c.code for c in a.framework_version.criteria.order_by("code")]
    for i, (code, name) in enumerate(zip(codes, NAMES * 2)):
        respond(a, code, score=i % 3, lead_institution=name, evidence=f"Decree of {name}, 2024")
    # The framework has 8 criteria and NAMES 9: the last criterion's lead institution carries two names.
    Response.objects.filter(assessment=a, criterion__code=codes[-1]).update(
        lead_institution=f"{NAMES[-2]} / {NAMES[-1]}", evidence=f"Law of {NAMES[-1]} and {NAMES[0]}")
    a.refresh_from_db()
    return build_report(a)


# --- Every script, exactly, in the text layer and in the Word file -----------------------------------


@pytest.mark.parametrize("kind", ["full", "brief"])
def test_pdf_text_layer_holds_every_script_exactly(documents, every_script, kind):
    text = flat(pdftotext(documents[kind](every_script)))
    for name in NAMES:
        assert name in text, f"{name!r} is not in the {kind} PDF's text layer"


@pytest.mark.parametrize("kind", ["full", "brief"])
def test_pdf_embeds_the_fonts_of_every_script(documents, every_script, kind):
    """No empty boxes: Latin/Greek/Cyrillic, Arabic and Chinese each come from a font that has them."""
    pdf = documents[kind](every_script)
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Noto-Sans-Arabic" in fonts or "Naskh" in fonts
    assert "CJK" in fonts


def test_right_to_left_text_is_marked_right_to_left(every_script):
    from assessments.pdf import render_brief_html, render_full_html

    for html in (render_full_html(every_script), render_brief_html(every_script)):
        assert re.search(r'dir="rtl"[^>]*>[^<]*وزارة الداخلية', html)


def test_word_file_holds_every_script_exactly(documents, every_script):
    import docx

    document = docx.Document(io.BytesIO(documents["docx"](every_script)))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert len(every_script.priority_gaps) == 8  # every criterion has a gap: each lead institution is in the brief
    for name in NAMES:
        assert name in text, f"{name!r} is not in the Word file"
    arabic = [run for p in document.paragraphs for run in p.runs if run.text.startswith(NAMES[7])]
    assert arabic and all(run._r.rPr.find(qn("w:rtl")) is not None for run in arabic), "Arabic is marked right to left"


# --- Layout that survives real content -------------------------------------------------------------------


@pytest.fixture
def long_content(world):
    """A 5,000-character evidence text with an unbroken 400-character token, and a 200-character lead institution."""
    a = world.assessment
    evidence = ("The national migration strategy, adopted by decree, sets out the inter-ministerial plan. " * 60)[:4499]
    evidence = evidence + " " + "x" * 400 + " " + "y" * 99
    assert len(evidence) == Response.TEXT_LIMIT
    respond(a, "RT1.01", score=1, evidence=evidence, lead_institution="Z" * 200,
            evidence_url="https://example.org/" + "a" * 300)
    for code in ("RT1.02", "RT1.03", "RT1.04", "RT2.01"):
        respond(a, code, score=2, evidence="Law 12/2020", evidence_url=f"https://example.org/{code}")
    return build_report(a)


def test_long_evidence_keeps_its_round_tables_table_within_two_pages(documents, long_content):
    texts = page_texts(documents["full"](long_content))
    # From the caption of round table 1's first criteria table to the heading that follows its last one.
    first = next(i for i, t in enumerate(texts) if "RT1.A Theme 1A —" in t)
    last = next(i for i, t in enumerate(texts) if "What can help close the gaps" in t and i >= first)
    assert last - first + 1 <= 2, f"round table 1's criteria tables spread over {last - first + 1} pages"
    unbroken = re.sub(r"\s", "", " ".join(texts))  # the 99 y's wrap over lines in the annex
    assert "y" * 99 in unbroken, "the long evidence is in the document in full (the annex)"


@pytest.mark.parametrize("kind", ["full", "brief"])
def test_every_word_stays_inside_the_page(documents, long_content, kind):
    bbox = pdftotext(documents[kind](long_content), "-bbox")
    right_edges = [float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', bbox)]
    assert right_edges and max(right_edges) <= A4_WIDTH_PT - 40, "a word runs into the right margin or off the page"


def test_evidence_links_are_clickable_in_the_pdf_and_on_the_page(client, world, documents, long_content):
    reader = PdfReader(io.BytesIO(documents["full"](long_content)))
    uris = {
        annotation.get_object()["/A"].get("/URI")
        for page in reader.pages for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link" and "/A" in annotation.get_object()
    }
    assert "https://example.org/RT1.02" in uris
    client.force_login(world.focal)
    page = client.get(f"/assessments/{world.assessment.pk}/report/").content.decode()
    assert re.search(r'<a [^>]*href="https://example.org/RT1.02"', page)


def test_sources_are_cited_by_short_title_and_named_by_file_only_in_the_annex(documents, long_content):
    text = flat(pdftotext(documents["full"](long_content)))
    assert text.count("003_addb3458094da28a.txt") == 1, "the file name appears once, in the annex's list of sources"
    assert "UN system 2013" in text


# --- The brief's length ------------------------------------------------------------------------------------


def test_brief_never_exceeds_eight_pages_for_the_demo_assessments(documents):
    call_command("seed_demo", password="pw-demo-2026", stdout=io.StringIO())
    assessments = list(Assessment.objects.all())
    assert len(assessments) >= 3
    for assessment in assessments:
        n = pages(documents["brief"](build_report(assessment)))
        assert n <= 8, f"{assessment}: the brief has {n} pages"


def test_brief_never_exceeds_eight_pages_when_every_answer_is_as_long_as_allowed(documents):
    call_command("loaddata", "hld2013", verbosity=0)
    from assessments.workflow import current_framework

    framework = current_framework()
    assessment = make_assessment(government=make_government("Maximland " + "M" * 180, "XMX"), framework=framework)
    long_text = ("Ministerstwo Spraw Wewnętrznych decree on inter-ministerial coordination " * 80)[:5000]
    Response.objects.bulk_create(
        Response(assessment=assessment, criterion=c, score=i % 5, justification=long_text, evidence=long_text,
                 evidence_url="https://example.org/" + "p" * 470,
                 lead_institution=("Ministerul Afacerilor Interne " * 8)[:200])
        for i, c in enumerate(framework.criteria.order_by("code"))
    )
    n = pages(documents["brief"](build_report(assessment)))
    assert n <= 8, f"the brief has {n} pages"


# --- The Word file -------------------------------------------------------------------------------------------


def test_word_file_has_headings_tables_charts_and_the_sign_off_block(documents, every_script, tmp_path):
    import docx

    content = documents["docx"](every_script)
    document = docx.Document(io.BytesIO(content))
    styles = [p.style.name for p in document.paragraphs]
    assert "Title" in styles and "Heading 1" in styles
    assert len(document.tables) >= 3
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert any(name.startswith("word/media/") and name.endswith(".png") for name in package.namelist())
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Sign-off" in text and "Signature" in text and "_____" in text

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    source = tmp_path / "brief.docx"
    source.write_bytes(content)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    converted = (tmp_path / "brief.pdf").read_bytes()
    assert "Sign-off" in pdftotext(converted)


# --- Hand-made SVG escapes its text (issue 11, item 4) and never clips a label ----------------------------


def test_heatmap_svg_escapes_round_table_codes_and_labels(world):
    RoundTable.objects.filter(version=world.framework, number=1).update(code="R&D<1", title="Research & <development>")
    PolicySector.objects.filter(code="labour-employment").update(name="Labour & <employment>")
    a = world.assessment
    respond(a, "RT1.01", score=2)
    report = build_report(a)
    for chart in (charts.heatmap_chart(report), charts.radar_chart(report)):
        root = ET.fromstring(chart.svg)  # raises on unescaped text: the chart would be blank
        texts = "".join(root.itertext())
        assert "R&D<1" in texts
    assert "Labour & <employment>" in "".join(ET.fromstring(charts.heatmap_chart(report).svg).itertext())


def test_heatmap_row_labels_fit_their_column(world):
    PolicySector.objects.filter(code="labour-employment").update(
        name="Environment, climate change and disaster risk reduction, including displacement")
    respond(world.assessment, "RT1.01", score=2)
    chart = charts.heatmap_chart(build_report(world.assessment))
    root = ET.fromstring(chart.svg)
    ns = "{http://www.w3.org/2000/svg}"
    labels = [t for t in root.iter(f"{ns}text") if t.get("text-anchor") == "end"]
    lines = [line for t in labels for line in ([s.text for s in t.iter(f"{ns}tspan")] or ["".join(t.itertext())])]
    assert " ".join(lines) == "Environment, climate change and disaster risk reduction, including displacement"
    assert max(len(line) for line in lines) <= charts.HEATMAP_LABEL_CHARS


def test_radar_outer_tick_does_not_sit_on_the_first_axis_label(world):
    respond(world.assessment, "RT1.01", score=2)
    svg = charts.radar_chart(build_report(world.assessment)).svg
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any(t.startswith("RT1") for t in texts) and "100" not in texts
