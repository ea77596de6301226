"""What the workbook tests share: download as a person, edit with openpyxl, upload, read the preview, confirm."""

import io
import re

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assessments.workbook import COLUMN, FIRST_ROW


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(user, assessment, number=None) -> bytes:
    if number is None:
        url = reverse("workbook_download", args=[assessment.pk])
    else:
        url = reverse("workbook_download_round_table", args=[assessment.pk, number])
    response = client_for(user).get(url)
    assert response.status_code == 200, response.status_code
    return response.content


def edit(data: bytes, changes: dict) -> bytes:
    """``changes``: {(sheet, code, column key): value}; the file saved by openpyxl."""
    book = load_workbook(io.BytesIO(data))
    for (sheet, code, key), value in changes.items():
        ws = book[sheet]
        row = row_of(ws, code)
        ws.cell(row, COLUMN[key]).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(ws, code: str) -> int:
    for row in range(FIRST_ROW, ws.max_row + 1):
        if ws.cell(row, COLUMN["code"]).value == code:
            return row
    raise KeyError(code)


def upload(client: Client, assessment, data: bytes, name="answers.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("workbook_upload", args=[assessment.pk]), {"workbook": file})


def pending_key(response) -> str:
    match = re.search(r'name="key" value="([0-9a-f]{32})"', response.content.decode())
    assert match, response.content.decode()[:3000]
    return match.group(1)


def confirm(client: Client, assessment, response, **choices):
    data = {"key": pending_key(response)}
    html = response.content.decode()
    data.update(dict(re.findall(r'name="(seen-[0-9]+)" value="([0-9a-f]*)"', html)))
    data.update(choices)
    return client.post(reverse("workbook_confirm", args=[assessment.pk]), data)


def refusal(response) -> str:
    match = re.search(r'id="upload-error"><p class="mb-1">(.*?)</p>', response.content.decode(), re.DOTALL)
    assert match, response.content.decode()[:3000]
    from html import unescape

    return unescape(match.group(1))
