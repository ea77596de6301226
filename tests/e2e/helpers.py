"""What the browser tests share: axe-core runs, focus checks, answering criteria on a page."""

from pathlib import Path

from assessments.models import Assessment, Criterion, Response
from assessments.workflow import AnswerInput, responses_save, unanswered_criteria

# WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices (heading order, landmarks…).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}
# Named by issue 6 (headings in order, labels, legends, contrast, language): none of these may fail at any impact.
ALWAYS_BLOCKING_RULES = {
    "heading-order", "label", "color-contrast", "html-has-lang", "html-lang-valid", "page-has-heading-one",
}


def axe(page, axe_js: Path) -> list[dict]:
    """Run axe-core on the page as it is now; return its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_js))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return result["violations"]


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING or v["id"] in ALWAYS_BLOCKING_RULES]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  {v['impact']:<8} {v['id']}: {v['help']} ({len(v['nodes'])} element(s))")
        for node in v["nodes"][:3]:
            lines.append(f"           {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', id: el.id || '',
    value: el.value || '', text: (el.innerText || '').trim().slice(0, 80), checked: !!el.checked,
    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0, outlineColor: s.outlineColor,
    inViewport: r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth,
  };
}"""


IN_VIEW = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return true;
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth;
}"""


def focused(page) -> dict | None:
    """The focused element's state, once any smooth scrolling towards it has ended (Bootstrap scrolls smoothly)."""
    state = page.evaluate(FOCUS_STATE)
    if state is not None and not state["inViewport"]:
        try:
            page.wait_for_function(IN_VIEW, timeout=3000, polling=50)
        except Exception:  # reported by assert_focus_visible, with the element's name
            pass
        state = page.evaluate(FOCUS_STATE)
    return state


def assert_focus_visible(state: dict | None, step: str) -> None:
    assert state is not None, f"{step}: nothing has the keyboard focus"
    where = f"{step}: <{state['tag']} name={state['name']!r} id={state['id']!r}> {state['text']!r}"
    assert state["outlineStyle"] != "none" and state["outlineWidth"] >= 2, (
        f"{where} has no visible focus outline ({state['outlineStyle']} {state['outlineWidth']}px)"
    )
    assert state["inViewport"], f"{where} has the focus but is scrolled out of view"


def tab_to(page, matches, step: str, limit: int = 60, key: str = "Tab") -> dict:
    """Press Tab until the focused element satisfies ``matches``; every element passed on the way must show focus."""
    state = focused(page)
    if state is not None and matches(state):  # already there, e.g. an autofocused field
        assert_focus_visible(state, step)
        return state
    for _ in range(limit):
        page.keyboard.press(key)
        state = focused(page)
        assert_focus_visible(state, step)
        if matches(state):
            return state
    raise AssertionError(f"{step}: not reached after {limit} presses of {key}")


def answer_rest(assessment: Assessment, user) -> int:
    """Answer every unanswered criterion (level 2, self-declared), as a contributor would have done on the pages."""
    missing = unanswered_criteria(assessment)
    responses_save(
        assessment=assessment,
        user=user,
        answers=[
            AnswerInput(criterion_id=c.pk, base_edit_count=0, score=2, justification="Adopted, partly implemented.")
            for c in missing
        ],
    )
    return len(missing)


def answered_codes(assessment: Assessment) -> set[str]:
    return set(assessment.responses.answered().values_list("criterion__code", flat=True))


def round_table_criteria(assessment: Assessment, number: int) -> list[Criterion]:
    return list(
        assessment.framework_version.criteria.filter(theme__round_table__number=number).order_by("theme__order", "code")
    )


def response_of(assessment: Assessment, criterion: Criterion) -> Response | None:
    return assessment.responses.filter(criterion=criterion).first()
