"""The questionnaire as an Excel workbook: out to a ministry and back (issue 16). No views here.

``workbook_build`` writes one ``.xlsx`` (per assessment or per round table): an instructions
sheet, one sheet per round table (code, statement, the five descriptors, then the answer cells
with drop-downs and the application's text limits; everything else locked by a sheet protection
without a password, a guard against slips, not a security control) and a hidden sheet whose
signed token names the assessment, the framework version and, per criterion, its row, save
counter and the fingerprint (``answer_digest``) of its values at download time.

``workbook_read`` refuses a hostile or wrong file before openpyxl parses it (size, zip
structure, declared uncompressed sizes, macros, content type) and after (signed token, sheets,
codes at their rows); ``workbook_preview.py`` then says what the rows would change. Cells are read as they are stored, never evaluated:
openpyxl gives a formula as its text (``=...``), which is taken as text. Text that starts like
a formula is written as a string cell with Excel's quote prefix, so it is never run on export.
"""

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from .csv_safety import FORMULA_STARTS
from .formatting import number
from .models import Response
from .workflow import ANSWER_FIELDS, answer_digest

FORMAT = 1
SALT = "hldassess.workbook"
INSTRUCTIONS = "Instructions"  # the sheet's title in workbooks signed before it was translated
IDENTITY = "hld-identity"
HEADER_ROW = 1
FIRST_ROW = 2
# (key, header, width); the answer columns follow the descriptors.
# Headers are translated when the workbook is written (gettext_noop marks them for makemessages).
FIXED_COLUMNS = [("code", N_("Code"), 10), ("theme", N_("Theme"), 10), ("statement", N_("Statement"), 45)] + [
    (f"level{n}", label, 28)
    for n, label in enumerate([N_("Level 0"), N_("Level 1"), N_("Level 2"), N_("Level 3"), N_("Level 4")])
]
ANSWER_COLUMNS = [
    ("answer", N_("Answer"), 16), ("justification", N_("Justification"), 40), ("evidence", N_("Evidence"), 40),
    ("evidence_url", N_("Evidence link"), 30), ("confidence", N_("Confidence"), 22),
    ("lead_institution", N_("Lead institution"), 24),
]
COLUMNS = FIXED_COLUMNS + ANSWER_COLUMNS
COLUMN = {key: n for n, (key, _header, _width) in enumerate(COLUMNS, start=1)}
TEXT_FIELDS = ("justification", "evidence", "evidence_url", "lead_institution")
MAX_ENTRIES = 2000  # an xlsx of the biggest framework has a few dozen parts
ANSWERED_FILL = PatternFill("solid", fgColor="FFF8E1")


class WorkbookRefused(Exception):
    """The file as a whole is refused; the message says why and what to do. Nothing was changed."""


def not_applicable_label() -> str:
    return _("Not applicable")


def dont_know_label() -> str:
    return _("Don't know")


def confidence_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Response.Confidence.choices}


# --- Download ---------------------------------------------------------------------------------


@dataclass
class CriterionRow:
    """What one criterion's row shows: the framework's text and the current answer."""

    pk: int
    code: str
    theme: str
    statement: str
    descriptors: list[str]
    values: tuple  # response_values(...) now
    edit_count: int


@dataclass
class SheetContent:
    title: str
    heading: str
    rows: list[CriterionRow]


