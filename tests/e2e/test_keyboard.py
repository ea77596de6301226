"""Keyboard only: sign in, start an assessment, complete and save a round table with Tab, Space, arrows and Enter.

After every key press the focused element must show a focus outline and be on screen (WCAG 2.1.1, 2.4.7).
"""

import pytest

from assessments.models import Assessment, Response
from tests.e2e.conftest import PASSWORD
from tests.e2e.helpers import assert_focus_visible, focused, round_table_criteria, tab_to

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is not installed"
).expect

NOT_APPLICABLE, DONT_KNOW = 5, 6  # positions of the two extra answers after levels 0–4


def press(page, key: str, step: str) -> dict:
    page.keyboard.press(key)
    state = focused(page)
    assert_focus_visible(state, f"{step} ({key})")
    return state


def type_text(page, text: str, step: str) -> None:
    page.keyboard.type(text)
    assert_focus_visible(focused(page), f"{step} (typing)")


def test_a_round_table_can_be_completed_and_saved_with_the_keyboard_alone(demo, page):
    page.goto("/accounts/login/")
    tab_to(page, lambda s: s["name"] == "username", "sign-in: user name")
    type_text(page, "test-focal", "sign-in: user name")
    press(page, "Tab", "sign-in: password")
    type_text(page, PASSWORD, "sign-in: password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your assessments")

    # Start a new assessment: open the disclosure, type the cycle, press the Start button.
    tab_to(page, lambda s: s["tag"] == "summary" and s["text"] == "Start an assessment", "home: start")
    press(page, "Enter", "home: open the start form")
    tab_to(page, lambda s: s["name"].endswith("-cycle"), "home: cycle")
    type_text(page, "2030", "home: cycle")
    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "Start", "home: Start button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Testland — assessment 2030")
    assessment = Assessment.objects.get(government__name="Testland", cycle="2030")

    tab_to(page, lambda s: s["tag"] == "a" and s["text"].startswith("RT1:"), "overview: RT1 link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Round table 1:")

    criteria = round_table_criteria(assessment, 1)
    plan = {}
    for i, criterion in enumerate(criteria):
        choice = {3: NOT_APPLICABLE, 5: DONT_KNOW}.get(i, i % 5)
        plan[criterion.pk] = choice
        step = f"{criterion.code}"
        state = tab_to(page, lambda s: s["name"] == f"c{criterion.pk}-answer", f"{step}: answer")
        # Tab enters the radio group at the checked answer: "No answer yet", the last; the arrow wraps to level 0.
        assert state["value"] == "" and state["checked"], f"{step}: Tab should enter the group at its checked answer"
        for _ in range(choice + 1):
            state = press(page, "ArrowDown", f"{step}: next answer")
        assert state["checked"] and state["value"] == {NOT_APPLICABLE: "na", DONT_KNOW: "dk"}.get(choice, str(choice))
        if choice in (NOT_APPLICABLE, DONT_KNOW) or i == 0:
            tab_to(page, lambda s: s["name"] == f"c{criterion.pk}-justification", f"{step}: justification")
            type_text(page, f"Keyboard answer for {criterion.code}.", f"{step}: justification")
        if i == 0:
            tab_to(page, lambda s: s["name"] == f"c{criterion.pk}-confidence", f"{step}: confidence")
            state = press(page, "ArrowDown", f"{step}: confidence")
            assert state["value"] == "documented"
            press(page, "Tab", f"{step}: lead institution")
            type_text(page, "Ministry of Planning", f"{step}: lead institution")

    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "Save", "Save button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Saved RT1: {len(criteria)} answer(s) changed.")

    saved = {r.criterion_id: r for r in Response.objects.filter(assessment=assessment)}
    assert set(saved) == {c.pk for c in criteria}
    for criterion in criteria:
        response, choice = saved[criterion.pk], plan[criterion.pk]
        assert response.not_applicable == (choice == NOT_APPLICABLE), criterion.code
        assert response.dont_know == (choice == DONT_KNOW), criterion.code
        assert response.score == (choice if choice < NOT_APPLICABLE else None), criterion.code
    first = saved[criteria[0].pk]
    assert (first.justification, first.confidence, first.lead_institution) == (
        f"Keyboard answer for {criteria[0].code}.",
        Response.Confidence.DOCUMENTED,
        "Ministry of Planning",
    )
