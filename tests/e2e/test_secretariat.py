"""Browser: the secretariat's status page and a comparison, axe-clean, and the API tokens page."""

import pytest

from tests.e2e.helpers import axe, blocking, describe

pytestmark = pytest.mark.browser


def test_status_and_comparison_pages_have_no_blocking_axe_violation(demo, sign_in, axe_js):
    page = sign_in("secretariat")
    page.get_by_role("link", name="Secretariat").click()
    page.wait_for_url("**/secretariat/status/")
    rows = page.locator("#status-table tbody tr")
    assert "Demoland" in rows.all_inner_texts()[0] or "Demoland" in " ".join(rows.all_inner_texts())
    problems = blocking(axe(page, axe_js))
    assert not problems, "status page:\n" + describe(problems)

    # Filter without JavaScript semantics: the form is a plain GET.
    page.get_by_label("Status").select_option("draft")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**status=draft**")
    assert all(state == "draft" for state in page.locator("#status-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.state)"))

    page.get_by_role("link", name="Comparisons").click()
    page.wait_for_url("**/secretariat/comparisons/")
    assert page.get_by_role("heading", name="Comparisons across governments").is_visible()
    # The demo has one approved assessment: every group is withheld, and the page says why.
    assert "Withheld: 1 approved assessment, fewer than 5." in page.locator("#groups").inner_text()
    page.get_by_label("Compare by").select_option("sdg_domain")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**dimension=sdg_domain**")
    problems = blocking(axe(page, axe_js))
    assert not problems, "comparison page:\n" + describe(problems)


def test_api_tokens_page_has_no_blocking_axe_violation(demo, sign_in, axe_js):
    page = sign_in("demo-viewer")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("My notebook")
    page.get_by_role("button", name="Create token").click()
    assert page.locator("#token-value").input_value().startswith("hld_")
    problems = blocking(axe(page, axe_js))
    assert not problems, "API tokens page:\n" + describe(problems)
