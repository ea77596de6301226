"""The journeys of issue 6, in Chromium against the live server, on the demo data of ``seed_demo``."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse

from assessments.models import Assessment, Criterion, FrameworkVersion
from assessments.progress import assessment_progress
from assessments.workflow import unanswered_criteria
from tests.e2e.helpers import answer_rest, response_of, round_table_criteria

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is not installed"
).expect
PDF_TIMEOUT_MS = 120_000


def card(page, criterion):
    return page.locator(f"#criterion-{criterion.pk}")


def answer_label(answer: str) -> re.Pattern:
    """The label of an answer: "Level 2 – Developing: …", "Not applicable" or "Don't know"."""
    if answer.startswith("Level"):
        return re.compile(rf"^\s*{re.escape(answer)} –")
    return re.compile(rf"^\s*{answer}\s*$")


def choose(page, criterion, answer: str):
    card(page, criterion).get_by_label(answer_label(answer)).check()


def open_round_table(page, assessment, number: int):
    page.goto(f"/assessments/{assessment.pk}/")
    page.get_by_role("link", name=re.compile(rf"^RT{number}:")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Round table {number}:")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- 1. A contributor answers a round table; the answers are kept; a refused save says why ----------


def test_contributor_answers_a_round_table_and_finds_every_answer_after_reloading(demo, sign_in):
    draft = demo.draft
    page = sign_in("demo-contributor")
    page.get_by_role("link", name="Demoland 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demoland — assessment 2026")
    open_round_table(page, draft, 1)

    c = round_table_criteria(draft, 1)
    plan = {
        c[0]: dict(answer="Level 0", justification="No analysis has been commissioned.", lead="Ministry of Planning"),
        c[1]: dict(answer="Level 2", evidence="Cabinet decision 14/2025 (migration profile).", confidence="documented"),
        c[2]: dict(answer="Level 4", evidence="Act 12/2024, art. 5", url="https://example.org/act-12-2024"),
        c[3]: dict(answer="Not applicable", justification="Demoland has no consular network for this purpose."),
        c[4]: dict(answer="Don't know", justification="The statistics office has not replied yet."),
        c[5]: dict(answer="Level 3", lead="National Statistics Office"),
    }
    for criterion, answer in plan.items():
        box = card(page, criterion)
        choose(page, criterion, answer["answer"])
        box.get_by_label("Justification").fill(answer.get("justification", ""))
        box.get_by_label("Evidence", exact=True).fill(answer.get("evidence", ""))
        box.get_by_label("Evidence link").fill(answer.get("url", ""))
        box.get_by_label("Confidence").select_option(answer.get("confidence", "self_declared"))
        box.get_by_label("Lead institution").fill(answer.get("lead", ""))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved RT1:")

    page.goto(page.url)  # a fresh load, not the browser's restored form state
    for criterion, answer in plan.items():
        box = card(page, criterion)
        expect(box.get_by_label(answer_label(answer["answer"]))).to_be_checked()
        expect(box.get_by_label("Justification")).to_have_value(answer.get("justification", ""))
        expect(box.get_by_label("Evidence", exact=True)).to_have_value(answer.get("evidence", ""))
        expect(box.get_by_label("Evidence link")).to_have_value(answer.get("url", ""))
        expect(box.get_by_label("Confidence")).to_have_value(answer.get("confidence", "self_declared"))
        expect(box.get_by_label("Lead institution")).to_have_value(answer.get("lead", ""))
        expect(box).to_contain_text("by demo-contributor")

    saved = {criterion: response_of(draft, criterion) for criterion in plan}
    assert [saved[k].score for k in c[:6]] == [0, 2, 4, None, None, 3]
    assert saved[c[3]].not_applicable and saved[c[4]].dont_know

    # "Don't know" and "not applicable" without a justification: refused, with the reason beside each field.
    revision = Assessment.objects.get(pk=draft.pk).revision
    card(page, c[3]).get_by_label("Justification").fill("")
    card(page, c[4]).get_by_label("Justification").fill("   ")
    card(page, c[5]).get_by_label("Lead institution").fill("Ministry of Interior")  # kept for the next try
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Nothing was saved: correct the answers marked below.")
    for criterion, label in ((c[3], "Not applicable"), (c[4], "Don't know")):
        field = card(page, criterion).get_by_label("Justification")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_class(re.compile(r"\bis-invalid\b"))
        beside = page.locator(f"#div_id_c{criterion.pk}-justification")
        expect(beside).to_contain_text(f"{label} needs a justification: say why.")
    expect(page.locator(".invalid-feedback:visible")).to_have_count(2)
    expect(card(page, c[5]).get_by_label("Lead institution")).to_have_value("Ministry of Interior")
    assert Assessment.objects.get(pk=draft.pk).revision == revision
    assert response_of(draft, c[3]).justification == plan[c[3]]["justification"]


# --- 2. Progress and the overview follow the answers --------------------------------------------------


def test_progress_and_overview_reflect_the_answers(demo, sign_in):
    draft = demo.draft
    before = assessment_progress(draft)
    rt1 = before.round_tables[0]
    missing = [c for c in unanswered_criteria(draft) if c.theme.round_table.number == 1]
    assert missing, "the demo draft leaves some of RT1 unanswered"
    target = missing[0]

    page = sign_in("demo-contributor")
    expect(page.get_by_role("row", name=re.compile("Demoland 2026"))).to_contain_text(
        f"{before.answered} / {before.total} answered ({before.percent} %)"
    )
    open_round_table(page, draft, 1)
    nav = page.get_by_role("navigation", name="Round tables")
    expect(nav).to_contain_text(f"Overall: {before.answered} of {before.total} answered")
    expect(nav.get_by_role("listitem").first).to_contain_text(f"{rt1.answered} / {rt1.total} answered")

    choose(page, target, "Level 1")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved RT1: 1 answer(s) changed.")
    expect(nav).to_contain_text(f"Overall: {before.answered + 1} of {before.total} answered")
    expect(nav.get_by_role("listitem").first).to_contain_text(f"{rt1.answered + 1} / {rt1.total} answered")
    expect(page.locator("#progress-overall")).to_have_attribute("value", str(before.answered + 1))

    page.get_by_role("link", name="Overview and unanswered criteria").click()
    row = page.get_by_role("row", name=re.compile(r"^RT1:"))
    expect(row.get_by_role("cell")).to_have_text([re.compile(r"^RT1:"), str(rt1.answered + 1), str(rt1.total)])
    expect(page.locator("#progress-overall")).to_have_attribute("value", str(before.answered + 1))
    unanswered = page.locator("main ul.unanswered-list li a")
    expected = [c.code for c in unanswered_criteria(draft)]
    expect(unanswered).to_have_text(expected)
    assert target.code not in expected

    page.get_by_role("link", name="HLD Assess").click()
    after = assessment_progress(draft)
    expect(page.get_by_role("row", name=re.compile("Demoland 2026"))).to_contain_text(
        f"{after.answered} / {after.total} answered ({after.percent} %)"
    )


# --- 3. The focal point submits (refused while incomplete), another approves; then it is read-only ------


def test_focal_point_submits_once_complete_and_approves_then_the_questionnaire_is_read_only(demo, sign_in):
    draft = demo.draft
    page = sign_in("demo-focal")
    page.get_by_role("link", name="Demoland 2026").click()

    missing = [c.code for c in unanswered_criteria(draft)]
    page.get_by_role("button", name="Submit for approval").click()
    alert = page.get_by_role("status")
    expect(alert).to_contain_text(f"Not submitted: {len(missing)} criteria are still unanswered: ")
    expect(alert).to_contain_text(", ".join(missing) + ".")
    expect(page.locator("main ul.unanswered-list li a")).to_have_text(missing)
    expect(page.locator("main .badge").first).to_have_text("Draft")

    # RT1 through the page, the rest as the contributors would have done it on theirs.
    open_round_table(page, draft, 1)
    rt1_missing = [c for c in unanswered_criteria(draft) if c.theme.round_table.number == 1]
    for criterion in rt1_missing:
        choose(page, criterion, "Level 2")
    page.get_by_role("button", name="Save and go to round table 2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Round table 2:")
    expect(page.get_by_role("status")).to_contain_text(f"Saved RT1: {len(rt1_missing)} answer(s) changed.")
    answer_rest(draft, User.objects.get(username="demo-contributor"))

    page.get_by_role("link", name="Overview and unanswered criteria").click()
    expect(page.get_by_text("Every criterion is answered, not applicable or “don't know”.")).to_be_visible()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("status")).to_have_text("Submitted for approval.")
    expect(page.locator("main .badge").first).to_have_text("Submitted")
    # Four-eyes: the submitter is told that another focal point must approve.
    page.get_by_role("link", name="Approve…").click()
    expect(page.get_by_role("alert")).to_contain_text("another focal point must approve it")
    expect(page.get_by_role("button", name=re.compile("Approve"))).to_have_count(0)
    page = sign_in("demo-head")
    page.get_by_role("link", name="Demoland 2026").click()
    page.get_by_role("link", name="Approve…").click()
    expect(page.get_by_text("Approving is final and cannot be undone.")).to_be_visible()
    page.get_by_role("button", name="Approve — this is final").click()
    expect(page.get_by_role("status")).to_have_text("Approved. The assessment is now final.")
    expect(page.locator("main .badge").first).to_have_text("Approved")
    expect(page.get_by_role("button", name=re.compile("Submit|Approve|Return"))).to_have_count(0)
    assert Assessment.objects.get(pk=draft.pk).status == Assessment.Status.APPROVED

    for number in (1, 2, 3, 4):
        page.goto(f"/assessments/{draft.pk}/round-tables/{number}/")
        expect(page.get_by_text("You can read this questionnaire")).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
        fields = page.locator("main form input:not([type=hidden]), main form textarea, main form select")
        assert fields.count() > 0
        enabled = "input:enabled:not([type=hidden]), textarea:enabled, select:enabled"
        expect(page.locator("main form").locator(enabled)).to_have_count(0)


# --- 4. The report shows its charts; its PDF downloads and names the government and round tables -------


def _report_url(assessment) -> str:
    try:
        return reverse("report", args=[assessment.pk])
    except NoReverseMatch:
        pytest.skip("the report views (URL name 'report', issue 5) do not exist yet")


def test_report_page_shows_its_charts_and_the_pdf_downloads_with_the_government_and_round_tables(demo, sign_in):
    from pypdf import PdfReader

    approved = demo.approved
    url = _report_url(approved)
    page = sign_in("demo-focal")
    response = page.goto(url)
    assert response.ok
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demoland")
    charts = page.locator("main figure img")
    assert charts.count() >= 5, "a radar chart and one bar chart per round table"
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), f"chart {i} did not load"
        assert chart.get_attribute("alt").strip()

    # WeasyPrint takes a while over a full report: wait for the download longer than for a page.
    # The documents are in the download menu (a <details>); an approved assessment's were rendered at approval.
    page.locator("summary", has_text="Download").click()
    with page.expect_download(timeout=PDF_TIMEOUT_MS) as download_info:
        page.get_by_role("link", name="Full report (PDF)").click(timeout=PDF_TIMEOUT_MS)
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = open(download.path(), "rb").read()
    assert content.startswith(b"%PDF")
    text = normalise(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages))
    assert "Demoland" in text
    for round_table in approved.framework_version.round_tables.order_by("number"):
        assert normalise(round_table.title) in text, f"{round_table.code}'s title is not in the PDF"


# --- 5. An editor publishes a new framework version; the approved report does not change ---------------


def _approved_text(page, assessment) -> str:
    try:
        url = reverse("report", args=[assessment.pk])
    except NoReverseMatch:
        url = f"/assessments/{assessment.pk}/round-tables/1/"
    page.goto(url)
    lines = page.locator("main").inner_text().splitlines()
    return "\n".join(line for line in lines if "generated" not in line.lower())


def test_editor_publishes_a_new_framework_version_and_the_approved_report_is_unchanged(demo, sign_in, new_context):
    approved = demo.approved
    published = approved.framework_version
    criterion = published.criteria.order_by("code").first()
    reader = sign_in("demo-focal")
    before = _approved_text(reader, approved)
    assert criterion.statement in before

    admin = new_context().new_page()
    admin.goto("/admin/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill(demo.password)
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name="Framework versions").click()
    admin.get_by_role("row", name=re.compile(re.escape(published.name))).get_by_role("checkbox").check()
    admin.get_by_label("Action:").select_option(label="Copy to a new draft version")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("Created the draft")
    draft = FrameworkVersion.objects.get(copied_from=published)
    copy = draft.criteria.get(code=criterion.code)

    admin.goto(f"/admin/assessments/criterion/?version__id__exact={draft.pk}")
    admin.get_by_role("link", name=criterion.code, exact=True).click()
    new_statement = "The government publishes a revised statement for the next cycle."
    admin.get_by_label("Statement [en]:").fill(new_statement)  # each language has its own field
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Criterion.objects.get(pk=copy.pk).statement == new_statement

    admin.get_by_role("link", name="Framework versions").first.click()
    admin.get_by_role("row", name=re.compile(re.escape(draft.name))).get_by_role("checkbox").check()
    admin.get_by_label("Action:").select_option(label="Publish (after checking completeness)")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text(f"Published “{draft.name}”.")
    draft.refresh_from_db()
    assert draft.status == FrameworkVersion.Status.PUBLISHED

    after = _approved_text(reader, approved)
    assert after == before
    assert new_statement not in after
    assert Assessment.objects.get(pk=approved.pk).framework_version_id == published.pk


# --- 6. A member of another government is told the page does not exist ---------------------------------


def test_member_of_testland_typing_a_demoland_url_gets_the_not_found_page(demo, sign_in):
    draft, approved = demo.draft, demo.approved
    criterion = round_table_criteria(draft, 1)[0]
    page = sign_in("test-focal")
    expect(page.get_by_role("link", name="Demoland 2026")).to_have_count(0)
    urls = [
        f"/assessments/{draft.pk}/",
        f"/assessments/{draft.pk}/round-tables/1/",
        f"/assessments/{draft.pk}/criteria/{criterion.pk}/history/",
        f"/assessments/{approved.pk}/",
    ]
    for name in ("report", "report_pdf"):
        try:
            urls.append(reverse(name, args=[approved.pk]))
        except NoReverseMatch:
            pass
    for url in urls:
        response = page.goto(url)
        assert response.status == 404, f"{url} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.locator("main")).not_to_contain_text("Demoland")
