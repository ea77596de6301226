"""The brief as an editable Word file (python-docx): the document a ministry edits before circulating it.

``render_docx(report) -> bytes`` is a pure function of a ``Report``. It uses
Word's built-in styles only (Title, Heading 1/2, List Bullet, Table Grid), so
that a ministry's own template restyles it; charts are PNG pictures
rasterised from the report's SVG by CairoSVG (Word has no SVG-only pictures
that python-docx can write, and the PNG is the same picture as the PDF's).
"""

import io

import cairosvg
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .brief import brief_content
from .charts import pct, radar_chart
from .formatting import long_date, long_datetime
from .reports import Report
from .templatetags.report_tags import text_dir

# Latin, Greek and Cyrillic; East Asian; complex scripts (Arabic): Word picks the font by script, per run.
FONTS = {"ascii": "Noto Sans", "hAnsi": "Noto Sans", "eastAsia": "Noto Sans CJK SC", "cs": "Noto Sans Arabic"}
SIGNATURE_LINE = "_" * 40
CHART_WIDTH = Mm(110)
TEXT_WIDTH = 170  # mm between the margins of an A4 page
FIRST_COLUMN = 0.55  # share of the text width for a table's first column (the label); the rest share the remainder


def render_docx(report: Report) -> bytes:
    brief = brief_content(report)
    document = Document()
    _set_up(document, report)

    document.add_heading(report.government, level=0)
    _paragraph(document, _("Brief of the gap report: migration policies against the high road scenarios of the 2013 "
                           "UN High-level Dialogue on International Migration and Development"))
    overall = pct(report.overall.percent)
    _table(document, None, [
        [_("Cycle"), report.cycle],
        [_("Framework"), report.framework],
        [_("Status"), report.status],
        [_("Generated"), long_date(report.generated_at)],
        [_("Overall score"),
         _("%(score)s — %(band)s") % {"score": overall, "band": report.overall.band} if report.overall.band else overall],
    ])
    if not report.is_approved:
        _paragraph(document, _("DRAFT — not approved"), bold=True)
    if translation.get_language() != "en":
        _paragraph(document, _("The framework's texts in this document are an unofficial translation of the English "
                               "original. The quoted source excerpts are in English, the language of the source "
                               "documents."))

    document.add_heading(_("1. Overall score"), level=1)
    if report.overall.band:
        summary = _("Overall score: %(score)s — %(band)s the high road scenarios. Each round table counts equally; "
                    "only answered, applicable criteria are scored.") % {"score": overall, "band": report.overall.band}
    else:
        summary = _("Overall score: %(score)s — nothing scored yet. Each round table counts equally; only answered, "
                    "applicable criteria are scored.") % {"score": overall}
    _paragraph(document, summary)
    radar = radar_chart(report)
    document.add_picture(io.BytesIO(cairosvg.svg2png(bytestring=radar.svg.encode(), scale=2)), width=CHART_WIDTH)
    _paragraph(document, _("%(title)s. %(description)s") % {"title": radar.title, "description": radar.description})
    _table(document, radar.headers, radar.rows)

    document.add_heading(_("2. The ten priority gaps"), level=1)
    if not brief.gaps:
        _paragraph(document, _("No scored criterion has a gap."))
    for gap in brief.gaps:
        row = gap.row
        document.add_heading(_("%(rank)s. %(code)s, priority %(priority)s")
                             % {"rank": gap.rank, "code": row.code, "priority": row.priority}, level=2)
        _paragraph(document, row.statement, bold=True)
        facts = _paragraph(document, _("Level %(score)s · gap %(gap)s · weight %(weight)s · priority %(priority)s · "
                                       "lead institution: ")
                           % {"score": row.score, "gap": row.gap, "weight": row.weight, "priority": row.priority})
        _run(facts, row.lead_institution or _("none named"))
        if gap.action:
            _paragraph(document, f"{gap.action.text} ({gap.action_source})", label=_("Recommended action: "))
        if gap.support:
            _paragraph(document, f"{gap.support.text} ({gap.support_source})", label=_("Support available: "))
        if brief.has_plan:
            for line in gap.plan_lines or [_("no action is planned yet.")]:
                _paragraph(document, line, label=_("Planned: "))

    document.add_heading(_("3. Main strengths"), level=1)
    if not brief.strengths:
        _paragraph(document, _("No criterion is scored at level 3 or 4 yet."))
    for row in brief.strengths:
        _paragraph(document, _("%(code)s %(statement)s — level %(score)s")
                   % {"code": row.code, "statement": row.statement, "score": row.score}, style="List Bullet")

    document.add_heading(_("4. Completeness and evidence"), level=1)
    c = report.completeness
    _table(document, [_("Answers"), _("Criteria")], [
        [_("Scored (level 0–4)"), str(c.scored)],
        [_("Not applicable"), str(c.not_applicable)],
        [_("Don't know (data gaps)"), str(c.dont_know)],
        [_("Unanswered"), str(c.unanswered)],
        [_("Total"), str(c.total)],
        [_("Scored answers citing evidence"), f"{c.scored_with_evidence} ({pct(c.evidence_coverage)})"],
    ])

    document.add_heading(_("5. Policy coherence"), level=1)
    for line in brief.coherence:
        _paragraph(document, line, style="List Bullet")
    for flag in brief.flags:
        _paragraph(document, _("%(a)s (level %(a_score)s) and %(b)s (level %(b_score)s): %(reason)s")
                   % {"a": flag.a.code, "a_score": flag.a.score, "b": flag.b.code, "b_score": flag.b.score,
                      "reason": flag.reason}, style="List Bullet")

    document.add_heading(_("6. Sign-off"), level=1)
    record = [_("Status: %(status)s") % {"status": report.status}]
    if report.submitted:
        record.append(_("submitted by %(person)s, %(date)s")
                      % {"person": report.submitted[0], "date": long_date(report.submitted[1])})
    if report.approved:
        record.append(_("approved by %(person)s, %(date)s")
                      % {"person": report.approved[0], "date": long_date(report.approved[1])})
    _paragraph(document, _("%(record)s. Generated %(when)s UTC, revision %(revision)s.")
               % {"record": "; ".join(record), "when": long_datetime(report.generated_at), "revision": report.revision})
    for role, fields in brief.sign_off:
        document.add_heading(role, level=2)
        _table(document, None, [[name, SIGNATURE_LINE] for name in fields], grid=False)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document, report: Report) -> None:
    properties = document.core_properties
    properties.title = _("%(government)s %(cycle)s — brief") % {"government": report.government, "cycle": report.cycle}
    properties.author = report.government
    properties.comments = _("Generated by HLD Assess")
    properties.language = translation.get_language()  # the worker renders inside translation.override
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = FONTS["ascii"]
    normal.font.size = Pt(10)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for script, name in FONTS.items():
        fonts.set(qn(f"w:{script}"), name)