def sheet_title(code: str) -> str:
    """A legal, short sheet name (Excel: 31 characters, none of []:*?/\\)."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in code).strip("'") or "Sheet"
    return cleaned[:31]


def _text(cell, value) -> None:
    """A string cell, never a formula, whatever the text starts with."""
    if value in (None, ""):
        cell.value = None
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited


def answer_cell_value(values: tuple):
    score, not_applicable, dont_know = values[:3]
    if not_applicable:
        return not_applicable_label()
    if dont_know:
        return dont_know_label()
    return score


def workbook_build(*, title: str, sheets: list[SheetContent], identity: dict, editable: bool,
                   instructions: list[str]) -> bytes:
    """The workbook as bytes: a pure function of what it shows and the identity to sign."""
    book = Workbook()
    intro = book.active
    intro.title = sheet_title(_("Instructions"))
    intro.column_dimensions["A"].width = 110
    _text(intro.cell(1, 1), title)
    intro.cell(1, 1).font = Font(bold=True, size=14)
    for n, line in enumerate(instructions, start=3):
        _text(intro.cell(n, 1), line)
        intro.cell(n, 1).alignment = Alignment(wrap_text=True, vertical="top")
    row = len(instructions) + 4
    _text(intro.cell(row, 1), _("Sheets:"))
    intro.cell(row, 1).font = Font(bold=True)
    for n, content in enumerate(sheets, start=row + 1):
        _text(intro.cell(n, 1), f"{content.title}: {content.heading}")
    intro.protection.sheet = True

    levels = f"0,1,2,3,4,{not_applicable_label()},{dont_know_label()}"
    confidences = ",".join(confidence_labels().values())
    entries = []
    for content in sheets:
        sheet = book.create_sheet(content.title)
        _write_sheet(sheet, content, editable=editable, levels=levels, confidences=confidences)
        entries += [[r.pk, r.code, content.title, FIRST_ROW + i, r.edit_count, answer_digest(r.values)]
                    for i, r in enumerate(content.rows)]

    hidden = book.create_sheet(IDENTITY)
    hidden.sheet_state = "hidden"
    _text(hidden.cell(1, 1), _("Do not change this sheet: it identifies the workbook when it is uploaded."))
    _text(hidden.cell(2, 1), signing.dumps({**identity, "f": FORMAT, "i": intro.title, "c": entries}, salt=SALT,
                                                compress=True))
    for n, (key, value) in enumerate(identity.items(), start=4):
        _text(hidden.cell(n, 1), key)
        _text(hidden.cell(n, 2), value)
    hidden.protection.sheet = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(sheet, content: SheetContent, *, editable: bool, levels: str, confidences: str) -> None:
    for n, (_key, header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, n)
        _text(cell, _(header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
    labels = confidence_labels()
    for i, row in enumerate(content.rows):
        r = FIRST_ROW + i
        values = dict(zip(ANSWER_FIELDS, row.values))
        cells = [row.code, row.theme, row.statement, *row.descriptors]
        for n, value in enumerate(cells, start=1):
            _text(sheet.cell(r, n), value)
        answer = sheet.cell(r, COLUMN["answer"])
        score_or_label = answer_cell_value(row.values)
        if isinstance(score_or_label, int):
            answer.value = score_or_label
        else:
            _text(answer, score_or_label)
        for name in TEXT_FIELDS:
            _text(sheet.cell(r, COLUMN[name]), values[name])
        _text(sheet.cell(r, COLUMN["confidence"]), labels.get(values["confidence"], values["confidence"]))
        for n in range(1, len(COLUMNS) + 1):
            cell = sheet.cell(r, n)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if editable and n >= COLUMN["answer"]:
                cell.protection = Protection(locked=False)
                cell.fill = ANSWERED_FILL
    sheet.freeze_panes = sheet.cell(FIRST_ROW, COLUMN["statement"])
    if editable and content.rows:
        last = FIRST_ROW + len(content.rows) - 1
        _validate(sheet, "answer", last, type="list", formula1=f'"{levels}"',
                  error=_("Choose 0 to 4, Not applicable or Don't know from the list."))
        _validate(sheet, "confidence", last, type="list", formula1=f'"{confidences}"',
                  error=_("Choose a confidence from the list."))
        limits = {"justification": Response.TEXT_LIMIT, "evidence": Response.TEXT_LIMIT,
                  "evidence_url": Response._meta.get_field("evidence_url").max_length,
                  "lead_institution": Response._meta.get_field("lead_institution").max_length}
        for name, limit in limits.items():
            _validate(sheet, name, last, type="textLength", operator="lessThanOrEqual", formula1=str(limit),
                      error=_("At most %(limit)s characters.") % {"limit": number(limit)})
    # A guard against slips, not a security control: no password, columns and rows may be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _validate(sheet, name: str, last: int, *, error: str, **rule) -> None:
    validation = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle=_("Not accepted"), error=error,
                                **rule)
    letter = sheet.cell(FIRST_ROW, COLUMN[name]).column_letter
    validation.add(f"{letter}{FIRST_ROW}:{letter}{last}")
    sheet.add_data_validation(validation)


# --- Upload: the file ---------------------------------------------------------------------------


@dataclass
class ParsedRow:
    pk: int
    code: str
    sheet: str
    row: int
    edit_count: int
    opened: str  # answer_digest at download time
    cells: dict  # answer column key -> the stored cell value (None, str, int, float…)


@dataclass
class ParsedWorkbook:
    assessment: int
    version: int
    scope: int | None
    rows: list[ParsedRow]


def _refuse(message: str):
    raise WorkbookRefused(message)


def check_container(data: bytes, filename: str) -> None:
    """Everything that can be checked before a parser reads a byte of XML."""
    name = filename.lower()
    if name.endswith((".xlsm", ".xltm", ".xlsb")):
        _refuse(_("Refused: macro-enabled workbooks (.xlsm, .xlsb) are not accepted. Upload the .xlsx file that "
                  "was downloaded from this assessment."))
    if not name.endswith(".xlsx"):
        _refuse(_("Refused: only Excel workbooks (.xlsx) downloaded from this assessment are accepted."))
    limit = settings.HLD_WORKBOOK_MAX_BYTES
    if len(data) > limit:
        _refuse(_("Refused: the file is larger than %(limit)s MB. A workbook of the whole questionnaire is far smaller: "
                  "remove pasted images or objects, or upload the original file.") % {"limit": number(limit // 2**20)})
    damaged = _("Refused: the file is damaged (its zip structure cannot be read). Upload the workbook again, or "
                "download a fresh one.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK\x03\x04"):  # a zip's first part, but no readable directory: cut or broken
            _refuse(damaged)
        _refuse(_("Refused: this file is not an Excel workbook (.xlsx), even though its name ends with .xlsx. "
                  "Upload the workbook downloaded from this assessment."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        _refuse(damaged)
    unpacked = sum(info.file_size for info in infos)
    if len(infos) > MAX_ENTRIES or unpacked > settings.HLD_WORKBOOK_MAX_UNPACKED_BYTES:
        _refuse(_("Refused: the file unpacks to far more than a workbook holds (a “zip bomb”, or a workbook "
                  "full of embedded objects). It was not opened."))
    names = {info.filename for info in infos}
    try:
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except KeyError:
        _refuse(_("Refused: this file is not an Excel workbook (.xlsx). Upload the workbook downloaded from this "
                  "assessment."))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        _refuse(damaged)
    if "macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") or n.startswith("xl/macrosheets/")
                                      for n in names):
        _refuse(_("Refused: the workbook contains macros. Upload the .xlsx file downloaded from this assessment, "
                  "without macros."))
    if "spreadsheetml.sheet.main+xml" not in types:
        _refuse(_("Refused: this file is not an Excel workbook (.xlsx), it is another kind of document. Upload the "
                  "workbook downloaded from this assessment."))
    try:
        bad = archive.testzip()  # reads every part: bounded by the declared sizes checked above
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        bad = "?"
    if bad is not None:
        _refuse(damaged)


def workbook_read(data: bytes, filename: str) -> ParsedWorkbook:
    """The uploaded file's identity and answer cells, or ``WorkbookRefused``."""
    check_container(data, filename)
    try:
        book = load_workbook(io.BytesIO(data), data_only=False, keep_vba=False, keep_links=False, rich_text=False)
    except Exception as error:  # openpyxl raises many kinds on a malformed part
        raise WorkbookRefused(_("Refused: the workbook cannot be read (%(error)s). Upload the workbook again, or "
                                "download a fresh one.") % {"error": type(error).__name__}) from error
    tampered = _("Refused: the workbook's hidden identification sheet is missing or was changed, so it cannot be "
                 "matched to this assessment. Download a fresh workbook and copy your answers into it.")
    if IDENTITY not in book.sheetnames:
        _refuse(tampered)
    token = book[IDENTITY].cell(2, 1).value
    try:
        identity = signing.loads(str(token or ""), salt=SALT)
    except signing.BadSignature:
        _refuse(tampered)
    if not isinstance(identity, dict) or identity.get("f") != FORMAT:
        _refuse(tampered)
    expected_sheets = list(dict.fromkeys(entry[2] for entry in identity["c"]))
    instructions = identity.get("i", INSTRUCTIONS)  # the title in the language of the download
    extra = [name for name in book.sheetnames if name not in (instructions, IDENTITY, *expected_sheets)]
    missing = [name for name in expected_sheets if name not in book.sheetnames]
    if extra:
        _refuse(_("Refused: the workbook has sheets it did not have when it was downloaded: %(names)s. Delete them "
                  "(or copy your answers into a fresh workbook) and upload again.") % {"names": ", ".join(extra)})
    if missing:
        _refuse(_("Refused: sheets of the downloaded workbook are missing: %(names)s. Download a fresh workbook.")
                % {"names": ", ".join(missing)})
    rows, last_row = [], {}
    for pk, code, sheet_name, row, edit_count, opened in identity["c"]:
        sheet = book[sheet_name]
        found = sheet.cell(row, COLUMN["code"]).value
        if str(found or "").strip() != code:
            _refuse(_("Refused: row %(row)s of sheet %(sheet)s should hold criterion %(code)s but holds “%(found)s”. Rows "
                      "were moved, deleted or inserted, or a code was edited. Put the rows back as downloaded, or "
                      "download a fresh workbook.") % {"row": row, "sheet": sheet_name, "code": code,
                                                       "found": str(found or "")[:40]})
        cells = {key: _plain(sheet.cell(row, COLUMN[key]).value) for key, _h, _w in ANSWER_COLUMNS}
        rows.append(ParsedRow(pk=pk, code=code, sheet=sheet_name, row=row, edit_count=edit_count, opened=opened,
                              cells=cells))
        last_row[sheet_name] = max(row, last_row.get(sheet_name, 0))
    for sheet_name, row in last_row.items():
        sheet = book[sheet_name]
        if any(cell.value not in (None, "") for line in sheet.iter_rows(min_row=row + 1) for cell in line):
            _refuse(_("Refused: sheet %(sheet)s has rows below its last criterion. Rows were added or moved; the "
                      "workbook holds only the downloaded criteria.") % {"sheet": sheet_name})
    return ParsedWorkbook(assessment=identity["a"], version=identity["v"], scope=identity.get("s"), rows=rows)


def _plain(value):
    """A cell's value as JSON can keep it until the confirmation: a date or time typed in a cell becomes its text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def check_belongs(parsed: ParsedWorkbook, *, assessment_pk: int, version_pk: int, version_name: str) -> None:
    if parsed.version != version_pk:
        _refuse(_("Refused: this workbook was made for another version of the framework; this assessment uses "
                  "“%(version)s”. Download this assessment's workbook.") % {"version": version_name})
    if parsed.assessment != assessment_pk:
        _refuse(_("Refused: this workbook was downloaded from another assessment. Upload it on the assessment it "
                  "came from, or download this assessment's workbook."))
