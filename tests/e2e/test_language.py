"""Switching the language on a questionnaire page with the keyboard alone (issue 15): axe clean in French."""

import pytest

from tests.e2e.helpers import assert_focus_visible, focused, tab_to
from tests.e2e.test_questionnaire_merge import assert_axe_clean, keyboard_sign_in

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is not installed"
).expect


def test_switch_the_questionnaire_to_french_and_spanish_with_the_keyboard(demo, page, axe_js):
    keyboard_sign_in(page, "demo-focal")
    page.goto(f"/assessments/{demo.draft.pk}/round-tables/1/")
    english_heading = page.get_by_role("heading", level=1).inner_text()

    tab_to(page, lambda s: s["id"] == "language-switcher", "the language list")
    page.keyboard.press("ArrowDown")  # English → Français, the list stays closed
    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "Change language", "the change button", limit=3)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/assessments/{demo.draft.pk}/round-tables/1/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading != english_heading and heading.startswith("Table ronde 1")
    expect(page.locator(".unofficial-translation")).to_be_visible()
    assert_axe_clean(page, axe_js, "the questionnaire in French")

    tab_to(page, lambda s: s["id"] == "language-switcher", "the language list in French")
    page.keyboard.press("ArrowDown")  # Français → Español
    tab_to(page, lambda s: s["tag"] == "button", "the change button in French", limit=3)
    assert_focus_visible(focused(page), "the change button in French")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/assessments/{demo.draft.pk}/round-tables/1/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Mesa redonda 1")
    assert_axe_clean(page, axe_js, "the questionnaire in Spanish")