def _paragraph(document, text: str, *, style: str | None = None, bold: bool = False, label: str = ""):
    paragraph = document.add_paragraph(style=style)
    if label:
        paragraph.add_run(label).bold = True
    run = paragraph.add_run(text)
    run.bold = bold
    if text_dir(text) == "rtl":
        _right_to_left(paragraph, run)
    return paragraph


def _run(paragraph, text: str):
    """A run of typed text inside a sentence: marked right to left when it is (Word then orders it so)."""
    run = paragraph.add_run(text)
    if text_dir(text) == "rtl":
        run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
    return run


def _right_to_left(paragraph, run) -> None:
    """Word lays a paragraph right to left with w:bidi, and a run's text with w:rtl."""
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


def _table(document, headers: list[str] | None, rows: list[list[str]], *, grid: bool = True):
    table = document.add_table(rows=0, cols=len(headers or rows[0]))
    if grid:
        table.style = "Table Grid"
    if headers:
        cells = table.add_row().cells
        for cell, text in zip(cells, headers):
            cell.paragraphs[0].add_run(text).bold = True
        _repeat_as_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            run = cell.paragraphs[0].add_run(text)
            if text_dir(text) == "rtl":
                _right_to_left(cell.paragraphs[0], run)
    _column_widths(table)
    return table


def _column_widths(table) -> None:
    """The label column wide, the figures narrow (Word would give every column the same width)."""
    columns = len(table.columns)
    first = TEXT_WIDTH * (FIRST_COLUMN if columns > 1 else 1)
    widths = [Mm(first)] + [Mm((TEXT_WIDTH - first) / (columns - 1))] * (columns - 1)
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width  # the table grid, which LibreOffice follows
    for row in table.rows:  # and each cell, which Word follows
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _repeat_as_header(row) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)
