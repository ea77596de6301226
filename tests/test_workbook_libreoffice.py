"""The workbook through a second real spreadsheet program (issue 16): LibreOffice re-saves it, the answers survive."""

import shutil
import subprocess

import pytest

from assessments.models import Criterion, Response
from assessments.workflow import AnswerInput, responses_save
from tests.workbook_helpers import client_for, confirm, download, edit, upload

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"),
]


def through_libreoffice(data: bytes, tmp_path) -> bytes:
    source = tmp_path / "in" / "answers.xlsx"
    source.parent.mkdir(parents=True)
    source.write_bytes(data)
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=120)
    return (out / "answers.xlsx").read_bytes()


def test_answers_survive_libreoffice(world, tmp_path):
    c = list(Criterion.objects.filter(version=world.framework).order_by("code"))
    responses_save(assessment=world.assessment, user=world.focal, answers=[
        AnswerInput(criterion_id=c[0].pk, base_edit_count=0, score=3, justification="Act 7/2021\nsecond line",
                    evidence="=HYPERLINK(\"http://evil\")", evidence_url="https://example.org/act",
                    confidence="documented", lead_institution="Ministry of Labour"),
        AnswerInput(criterion_id=c[1].pk, base_edit_count=0, not_applicable=True, justification="Landlocked"),
        AnswerInput(criterion_id=c[2].pk, base_edit_count=0, score=0, lead_institution="2024"),
    ])
    client = client_for(world.contributor)
    # Unchanged: LibreOffice's file is "no changes".
    converted = through_libreoffice(download(world.contributor, world.assessment), tmp_path / "a")
    assert 'id="no-changes"' in upload(client, world.assessment, converted).content.decode()

    # Edited with openpyxl, then re-saved by LibreOffice: exactly these changes are written.
    edited = edit(download(world.contributor, world.assessment),
                  {("RT1", c[3].code, "answer"): "Don't know", ("RT1", c[3].code, "justification"): "Ask labour",
                   ("RT2", c[5].code, "answer"): 4, ("RT2", c[5].code, "evidence"): "+ Decree 12"})
    converted = through_libreoffice(edited, tmp_path / "b")
    preview = upload(client, world.assessment, converted)
    assert 'id="refusals"' not in preview.content.decode()
    assert confirm(client, world.assessment, preview).status_code == 302
    assert Response.objects.count() == 5
    assert Response.objects.get(criterion=c[0]).evidence == "=HYPERLINK(\"http://evil\")"
    assert Response.objects.get(criterion=c[0]).justification == "Act 7/2021\nsecond line"
    assert (Response.objects.get(criterion=c[3]).dont_know, Response.objects.get(criterion=c[3]).justification) == (
        True, "Ask labour")
    assert (Response.objects.get(criterion=c[5]).score, Response.objects.get(criterion=c[5]).evidence) == (
        4, "+ Decree 12")
