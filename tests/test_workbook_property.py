"""Random edits to answer cells (issue 16): saved exactly as typed, or refused with a message; never a 500 or half.

Each example downloads the workbook, types random values into the answer cells of a few criteria
with openpyxl, uploads it and confirms when the preview allows it. The oracle below says, from
what was typed alone, whether the upload must be refused and what each criterion must then hold.
"""

import os
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Assessment, Criterion, Response
from tests.workbook_helpers import client_for, confirm, download, edit, upload

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

# What the Answer cell holds -> (score, not applicable, don't know), or None when it must be refused.
ANSWERS = {
    None: (None, False, False), 0: (0, False, False), 4: (4, False, False), "3": (3, False, False),
    " 2 ": (2, False, False), "Not applicable": (None, True, False), "don't know": (None, False, True),
    "Don’t know": (None, False, True), 7: None, -1: None, 2.5: None, "Level 3": None, "=4": None, "abc": None,
}
CONFIDENCES = {None: "self_declared", "Self-declared": "self_declared", "Externally reviewed": "external",
               "Documented (evidence cited)": "documented", "sure": None}
URLS = {None: "", "https://example.org/act?n=7": "https://example.org/act?n=7", "http://gov.example/b": "http://gov.example/b",
        "javascript:alert(1)": None, "not a link": None}
# Text a spreadsheet cell can hold: no control characters but tab and line feed, no surrogates.
plain_text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r") | st.sampled_from("\n\t"),
                     max_size=30)
formula_like = st.sampled_from(["=SUM(A1:A3)", "+1", "@x", "-2", "  padded  "])
# one_of picks a branch uniformly: plain text most often, too long text rarely.
cell_text = st.one_of(plain_text, plain_text, plain_text, formula_like, formula_like, plain_text.map(lambda t: "x" * 5001))


def mostly_valid(table: dict):
    """Values of ``table``, the accepted ones four times as likely as the refused ones."""
    valid = [k for k, v in table.items() if v is not None]
    return st.sampled_from(valid * 4 + [k for k, v in table.items() if v is None])


edits = st.fixed_dictionaries({
    "answer": mostly_valid(ANSWERS),
    "justification": st.one_of(st.none(), cell_text, cell_text),
    "evidence": st.one_of(st.none(), cell_text),
    "evidence_url": mostly_valid(URLS),
    "confidence": mostly_valid(CONFIDENCES),
    "lead_institution": st.one_of(st.none(), st.none(), plain_text, plain_text, formula_like, st.just("y" * 201)),
})


def expected(typed: dict):
    """The values the criterion must hold after the upload, or None if the upload must be refused."""
    level, confidence, url = ANSWERS[typed["answer"]], CONFIDENCES[typed["confidence"]], URLS[typed["evidence_url"]]
    texts = {name: (typed[name] or "").strip() for name in ("justification", "evidence", "lead_institution")}
    if level is None or confidence is None or url is None:
        return None
    if len(texts["justification"]) > 5000 or len(texts["evidence"]) > 5000 or len(texts["lead_institution"]) > 200:
        return None
    if (level[1] or level[2]) and not texts["justification"]:
        return None
    return (*level, texts["justification"], texts["evidence"], url, confidence, texts["lead_institution"])


def stored(criterion):
    r = Response.objects.filter(criterion=criterion).first()
    if r is None:
        return None
    return (r.score, r.not_applicable, r.dont_know, r.justification, r.evidence, r.evidence_url, r.confidence,
            r.lead_institution)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(typed=st.lists(edits, min_size=1, max_size=3))
def test_random_edits_are_saved_as_typed_or_refused(world, typed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    criteria = list(Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code"))
    with rolled_back():
        changes = {("RT1", c.code, key): value for c, cells in zip(criteria, typed) for key, value in cells.items()}
        client = client_for(world.contributor)
        preview = upload(client, world.assessment, edit(download(world.contributor, world.assessment), changes))
        assert preview.status_code == 200
        html = preview.content.decode()
        wanted = [expected(cells) for cells in typed]
        revision = Assessment.objects.get(pk=world.assessment.pk).revision
        if any(w is None for w in wanted):
            assert 'id="refusals"' in html and "Confirm and save" not in html
            assert not Response.objects.exists()
            assert Assessment.objects.get(pk=world.assessment.pk).revision == revision
            return
        assert 'id="refusals"' not in html
        blank = (None, False, False, "", "", "", "self_declared", "")
        if all(w == blank for w in wanted):
            assert 'id="no-changes"' in html
            return
        assert confirm(client, world.assessment, preview).status_code == 302
        for criterion, want in zip(criteria, wanted):
            assert stored(criterion) in ((want,) if want != blank else (None, blank))
        for criterion in criteria[len(typed):]:
            assert stored(criterion) is None
