"""Keyboard only, from the gap report to the plan: add two actions to priority gaps; axe-core finds nothing
serious on the pages passed through (issue 17)."""

import pytest

from assessments.models import Action
from assessments.reports import build_report
from tests.e2e.helpers import assert_focus_visible, axe, blocking, describe, focused, tab_to
from tests.e2e.test_accessibility import RADIO_GROUPS_WITHOUT_LEGEND

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is not installed"
).expect


def press(page, key: str, step: str) -> dict:
    page.keyboard.press(key)
    state = focused(page)
    assert_focus_visible(state, f"{step} ({key})")
    return state


def type_text(page, text: str, step: str) -> None:
    page.keyboard.type(text)
    assert_focus_visible(focused(page), f"{step} (typing)")


def fill_action(page, step: str, *, own_text: str = "", lead: str) -> None:
    """The action form, by keyboard: the first recommended action or our own wording, a date, lead, indicator."""
    state = tab_to(page, lambda s: s["name"] == "recommended_action", f"{step}: action")
    if own_text:
        tab_to(page, lambda s: s["name"] == "text", f"{step}: own wording")
        type_text(page, own_text, f"{step}: own wording")
    else:
        while state["value"] != page.locator("input[name=recommended_action]").first.get_attribute("value"):
            state = press(page, "ArrowUp", f"{step}: recommended action")
        assert state["checked"]
    tab_to(page, lambda s: s["name"] == "target_date", f"{step}: target date")
    type_text(page, "2027-06-30", f"{step}: target date")
    tab_to(page, lambda s: s["name"] == "lead_institution", f"{step}: lead institution")
    type_text(page, lead, f"{step}: lead institution")
    tab_to(page, lambda s: s["name"] == "indicator", f"{step}: indicator")
    type_text(page, "Decree published in the gazette", f"{step}: indicator")
    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "Add the action to the plan", f"{step}: add")
    page.keyboard.press("Enter")


def test_two_actions_are_added_to_priority_gaps_with_the_keyboard_alone(demo, sign_in, axe_js):
    gaps = build_report(demo.draft).plan.priority_gaps
    first, second = gaps[0], gaps[1]
    before = Action.objects.filter(assessment=demo.draft).count()
    page = sign_in("demo-contributor")
    results = {}

    page.goto(f"/assessments/{demo.draft.pk}/report/")
    results["report"] = axe(page, axe_js)
    tab_to(page, lambda s: s["tag"] == "a" and s["text"] == "Open the action plan", "report: plan link", limit=400)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Action plan: Demoland, cycle 2026")
    results["plan"] = axe(page, axe_js)

    tab_to(page, lambda s: s["text"] == f"Add an action for {first.code}", "plan: first gap")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New action for {first.code}")
    results["action form"] = axe(page, axe_js)
    assert page.evaluate(RADIO_GROUPS_WITHOUT_LEGEND) == []
    fill_action(page, "first action", lead="Ministry of Labour")
    expect(page.get_by_role("status")).to_have_text(f"Added an action for {first.code} to the plan.")

    tab_to(page, lambda s: s["text"] == f"Add an action for {second.code}", "plan: second gap", limit=200)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New action for {second.code}")
    fill_action(page, "second action", own_text="Set up a one-stop shop for returning migrants",
                lead="Ministry of Interior")
    expect(page.get_by_role("status")).to_have_text(f"Added an action for {second.code} to the plan.")
    results["plan with two new actions"] = axe(page, axe_js)

    added = list(Action.objects.filter(assessment=demo.draft).order_by("-pk")[:2])
    assert Action.objects.filter(assessment=demo.draft).count() == before + 2
    assert [(a.criterion_id, a.lead_institution, str(a.target_date)) for a in reversed(added)] == [
        (first.id, "Ministry of Labour", "2027-06-30"), (second.id, "Ministry of Interior", "2027-06-30")]
    assert added[1].recommended_action is not None  # the first: the criterion's recommended action
    assert added[0].text == "Set up a one-stop shop for returning migrants" and added[0].recommended_action is None
    page.goto(f"/assessments/{demo.draft.pk}/plan/history/")
    results["plan history"] = axe(page, axe_js)

    for name, violations in results.items():
        print(f"{name}: {len(violations)} violation(s)")
    bad = {name: blocking(v) for name, v in results.items() if blocking(v)}
    assert not bad, "\n".join(f"{name}:\n{describe(v)}" for name, v in bad.items())
