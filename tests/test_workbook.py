"""The workbook out and back (issue 16): what it holds, round trips, the preview, confirm, conflicts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Assessment, Criterion, Response
from assessments.workbook import COLUMN, IDENTITY, INSTRUCTIONS
from assessments.workflow import AnswerInput, responses_save
from tests.workbook_helpers import client_for, confirm, download, edit, upload

pytestmark = pytest.mark.django_db


def criteria(world, number=1):
    return list(Criterion.objects.filter(version=world.framework, theme__round_table__number=number).order_by("code"))


def save(world, user, criterion, **values):
    response = Response.objects.filter(assessment=world.assessment, criterion=criterion).first()
    responses_save(assessment=world.assessment, user=user,
                   answers=[AnswerInput(criterion_id=criterion.pk, base_edit_count=response.edit_count if response else 0,
                                        **values)])


def test_the_workbook_has_instructions_a_sheet_per_round_table_and_a_hidden_identity(world):
    c = criteria(world)[0]
    save(world, world.focal, c, score=3, evidence="=HYPERLINK(\"http://evil\")", justification="Act 7")
    book = load_workbook(io.BytesIO(download(world.contributor, world.assessment)))

    assert book.sheetnames == [INSTRUCTIONS, "RT1", "RT2", IDENTITY]
    assert book[IDENTITY].sheet_state == "hidden"
    ws = book["RT1"]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.cell(2, COLUMN["code"]).value == c.code
    assert ws.cell(2, COLUMN["level0"]).value.endswith(f"{c.code} at level 0")
    assert ws.cell(2, COLUMN["answer"]).value == 3
    evidence = ws.cell(2, COLUMN["evidence"])
    assert evidence.data_type == "s" and evidence.quotePrefix  # text, never a formula
    assert ws.cell(2, COLUMN["answer"]).protection.locked is False
    assert ws.cell(2, COLUMN["statement"]).protection.locked is not False
    rules = {str(v.sqref): (v.type, v.formula1) for v in ws.data_validations.dataValidation}
    assert rules["I2:I5"][0] == "list" and "Not applicable" in rules["I2:I5"][1]
    assert rules["J2:J5"] == ("textLength", "5000")
    assert rules["N2:N5"] == ("textLength", "200")


def test_a_viewers_workbook_is_read_only(world):
    ws = load_workbook(io.BytesIO(download(world.viewer, world.assessment)))["RT1"]
    assert ws.cell(2, COLUMN["answer"]).protection.locked is not False
    assert not ws.data_validations.dataValidation


def test_download_then_upload_unchanged_is_no_changes(world):
    c = criteria(world)
    save(world, world.focal, c[0], score=2, justification="Line one\nline two", evidence_url="https://example.org/a")
    save(world, world.focal, c[1], not_applicable=True, justification="Landlocked")
    client = client_for(world.contributor)
    revision = Assessment.objects.get(pk=world.assessment.pk).revision

    response = upload(client, world.assessment, download(world.contributor, world.assessment))

    assert response.status_code == 200
    assert 'id="no-changes"' in response.content.decode()
    assert "Confirm and save" not in response.content.decode()
    # ... and once more after openpyxl saved it (another writer of the same format)
    response = upload(client, world.assessment, edit(download(world.contributor, world.assessment), {}))
    assert 'id="no-changes"' in response.content.decode()
    assert Assessment.objects.get(pk=world.assessment.pk).revision == revision


def test_the_preview_shows_old_and_new_and_nothing_is_written_until_confirmed(world):
    c = criteria(world)
    save(world, world.focal, c[0], score=1, justification="Pilot")
    data = edit(download(world.contributor, world.assessment),
                {("RT1", c[0].code, "answer"): 3, ("RT1", c[0].code, "evidence"): "Act 12/2025",
                 ("RT1", c[1].code, "answer"): "Don't know", ("RT1", c[1].code, "justification"): "Ask labour"})
    client = client_for(world.contributor)

    preview = upload(client, world.assessment, data)

    html = preview.content.decode()
    assert "Level 1" in html and "Level 3" in html and "Act 12/2025" in html and "Ask labour" in html
    assert Response.objects.get(criterion=c[0]).score == 1
    assert not Response.objects.filter(criterion=c[1]).exists()

    done = confirm(client, world.assessment, preview)

    assert done.status_code == 302
    first, second = Response.objects.get(criterion=c[0]), Response.objects.get(criterion=c[1])
    assert (first.score, first.evidence, first.justification, first.updated_by) == (3, "Act 12/2025", "Pilot",
                                                                                   world.contributor)
    assert (second.dont_know, second.justification) == (True, "Ask labour")
    assert first.history.latest().history_change_reason == "from workbook"
    history = client.get(reverse("criterion_history", args=[world.assessment.pk, c[0].pk])).content.decode()
    assert "contributor (from workbook)" in history
    assert Assessment.objects.get(pk=world.assessment.pk).revision >= 2
    # The pending upload is gone: confirming twice writes nothing more.
    again = confirm(client, world.assessment, preview)
    assert again.status_code == 400 and "expired or was already confirmed" in again.content.decode()


def test_a_formula_typed_in_an_answer_cell_is_saved_as_its_text(world):
    c = criteria(world)[0]
    data = edit(download(world.contributor, world.assessment),
                {("RT1", c.code, "answer"): 2, ("RT1", c.code, "justification"): "=1+1"})
    client = client_for(world.contributor)
    assert confirm(client, world.assessment, upload(client, world.assessment, data)).status_code == 302
    assert Response.objects.get(criterion=c).justification == "=1+1"
    # ... and written back as text on the next download, which round-trips as "no changes".
    again = download(world.contributor, world.assessment)
    cell = load_workbook(io.BytesIO(again))["RT1"].cell(2, COLUMN["justification"])
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert 'id="no-changes"' in upload(client, world.assessment, again).content.decode()


def test_a_round_table_workbook_changes_only_its_round_table(world):
    c1, c2 = criteria(world)[0], criteria(world, 2)[0]
    data = download(world.contributor, world.assessment, number=2)
    assert load_workbook(io.BytesIO(data)).sheetnames == [INSTRUCTIONS, "RT2", IDENTITY]
    client = client_for(world.contributor)
    preview = upload(client, world.assessment, edit(data, {("RT2", c2.code, "answer"): 4}))
    assert confirm(client, world.assessment, preview).status_code == 302
    assert Response.objects.get(criterion=c2).score == 4
    assert not Response.objects.filter(criterion=c1).exists()


def test_a_conflict_is_changed_online_since_the_download_and_in_the_file(world):
    c = criteria(world)
    data = download(world.contributor, world.assessment)
    save(world, world.focal, c[0], score=1, justification="Online")  # changed online after the download...
    save(world, world.focal, c[1], score=1, justification="Online too")  # ... but not in the file: no conflict
    edited = edit(data, {("RT1", c[0].code, "answer"): 4, ("RT1", c[2].code, "answer"): 2})
    client = client_for(world.contributor)

    preview = upload(client, world.assessment, edited)

    html = preview.content.decode()
    assert f'id="conflict-{c[0].pk}"' in html and f'id="conflict-{c[1].pk}"' not in html
    assert "Online now" in html and "Level 1" in html and "Level 4" in html
    # Undecided: refused, nothing written.
    undecided = confirm(client, world.assessment, preview)
    assert undecided.status_code == 409 and "choose whether to keep" in undecided.content.decode()
    assert not Response.objects.filter(criterion=c[2]).exists()

    assert confirm(client, world.assessment, preview, **{f"conflict-{c[0].pk}": "online"}).status_code == 302
    assert (Response.objects.get(criterion=c[0]).score, Response.objects.get(criterion=c[1]).score) == (1, 1)
    assert Response.objects.get(criterion=c[2]).score == 2


def test_taking_the_workbooks_version_of_a_conflict_writes_it(world):
    c = criteria(world)[0]
    data = download(world.contributor, world.assessment)
    save(world, world.focal, c, score=1, justification="Online")
    client = client_for(world.contributor)
    preview = upload(client, world.assessment, edit(data, {("RT1", c.code, "answer"): 4}))
    assert confirm(client, world.assessment, preview, **{f"conflict-{c.pk}": "file"}).status_code == 302
    assert Response.objects.get(criterion=c).score == 4


def test_a_change_online_between_preview_and_confirm_refuses_the_confirmation(world):
    c = criteria(world)[0]
    client = client_for(world.contributor)
    preview = upload(client, world.assessment, edit(download(world.contributor, world.assessment),
                                                    {("RT1", c.code, "answer"): 4}))
    save(world, world.focal, c, score=1, justification="Meanwhile")

    response = confirm(client, world.assessment, preview)

    # Confirming checks again: the criterion is now a conflict, shown for a decision; nothing is written.
    assert response.status_code == 409
    html = response.content.decode()
    assert f'id="conflict-{c.pk}"' in html and "choose whether to keep" in html
    assert Response.objects.get(criterion=c).score == 1


def test_an_assessment_submitted_between_preview_and_confirm_refuses_the_confirmation(world):
    c = criteria(world)[0]
    client = client_for(world.focal)  # a focal point may still edit a submitted assessment online, not by workbook
    preview = upload(client, world.assessment, edit(download(world.focal, world.assessment),
                                                    {("RT1", c.code, "answer"): 4}))
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")

    response = confirm(client, world.assessment, preview)

    assert response.status_code == 409 and "no longer accepts workbooks" in response.content.decode()
    assert not Response.objects.exists()


def test_dates_typed_in_cells_are_text_in_a_text_cell_and_refused_as_an_answer(world):
    import datetime

    c = criteria(world)
    data = edit(download(world.contributor, world.assessment),
                {("RT1", c[0].code, "answer"): 1, ("RT1", c[0].code, "evidence"): datetime.datetime(2025, 3, 1, 9, 30)})
    client = client_for(world.contributor)
    preview = upload(client, world.assessment, data)
    assert confirm(client, world.assessment, preview).status_code == 302
    assert Response.objects.get(criterion=c[0]).evidence == "2025-03-01T09:30:00"

    refused = upload(client, world.assessment, edit(download(world.contributor, world.assessment),
                                                    {("RT1", c[1].code, "answer"): datetime.date(2025, 3, 1)}))
    assert "is not one of 0, 1, 2, 3, 4" in refused.content.decode()
