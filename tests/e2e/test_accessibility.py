"""axe-core on every page a user reaches: zero serious or critical violations (WCAG 2.1 AA).

Also checked: every radio group sits in a fieldset with a legend, and the rules that issue 6 names
(headings in order, labels, contrast, language) pass at any impact. Each page's counts are printed;
run with ``-s`` or ``-rP`` to see them.
"""

import pytest
from django.urls import NoReverseMatch, reverse

from assessments.models import Assessment
from tests.e2e.helpers import axe, blocking, describe, round_table_criteria

pytestmark = pytest.mark.browser


def _report_url(assessment) -> str | None:
    try:
        return reverse("report", args=[assessment.pk])
    except NoReverseMatch:
        return None


RADIO_GROUPS_WITHOUT_LEGEND = """() => {
  const names = [...new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name))];
  return names.filter(name => [...document.getElementsByName(name)].some(radio => {
    const legend = radio.closest('fieldset')?.querySelector(':scope > legend');
    return !legend || !legend.textContent.trim();
  }));
}"""


def check_pages(page, axe_js, pages: list[tuple[str, str]], results: dict) -> None:
    for name, url in pages:
        response = page.goto(url)
        assert response.ok, f"{name}: {url} answered {response.status}"
        results[name] = axe(page, axe_js)
        if name.startswith("questionnaire"):
            assert page.locator("input[type=radio]").count() > 0
            without = page.evaluate(RADIO_GROUPS_WITHOUT_LEGEND)
            assert without == [], f"{name}: radio groups without a fieldset and legend: {without}"


def test_every_page_a_user_reaches_has_no_serious_or_critical_axe_violation(demo, new_context, sign_in, axe_js):
    results: dict[str, list[dict]] = {}
    draft, approved = demo.draft, demo.approved

    anonymous = new_context().new_page()
    check_pages(anonymous, axe_js, [("sign-in", "/accounts/login/")], results)
    anonymous.get_by_label("Username").fill("demo-contributor")
    anonymous.get_by_label("Password").fill("wrong password")
    anonymous.get_by_role("button", name="Sign in").click()
    results["sign-in, refused"] = axe(anonymous, axe_js)

    contributor = sign_in("demo-contributor")
    first = round_table_criteria(draft, 1)[0]
    check_pages(
        contributor,
        axe_js,
        [("home (contributor)", "/")]
        + [(f"questionnaire RT{n}", f"/assessments/{draft.pk}/round-tables/{n}/") for n in (1, 2, 3, 4)]
        + [
            ("overview (draft)", f"/assessments/{draft.pk}/"),
            ("history", f"/assessments/{draft.pk}/criteria/{first.pk}/history/"),
        ],
        results,
    )
    # A refused save: the error messages next to the fields must be accessible too.
    contributor.goto(f"/assessments/{draft.pk}/round-tables/1/")
    contributor.locator(f"input[name='c{first.pk}-answer'][value='dk']").check()
    contributor.locator(f"#id_c{first.pk}-justification").fill("")
    contributor.get_by_role("button", name="Save", exact=True).click()
    contributor.get_by_text("Nothing was saved").wait_for()
    results["questionnaire RT1, refused save"] = axe(contributor, axe_js)
    results["not found"] = (contributor.goto("/assessments/999999/"), axe(contributor, axe_js))[1]

    focal = sign_in("demo-focal")
    pages = [
        ("home (focal point)", "/"),
        ("overview (approved)", f"/assessments/{approved.pk}/"),
        ("questionnaire RT1 (approved, read-only)", f"/assessments/{approved.pk}/round-tables/1/"),
    ]
    if _report_url(approved):
        pages.append(("report", _report_url(approved)))
    check_pages(focal, axe_js, pages, results)
    focal.goto(f"/assessments/{draft.pk}/")
    focal.get_by_role("button", name="Submit for approval").click()
    focal.get_by_text("Not submitted").wait_for()
    results["overview, refused submission"] = axe(focal, axe_js)
    check_pages(focal, axe_js, [("delete confirmation (draft)", f"/assessments/{draft.pk}/delete")], results)
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED)  # its answers do not matter here
    check_pages(focal, axe_js, [("overview (submitted)", f"/assessments/{draft.pk}/"),
                                ("approve confirmation", f"/assessments/{draft.pk}/approve")], results)

    summary = "\n".join(
        f"{name:<42} {len(v):>2} violation(s), {len(blocking(v))} blocking" for name, v in results.items()
    )
    print("\naxe-core results\n" + summary)
    failures = {name: blocking(v) for name, v in results.items() if blocking(v)}
    assert not failures, "\n".join(f"{name}:\n{describe(v)}" for name, v in failures.items())


OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-responsive'))
  .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`)"""


def test_pages_reflow_at_320_css_pixels_without_scrolling_sideways(demo, new_context):
    """WCAG 1.4.10: at 320 CSS px (1280 px zoomed to 400 %) nothing needs a horizontal scroll bar;
    data tables may scroll inside their own region."""
    draft = demo.draft
    page = new_context().new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/accounts/login/")
    urls = ["/accounts/login/"]
    page.get_by_label("Username").fill("demo-focal")
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    first = round_table_criteria(draft, 1)[0]
    urls += [
        "/",
        f"/assessments/{draft.pk}/",
        f"/assessments/{draft.pk}/round-tables/1/",
        f"/assessments/{draft.pk}/criteria/{first.pk}/history/",
        f"/assessments/{draft.pk}/report/",
        "/assessments/999999/",
    ]
    wide = {}
    for url in urls:
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            wide[url] = (width, page.evaluate(OVERFLOWING))
    assert not wide, f"pages wider than 320 px: {wide}"
