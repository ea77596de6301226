"""Hostile and wrong workbooks (issue 16): each is refused with a clear message and nothing changes."""

import io
import zipfile

import pytest
from django.core import signing
from openpyxl import load_workbook

from assessments.models import Assessment, Criterion, Response
from assessments.workbook import COLUMN, IDENTITY, SALT
from tests.factories import make_assessment, make_framework, make_user
from tests.workbook_helpers import client_for, download, edit, refusal, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook(world):
    return download(world.contributor, world.assessment)


def refused(world, data: bytes, name="answers.xlsx") -> str:
    before = list(Response.objects.values_list("pk", "edit_count"))
    revision = Assessment.objects.get(pk=world.assessment.pk).revision
    response = upload(client_for(world.contributor), world.assessment, data, name=name)
    assert response.status_code == 400, response.content.decode()[:2000]
    assert "Nothing was changed." in response.content.decode()
    assert list(Response.objects.values_list("pk", "edit_count")) == before
    assert Assessment.objects.get(pk=world.assessment.pk).revision == revision
    return refusal(response)


def rezip(data: bytes, *, replace: dict | None = None, add: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, (replace or {}).get(info.filename, content))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def first_code(world):
    return Criterion.objects.filter(version=world.framework).order_by("code").first().code


def test_another_assessments_workbook(world):
    other = make_assessment(government=world.government, framework=world.framework, cycle="2027")
    data = download(world.contributor, other)
    assert "downloaded from another assessment" in refused(world, data)


def test_another_versions_workbook(world):
    framework = make_framework(status="published")
    gov_user = make_user("other-focal", government=world.other_government, role="focal_point")
    other = make_assessment(government=world.other_government, framework=framework)
    data = download(gov_user, other)
    assert "made for another version of the framework" in refused(world, data)


def test_another_kind_of_file_renamed_xlsx(world):
    assert "not an Excel workbook" in refused(world, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", '<Types><Override ContentType="application/vnd.openxmlformats-'
                                          'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    assert "another kind of document" in refused(world, docx.getvalue())


def test_macro_enabled_workbooks(world, workbook):
    assert "macro-enabled" in refused(world, workbook, name="answers.xlsm")
    with_macros = rezip(workbook, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
    assert "contains macros" in refused(world, with_macros)


def test_other_extensions(world, workbook):
    assert "only Excel workbooks (.xlsx)" in refused(world, workbook, name="answers.xls")


def test_a_corrupted_zip(world, workbook):
    assert "damaged" in refused(world, workbook[: len(workbook) // 2])
    # A flipped byte in the middle of a compressed part: the CRC check catches it before parsing.
    broken = bytearray(workbook)
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        info = z.getinfo("xl/worksheets/sheet2.xml")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    broken[middle] ^= 0xFF
    assert "damaged" in refused(world, bytes(broken))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(world, workbook, settings):
    bomb = rezip(workbook, add={"xl/media/padding.bin": b"\0" * (60 * 2**20)})  # 60 MB of zeros, ~60 KB zipped
    assert len(bomb) < settings.HLD_WORKBOOK_MAX_BYTES
    assert "zip bomb" in refused(world, bomb)


def test_a_file_over_the_size_limit(world, workbook, settings):
    settings.HLD_WORKBOOK_MAX_BYTES = len(workbook) - 1
    assert "larger than" in refused(world, workbook)


def test_an_edited_criterion_code(world, workbook):
    code = first_code(world)
    data = edit(workbook, {("RT1", code, "code"): "RT1.99"})
    assert f"should hold criterion {code}" in refused(world, data)


def test_an_edited_hidden_identity(world, workbook):
    book = load_workbook(io.BytesIO(workbook))
    token = book[IDENTITY].cell(2, 1).value
    payload = signing.loads(token, salt=SALT)
    payload["c"][0][4] = 99  # a save counter
    book[IDENTITY].cell(2, 1).value = signing.dumps(payload, salt="guessed", compress=True)
    out = io.BytesIO()
    book.save(out)
    assert "identification sheet is missing or was changed" in refused(world, out.getvalue())
    del book[IDENTITY]
    out = io.BytesIO()
    book.save(out)
    assert "identification sheet is missing or was changed" in refused(world, out.getvalue())


def test_deleted_and_moved_rows(world, workbook):
    book = load_workbook(io.BytesIO(workbook))
    book["RT1"].delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    assert "Rows were moved, deleted or inserted" in refused(world, out.getvalue())

    book = load_workbook(io.BytesIO(workbook))
    ws = book["RT1"]
    first, second = [[c.value for c in ws[r]] for r in (2, 3)]
    for n, (a, b) in enumerate(zip(first, second), start=1):
        ws.cell(2, n).value, ws.cell(3, n).value = b, a
    out = io.BytesIO()
    book.save(out)
    assert "Rows were moved, deleted or inserted" in refused(world, out.getvalue())


def test_rows_added_below_the_last_criterion(world, workbook):
    book = load_workbook(io.BytesIO(workbook))
    ws = book["RT1"]
    ws.cell(ws.max_row + 1, COLUMN["code"]).value = "RT1.77"
    out = io.BytesIO()
    book.save(out)
    assert "rows below its last criterion" in refused(world, out.getvalue())


def test_extra_and_missing_sheets(world, workbook):
    book = load_workbook(io.BytesIO(workbook))
    book.create_sheet("My notes")
    out = io.BytesIO()
    book.save(out)
    assert "sheets it did not have when it was downloaded: My notes" in refused(world, out.getvalue())
    book = load_workbook(io.BytesIO(workbook))
    del book["RT2"]
    out = io.BytesIO()
    book.save(out)
    assert "sheets of the downloaded workbook are missing: RT2" in refused(world, out.getvalue())


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_a_submitted_or_approved_assessment_refuses_uploads(world, workbook, status):
    Assessment.objects.filter(pk=world.assessment.pk).update(status=status)
    for user in (world.focal, world.contributor):
        response = upload(client_for(user), world.assessment, workbook)
        assert response.status_code == 400
        assert f"the assessment is {status}, so it no longer accepts workbooks" in refusal(response)
    assert not Response.objects.exists()


def test_refused_rows_block_the_confirmation_and_say_why(world, workbook):
    codes = list(Criterion.objects.filter(version=world.framework, theme__round_table__number=1)
                 .order_by("code").values_list("code", flat=True))
    data = edit(workbook, {
        ("RT1", codes[0], "answer"): 7,
        ("RT1", codes[1], "answer"): "Not applicable",
        ("RT1", codes[2], "answer"): 2, ("RT1", codes[2], "evidence_url"): "javascript:alert(1)",
        ("RT1", codes[3], "answer"): 1, ("RT1", codes[3], "lead_institution"): "x" * 201,
    })
    response = upload(client_for(world.contributor), world.assessment, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Answer “7” is not one of 0, 1, 2, 3, 4, Not applicable, Don&#x27;t know." in html
    assert "Not applicable needs a justification: say why." in html
    assert "Enter a web address starting with http:// or https://." in html
    assert "Ensure this value has at most 200 characters (it has 201)." in html
    assert "Confirm and save" not in html
    assert not Response.objects.exists()
