"""Size and time of the workbook of a full assessment on the 2026 revision (91 criteria), down and back up.

Prints the figures (run with -s to see them); the bounds are generous, to catch a regression by an
order of magnitude, not to time the machine.
"""

import time

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from assessments.models import FrameworkVersion, Response
from assessments.workbook import COLUMN, FIRST_ROW, IDENTITY, INSTRUCTIONS
from tests.factories import make_assessment, make_government, make_user
from tests.workbook_helpers import client_for, confirm, download, upload

pytestmark = pytest.mark.django_db


def test_a_full_assessment_down_and_up(tmp_path, settings):
    import io

    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", "hld2013", verbosity=0)
    call_command("loaddata", "hld2013-r2026", verbosity=0)
    version = FrameworkVersion.objects.get(code="hld2013-r2026")
    FrameworkVersion.objects.filter(pk=version.pk).update(status="published")
    government = make_government("Sizeland", "XSZ")
    user = make_user("size-focal", government=government, role="focal_point")
    assessment = make_assessment(government=government, framework=version)
    criteria = list(version.criteria.order_by("code"))
    assert len(criteria) == 91
    Response.objects.bulk_create(Response(
        assessment=assessment, criterion=c, score=c.pk % 5, justification="Assessed by the working group. " * 20,
        evidence="Act 12/2025, art. 4; decree 7/2026. " * 10, evidence_url="https://example.org/law/12-2025",
        lead_institution="Ministry of Labour") for c in criteria)

    started = time.perf_counter()
    data = download(user, assessment)
    download_s = time.perf_counter() - started
    client = client_for(user)
    started = time.perf_counter()
    unchanged = upload(client, assessment, data)
    upload_s = time.perf_counter() - started
    assert 'id="no-changes"' in unchanged.content.decode()

    book = load_workbook(io.BytesIO(data))
    for name in book.sheetnames:
        if name in (INSTRUCTIONS, IDENTITY):
            continue
        ws = book[name]
        for row in range(FIRST_ROW, ws.max_row + 1):
            ws.cell(row, COLUMN["answer"]).value = (ws.cell(row, COLUMN["answer"]).value + 1) % 5
    edited = io.BytesIO()
    book.save(edited)
    started = time.perf_counter()
    preview = upload(client, assessment, edited.getvalue())
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    assert confirm(client, assessment, preview).status_code == 302
    confirm_s = time.perf_counter() - started
    assert Response.objects.filter(assessment=assessment, edit_count=1).count() == 91

    import zipfile

    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert unpacked < settings.HLD_WORKBOOK_MAX_UNPACKED_BYTES / 4
    print(f"\nworkbook of 91 criteria: {len(data) / 1024:.0f} KB ({unpacked / 1024:.0f} KB unpacked); download {download_s:.2f} s; upload unchanged "
          f"{upload_s:.2f} s; upload of 91 changes {preview_s:.2f} s; confirm {confirm_s:.2f} s")
    assert len(data) < 1024 * 1024
    assert max(download_s, upload_s, preview_s, confirm_s) < 20
