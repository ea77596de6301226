"""Issue 12's journey: onboarding a country in the browser, keyboard only, every page axe-clean.

The secretariat administrator creates "Newland" and invites its focal point; the focal point accepts from
the email's link, enrols two-factor sign-in (compulsory for the role here), invites a contributor and
starts an assessment. The measured time of the journey is printed.
"""

import re
import time
from base64 import b32decode

import pytest
from django.core import mail
from django_otp.oath import totp

from assessments.models import Assessment, Government, Invitation, Membership
from tests.e2e.conftest import PASSWORD
from tests.e2e.helpers import assert_focus_visible, axe, blocking, describe, focused, tab_to

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is not installed"
).expect

FOCAL_PASSWORD = "Newland-2013-focal"


def type_text(page, text: str, step: str) -> None:
    page.keyboard.type(text)
    assert_focus_visible(focused(page), f"{step} (typing)")


def enter(page, step: str) -> None:
    assert_focus_visible(focused(page), step)
    page.keyboard.press("Enter")


def axe_clean(page, axe_js, where: str) -> None:
    problems = blocking(axe(page, axe_js))
    assert not problems, f"{where} ({page.url}):\n{describe(problems)}"


def field(name: str):
    return lambda s: s["name"] == name


def button(text: str):
    return lambda s: s["tag"] == "button" and s["text"] == text


def link(text: str):
    return lambda s: s["tag"] == "a" and s["text"] == text


def test_a_secretariat_administrator_onboards_newland_and_its_people_with_the_keyboard(
    demo, new_context, axe_js, settings
):
    started = time.perf_counter()
    mail.outbox.clear()

    # --- The secretariat administrator: sign in, create Newland, invite its focal point ------------------
    admin = new_context().new_page()
    admin.goto("/accounts/login/")
    tab_to(admin, field("username"), "sign-in: user name")
    type_text(admin, "secretariat-admin", "sign-in: user name")
    tab_to(admin, field("password"), "sign-in: password")
    type_text(admin, PASSWORD, "sign-in: password")
    admin.keyboard.press("Enter")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Your assessments")

    tab_to(admin, link("Governments and their people"), "home: governments")
    enter(admin, "home: governments")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Governments")
    axe_clean(admin, axe_js, "governments")

    tab_to(admin, link("Add a government"), "governments: add")
    enter(admin, "governments: add")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Add a government")
    axe_clean(admin, axe_js, "add a government")
    tab_to(admin, field("name"), "government: name")
    type_text(admin, "Newland", "government: name")
    tab_to(admin, field("iso3"), "government: ISO code")
    type_text(admin, "XNL", "government: ISO code")
    state = tab_to(admin, field("un_region"), "government: region")
    for _ in range(4):  # ----, Africa, Americas, Asia, Europe
        admin.keyboard.press("ArrowDown")
    assert focused(admin)["value"] == "europe", state
    tab_to(admin, button("Create the government"), "government: create")
    enter(admin, "government: create")
    expect(admin.get_by_role("heading", level=1)).to_have_text("People of Newland")
    newland = Government.objects.get(name="Newland")
    assert (newland.iso3, newland.un_region) == ("XNL", "europe")
    axe_clean(admin, axe_js, "people of Newland (no focal point yet)")

    tab_to(admin, field("email"), "invite: email")
    type_text(admin, "nia@newland.example", "invite: email")
    assert admin.locator("#id_role").input_value() == "focal_point"  # the first invitation is for a focal point
    tab_to(admin, button("Send the invitation"), "invite: send")
    enter(admin, "invite: send")
    expect(admin.get_by_role("status")).to_contain_text("Invited nia@newland.example as focal point.")
    axe_clean(admin, axe_js, "people of Newland (invitation pending)")

    # --- The focal point: accept from the email's link, create the account, enrol two-factor sign-in ------
    settings.HLD_REQUIRE_2FA = True  # as in production: compulsory for focal points
    (message,) = mail.outbox
    assert message.to == ["nia@newland.example"]
    accept_link = re.search(r"https?://\S+/invitations/accept/\S+/", message.body).group(0)
    focal = new_context().new_page()
    focal.goto(accept_link)
    expect(focal.get_by_role("heading", level=1)).to_have_text("Join Newland")
    axe_clean(focal, axe_js, "accept the invitation")
    for name, text in [("username", "nia"), ("first_name", "Nia"), ("last_name", "Newman"),
                       ("password1", FOCAL_PASSWORD), ("password2", FOCAL_PASSWORD)]:
        tab_to(focal, field(name), f"account: {name}")
        type_text(focal, text, f"account: {name}")
    tab_to(focal, button("Create my account and join"), "account: create")
    enter(focal, "account: create")

    expect(focal.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    axe_clean(focal, axe_js, "two-factor enrolment")
    key = b32decode(focal.locator("#totp-key").inner_text().replace(" ", ""))
    tab_to(focal, field("code"), "enrol: code")
    type_text(focal, f"{totp(key):06d}", "enrol: code")
    tab_to(focal, button("Turn on two-factor sign-in"), "enrol: confirm")
    enter(focal, "enrol: confirm")
    expect(focal.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(focal.locator("#recovery-codes li")).to_have_count(10)
    axe_clean(focal, axe_js, "recovery codes")
    tab_to(focal, link("I have kept them: continue"), "recovery codes: continue")
    enter(focal, "recovery codes: continue")
    expect(focal.get_by_role("heading", level=1)).to_have_text("Your assessments")
    axe_clean(focal, axe_js, "the focal point's home page")

    # --- The focal point invites a contributor, then starts an assessment --------------------------------
    tab_to(focal, link("People of Newland"), "home: people")
    enter(focal, "home: people")
    expect(focal.get_by_role("heading", level=1)).to_have_text("People of Newland")
    tab_to(focal, field("email"), "invite: email")
    type_text(focal, "kit@newland.example", "invite: email")
    assert focal.locator("#id_role").input_value() == "contributor"
    tab_to(focal, button("Send the invitation"), "invite: send")
    enter(focal, "invite: send")
    expect(focal.get_by_role("status")).to_contain_text("Invited kit@newland.example as contributor.")
    axe_clean(focal, axe_js, "people of Newland (the focal point's view)")

    tab_to(focal, link("HLD Assess"), "people: home link", key="Shift+Tab", limit=80)  # back up to the brand
    enter(focal, "people: home link")
    expect(focal.get_by_role("heading", level=1)).to_have_text("Your assessments")
    tab_to(focal, lambda s: s["tag"] == "summary" and s["text"] == "Start an assessment", "home: start")
    enter(focal, "home: open the start form")
    tab_to(focal, lambda s: s["name"].endswith("-cycle"), "home: cycle")
    type_text(focal, "2026", "home: cycle")
    tab_to(focal, button("Start"), "home: Start")
    enter(focal, "home: Start")
    expect(focal.get_by_role("heading", level=1)).to_have_text("Newland — assessment 2026")
    elapsed = time.perf_counter() - started

    user = Membership.objects.get(government=newland, role="focal_point").user
    assert (user.username, user.get_full_name(), user.email) == ("nia", "Nia Newman", "nia@newland.example")
    assert Invitation.objects.get(email="kit@newland.example").status == "pending"
    assert Assessment.objects.filter(government=newland, cycle="2026", status="draft").exists()
    print(f"\nOnboarding journey (create Newland → first assessment started), keyboard only: {elapsed:.1f} s")
