"""The conflict screen and the error summary (issue 10), keyboard only and axe clean; long text is not cut;
typed answers survive an expired session.

Every key press must leave a visible focus on screen (tests/e2e/helpers.py); axe-core must report no
serious or critical violation on the conflict screen and on the page with the error summary.
"""

import pytest

from assessments.models import Response
from assessments.workflow import AnswerInput, responses_save
from tests.e2e.conftest import PASSWORD
from tests.e2e.helpers import assert_focus_visible, axe, blocking, describe, focused, round_table_criteria, tab_to

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is not installed"
).expect

FAR = 600  # Tab presses allowed to cross a whole round table


def keyboard_sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, lambda s: s["name"] == "username", "sign-in: user name")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your assessments")


def replace_text(page, text: str, step: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
    assert_focus_visible(focused(page), step)


def save_with_keyboard(page, step: str) -> None:
    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "Save", step, limit=FAR)
    page.keyboard.press("Enter")


def assert_axe_clean(page, axe_js, where: str) -> None:
    problems = blocking(axe(page, axe_js))
    assert not problems, f"axe on {where}:\n{describe(problems)}"


def test_the_conflict_screen_with_the_keyboard_alone(demo, page, axe_js):
    criterion = round_table_criteria(demo.draft, 1)[0]
    focal = demo.draft.government.memberships.get(user__username="demo-focal").user
    keyboard_sign_in(page, "demo-contributor")
    page.goto(f"/assessments/{demo.draft.pk}/round-tables/1/")

    # The focal point saves the same criterion after the contributor opened the page.
    current = Response.objects.filter(assessment=demo.draft, criterion=criterion).first()
    responses_save(assessment=demo.draft, user=focal, answers=[AnswerInput(
        criterion_id=criterion.pk, base_edit_count=current.edit_count if current else 0, score=1,
        justification="The focal point's version.")])

    tab_to(page, lambda s: s["name"] == f"c{criterion.pk}-justification", "justification", limit=FAR)
    replace_text(page, "The contributor's version.", "justification")
    save_with_keyboard(page, "Save")

    expect(page.get_by_role("status")).to_contain_text("Nothing was saved")
    conflict = page.locator(f"#criterion-{criterion.pk} .conflict-table")
    expect(conflict).to_contain_text("The focal point's version.")
    expect(conflict).to_contain_text("The contributor's version.")
    assert_axe_clean(page, axe_js, "the conflict screen")

    state = tab_to(page, lambda s: s["name"] == f"c{criterion.pk}-resolve", "keep or take", limit=FAR)
    assert state["value"] == "mine"
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    save_with_keyboard(page, "Save after choosing")

    expect(page.get_by_role("status")).to_contain_text("Saved RT1")
    saved = Response.objects.get(assessment=demo.draft, criterion=criterion)
    assert saved.justification == "The contributor's version."


def test_the_error_summary_with_the_keyboard_alone(demo, page, axe_js):
    criterion = round_table_criteria(demo.draft, 1)[1]
    keyboard_sign_in(page, "demo-contributor")
    page.goto(f"/assessments/{demo.draft.pk}/round-tables/1/")

    tab_to(page, lambda s: s["name"] == f"c{criterion.pk}-answer", "answer", limit=FAR)
    for _ in range(10):
        if focused(page)["value"] == "na":
            break
        page.keyboard.press("ArrowDown")
    assert focused(page)["checked"] and focused(page)["value"] == "na"
    tab_to(page, lambda s: s["name"] == f"c{criterion.pk}-justification", "justification")
    replace_text(page, "", "justification emptied")
    save_with_keyboard(page, "Save")

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(criterion.code)
    expect(summary).to_be_focused()  # focus moves to the summary
    assert_axe_clean(page, axe_js, "the page with the error summary")

    state = tab_to(page, lambda s: s["tag"] == "a" and s["text"].startswith(criterion.code), "summary link")
    page.keyboard.press("Enter")
    state = focused(page)
    assert state["id"] == f"id_c{criterion.pk}-justification", state  # the link moves focus to the field
    assert_focus_visible(state, "field in error")
    page.keyboard.type("No such programme here.")
    save_with_keyboard(page, "Save again")
    expect(page.get_by_role("status")).to_contain_text("Saved RT1")
    saved = Response.objects.get(assessment=demo.draft, criterion=criterion)
    assert saved.not_applicable and saved.justification == "No such programme here."


def test_a_long_paste_is_not_cut_but_counted_and_refused(demo, sign_in):
    criterion = round_table_criteria(demo.draft, 1)[0]
    page = sign_in("demo-contributor")
    page.goto(f"/assessments/{demo.draft.pk}/round-tables/1/")
    field = page.locator(f"#id_c{criterion.pk}-evidence")
    field.fill("e" * 6000)
    assert len(field.input_value()) == 6000  # not cut to 5,000 without notice
    expect(page.locator(f"#id_c{criterion.pk}-evidence-count")).to_contain_text("1,000 characters too many")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status")).to_contain_text("Nothing was saved")
    expect(page.locator(".error-summary")).to_contain_text("at most 5000 characters (it has 6000)")
    assert len(page.locator(f"#id_c{criterion.pk}-evidence").input_value()) == 6000


def test_typed_answers_survive_an_expired_session(demo, sign_in):
    """The session ends while the page is open (CSRF cookie intact, as in a real browser): nothing typed is lost."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    criterion = round_table_criteria(demo.draft, 1)[0]
    page = sign_in("demo-contributor")
    page.goto(f"/assessments/{demo.draft.pk}/round-tables/1/")
    page.locator(f"#id_c{criterion.pk}-evidence").fill("Typed just before the session ended.")
    # Expired on the server: through the session engine, so that a cached copy (cached_db with Redis) goes too.
    engine = import_module(settings.SESSION_ENGINE)
    for key in list(Session.objects.values_list("session_key", flat=True)):
        engine.SessionStore(session_key=key).delete()

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to HLD Assess")
    expect(page.get_by_role("status")).to_contain_text("Your session had ended")
    page.get_by_label("Username").fill("demo-contributor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Round table 1:")
    expect(page.get_by_role("status")).to_contain_text("not saved yet")
    expect(page.locator(f"#id_c{criterion.pk}-evidence")).to_have_value("Typed just before the session ended.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved RT1: 1 answer(s) changed.")
    assert Response.objects.get(assessment=demo.draft, criterion=criterion).evidence == (
        "Typed just before the session ended.")
