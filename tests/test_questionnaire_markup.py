"""The criterion card's hand-written partial gives the markup crispy gave (issue 19).

The reference is crispy's bootstrap5 rendering of ResponseForm with the layout, help texts and counters the form had
before the partial replaced it; both are compared as trees (attributes and class names in any order, text with its
white space collapsed, a textarea's content exactly), in every state a card can be in: empty, answered, with errors
on each kind of field, read-only, and the read-only copy of refused input.
"""

from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from crispy_forms.utils import render_crispy_form
from django.template.loader import render_to_string
from django.utils.html import format_html

from assessments.forms import LIMITED_FIELDS, ResponseForm
from assessments.models import Criterion, Response

HELP = {"justification": "Why this level; required for not applicable and don't know.",
        "evidence": "Instrument, date, reference and responsible body. Expected for levels 3 and 4."}


def as_before(form: ResponseForm) -> ResponseForm:
    """The help texts and counters the form carried for crispy (before its fields are first bound)."""
    for name in LIMITED_FIELDS:
        field, field_id = form.fields[name], f"id_{form.add_prefix(name)}"
        field.widget.attrs["data-counter"] = f"{field_id}-count"
        counter = format_html('<span class="char-count" id="{}-count">{}</span>', field_id,
                              f"Up to {field.max_length:,} characters.")
        field.help_text = format_html("{} {}", HELP[name], counter) if name in HELP else counter
    return form


def crispy_reference(form: ResponseForm) -> str:
    """The card's fields as crispy rendered them before the partial."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        "answer",
        Div(Div(Field("justification"), css_class="col-md-6"), Div(Field("evidence"), css_class="col-md-6"),
            css_class="row"),
        Div(Div(Field("evidence_url"), css_class="col-md-5"), Div(Field("confidence"), css_class="col-md-3"),
            Div(Field("lead_institution"), css_class="col-md-4"), css_class="row"),
        "base", "opened", "in_conflict",
    )
    form.helper = helper
    return render_crispy_form(form, helper)


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens, self.in_textarea = [], False

    def handle_starttag(self, tag, attrs):
        tidy = sorted((k, " ".join(sorted((v or "").split())) if k in ("class", "aria-describedby") else v)
                      for k, v in attrs)
        self.tokens.append((tag, tuple(tidy)))
        self.in_textarea = tag == "textarea"

    def handle_endtag(self, tag):
        self.tokens.append(("/" + tag,))
        self.in_textarea = False

    def handle_data(self, data):
        text = data if self.in_textarea else " ".join(data.split())
        if text:
            self.tokens.append(("text", text))


def tree(html: str) -> list:
    parser = Tree()
    parser.feed(html)
    return parser.tokens


def partial(form: ResponseForm) -> str:
    return render_to_string("assessments/_criterion_fields.html", {"card": form.card(), "criterion": form.criterion})


def post(criterion, **values) -> dict:
    data = {"base": "0", "opened": "", "confidence": "self_declared", **values}
    return {f"c{criterion.pk}-{k}": v for k, v in data.items()}


@pytest.fixture
def criterion(published_framework):
    return Criterion.objects.filter(theme__round_table__version=published_framework).order_by("code").first()


def states(criterion, assessment):
    response = Response(assessment=assessment, criterion=criterion, score=3, justification="Because <b>", evidence="",
                        evidence_url="https://example.org/a?b=1&c=2", confidence="documented",
                        lead_institution="Ministry \"of\" Labour", edit_count=4)
    yield "empty", ResponseForm(criterion=criterion)
    yield "answered", ResponseForm(criterion=criterion, response=response)
    yield "read-only", ResponseForm(criterion=criterion, response=response, read_only=True)
    yield "copy", ResponseForm(criterion=criterion, initial={"answer": "na", "justification": "typed\nlines"},
                               read_only="copy")
    yield "errors", ResponseForm(post(criterion, answer="9", justification="x" * 5001, evidence="a\r\nb & <i>",
                                      evidence_url="ftp://x", confidence="bogus", lead_institution="y" * 201),
                                 criterion=criterion)
    yield "justification missing", ResponseForm(post(criterion, answer="dk", justification=" "), criterion=criterion)
    yield "cleared", ResponseForm(post(criterion, answer="", in_conflict="1", resolve="mine"), criterion=criterion)


def test_the_partial_gives_crispys_markup_in_every_state(world, criterion):
    for state, form in states(criterion, world.assessment):
        as_before(form).is_bound and form.is_valid()
        mine = tree(partial(form))
        reference = tree(crispy_reference(form))
        assert mine == reference, state


def test_the_comparison_sees_a_missing_error_link(world, criterion):
    """The check above can fail: the reference with errors differs from the partial without them."""
    with_errors = as_before(ResponseForm(post(criterion, answer="9"), criterion=criterion))
    with_errors.is_valid()
    assert tree(partial(ResponseForm(criterion=criterion))) != tree(crispy_reference(with_errors))
    assert ("fieldset", (("aria-describedby", f"id_c{criterion.pk}-answer_error"),)) in tree(partial(with_errors))
