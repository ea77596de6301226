"""The workbook in a browser (issue 16): download from the overview, upload, preview (axe clean), confirm."""

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessments.models import Response
from assessments.workbook import COLUMN, FIRST_ROW
from assessments.workflow import AnswerInput, responses_save
from tests.e2e.helpers import axe, blocking, describe

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is not installed"
).expect


def test_download_upload_preview_confirm(demo, sign_in, axe_js, tmp_path):
    page = sign_in("demo-contributor")
    page.goto(f"/assessments/{demo.draft.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the workbook (every round table)").click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))  # the saved download has no extension
    ws = book[book.sheetnames[1]]
    first, second = ws.cell(FIRST_ROW, COLUMN["code"]).value, ws.cell(FIRST_ROW + 1, COLUMN["code"]).value
    ws.cell(FIRST_ROW, COLUMN["answer"]).value = 4
    ws.cell(FIRST_ROW, COLUMN["evidence"]).value = "Act 12/2025, Ministry of Labour"
    ws.cell(FIRST_ROW + 1, COLUMN["answer"]).value = 3
    path = tmp_path / "answers.xlsx"
    book.save(path)
    # Meanwhile someone changes the second criterion online: a conflict.
    criterion = demo.draft.framework_version.criteria.get(code=second)
    current = Response.objects.filter(assessment=demo.draft, criterion=criterion).first()
    from django.contrib.auth.models import User

    responses_save(assessment=demo.draft, user=User.objects.get(username="demo-focal"), answers=[AnswerInput(
        criterion_id=criterion.pk, base_edit_count=current.edit_count if current else 0, score=1,
        justification="Changed online")])

    page.get_by_role("link", name="Upload a workbook…").click()
    page.get_by_label("Workbook (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview of the workbook")
    expect(page.locator("#changes")).to_contain_text("Act 12/2025, Ministry of Labour")
    expect(page.locator(f"#conflict-{criterion.pk}")).to_contain_text("Changed online")
    problems = blocking(axe(page, axe_js))
    assert not problems, f"axe on the preview:\n{describe(problems)}"
    if os.environ.get("WORKBOOK_SCREENSHOT"):
        page.screenshot(path=os.environ["WORKBOOK_SCREENSHOT"], full_page=True)

    page.get_by_label("Keep the online version").check()
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_text("Saved from the workbook: 1 answer(s) changed.")).to_be_visible()
    problems = blocking(axe(page, axe_js))
    assert not problems, f"axe on the overview:\n{describe(problems)}"
    if os.environ.get("WORKBOOK_SCREENSHOT"):
        page.screenshot(path=os.environ["WORKBOOK_SCREENSHOT"].replace(".png", "-overview.png"), full_page=True)
    saved = Response.objects.get(assessment=demo.draft, criterion__code=first)
    assert (saved.score, saved.evidence) == (4, "Act 12/2025, Ministry of Labour")
    assert saved.history.latest().history_change_reason == "from workbook"
    assert Response.objects.get(assessment=demo.draft, criterion=criterion).score == 1
