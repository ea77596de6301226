"""The preview as a pure function (issue 16): parsed rows and current values in, changes/conflicts/refusals out."""

from assessments.workbook import ParsedRow
from assessments.workbook_preview import workbook_preview
from assessments.workflow import answer_digest, response_values

BLANK = response_values(None)
ONLINE = (2, False, False, "Pilot", "", "", "self_declared", "")


def row(pk, opened_values, **cells):
    base = {"answer": None, "justification": None, "evidence": None, "evidence_url": None,
            "confidence": "Self-declared", "lead_institution": None}
    return ParsedRow(pk=pk, code=f"RT1.0{pk}", sheet="RT1", row=pk + 1, edit_count=0,
                     opened=answer_digest(opened_values), cells={**base, **cells})


def test_each_kind_of_outcome():
    rows = [
        row(1, BLANK),                                   # as downloaded: unchanged
        row(2, BLANK, answer=3),                         # changed in the file only
        row(3, BLANK, answer=4),                         # changed online since (to ONLINE) and in the file: conflict
        row(4, BLANK, answer=2, justification="Pilot"),  # changed online and in the file to the same: nothing to do
        row(5, BLANK, answer="Not applicable"),          # refused: no justification
        row(6, BLANK),                                   # changed online only: left as it is online
    ]
    preview = workbook_preview(rows, {3: ONLINE, 4: ONLINE, 6: ONLINE})

    assert [c.code for c in preview.changes] == ["RT1.02"]
    assert preview.changes[0].differences == [("Answer", "No answer", "Level 3")]
    assert [c.code for c in preview.conflicts] == ["RT1.03"]
    assert preview.conflicts[0].online == ONLINE and preview.conflicts[0].online_digest == answer_digest(ONLINE)
    assert ("Answer", "Level 2", "Level 4") in preview.conflicts[0].differences
    assert [(r.code, r.problems) for r in preview.refusals] == [("RT1.05", ["Not applicable needs a justification: say why."])]
    assert preview.unchanged == 3
    assert not preview.can_confirm  # a refused row blocks the whole upload


def test_a_row_as_downloaded_is_taken_unnormalised():
    stored = (1, False, False, "  spaced  ", "", "", "documented", "")
    rows = [row(1, stored, answer=1, justification="  spaced  ", confidence="Documented (evidence cited)")]
    preview = workbook_preview(rows, {1: stored})
    assert (preview.changes, preview.conflicts, preview.refusals, preview.unchanged) == ([], [], [], 1)
