"""Every English word a template shows is marked for translation (issue 15).

The check reads each template with Django's own template lexer: text outside ``{% blocktranslate %}``,
``{% comment %}``, ``{% verbatim %}``, ``<script>``, ``<style>`` and HTML comments must hold no word
(a run of two letters or more) once tags, entities and the few literal words below are taken out. The
attributes people read (title, aria-label, alt, placeholder, the value of an input button, a meta
description) hold no literal word either, and neither do the string arguments of filters (``default:"…"``)
or the values an ``{% include … with %}`` passes, unless written ``_("…")``.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType, smart_split
from django.utils import translation

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Third-party overrides with no interface text of ours.
SKIPPED_FOLDERS = {"drf_spectacular"}  # the Swagger UI shell of the API documentation

# Words that stay as they are in every language: the product's name and file formats' names.
LITERAL = ("HLD Assess", "PDF", "CSV", "ISO")

READ_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}
BUTTON_INPUTS = {"submit", "button", "reset"}
FORMAT_FILTERS = {"date", "time", "stringformat"}  # their argument is a format, not words
IDENTIFIER = re.compile(r"^(['\"])[a-z0-9_.-]*\1$")  # e.g. key="radar": data, not words
WORD = re.compile(r"[^\W\d_]{2,}")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|\w+);")
HTML = re.compile(
    r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<[!/?]?[A-Za-z][^>]*>",
    re.DOTALL | re.IGNORECASE,
)
ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
FILTER_LITERAL = re.compile(r"""\|\s*(\w+)\s*:\s*("[^"]*"|'[^']*')""")
LOADS_I18N = re.compile(r"{%\s*load\s[^%]*\bi18n\b")
PLACEHOLDER = "\x00"  # stands for a {{ variable }} or {% tag %}: no letters, no tag delimiters


@dataclass
class Flat:
    """A template's output skeleton: its text, each character's line, and whether a translation covers it."""

    text: str
    lines: list[int]
    covered: list[bool]


def flatten(source: str, origin: str, problems: list[str]) -> Flat:
    text: list[str] = []
    lines: list[int] = []
    covered: list[bool] = []
    translating = commented = verbatim = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            hidden = bool(translating or commented or verbatim)
            line = token.lineno
            for char in token.contents:
                text.append(char)
                lines.append(line)
                covered.append(hidden)
                line += char == "\n"
            continue
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(maxsplit=1)[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans"):
                translating += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                translating -= 1
            elif name == "comment":
                commented += 1
            elif name == "endcomment":
                commented -= 1
            elif name == "verbatim":
                verbatim += 1
            elif name == "endverbatim":
                verbatim -= 1
            elif name == "include" and not commented:
                bits = list(smart_split(token.contents))
                if "with" in bits:
                    for bit in bits[bits.index("with") + 1 :]:
                        _, _, value = bit.partition("=")
                        if value[:1] in "\"'" and value and WORD.search(value) and not IDENTIFIER.match(value):
                            problems.append(f"{origin}:{token.lineno}: include passes words: {bit}")
        if not commented:
            for name, literal in FILTER_LITERAL.findall(token.contents):
                if name not in FORMAT_FILTERS and WORD.search(literal):
                    problems.append(f"{origin}:{token.lineno}: filter argument is words: {name}:{literal}")
        text.append(PLACEHOLDER)
        lines.append(token.lineno)
        covered.append(True)
    return Flat("".join(text), lines, covered)


def words_outside_translations(flat: Flat, start: int, end: int) -> bool:
    piece = ENTITY.sub(lambda m: " " * len(m.group()), flat.text[start:end])
    for literal in LITERAL:
        piece = re.sub(rf"\b{re.escape(literal)}\b", lambda m: " " * len(m.group()), piece)
    for word in WORD.finditer(piece):
        if not all(flat.covered[start + word.start() : start + word.end()]):
            return True
    return False


def report(flat: Flat, origin: str, start: int, end: int, what: str) -> str:
    snippet = " ".join(flat.text[start:end].replace(PLACEHOLDER, "{…}").split())
    return f"{origin}:{flat.lines[start]}: {what}: {snippet[:120]!r}"


def check_source(source: str, origin: str = "<string>", html: bool = True) -> list[str]:
    """The places of ``source`` where English is not marked for translation, as "origin:line: …"."""
    problems: list[str] = []
    flat = flatten(source, origin, problems)
    position = 0
    texts = []
    for match in HTML.finditer(flat.text) if html else ():
        texts.append((position, match.start()))
        position = match.end()
        tag = match.group()
        if tag.startswith(("<!--", "</", "<!")) or match.group(1):
            continue
        tag_name = re.match(r"<([\w-]+)", tag).group(1).lower()
        attributes = {m.group(1).lower(): m for m in ATTRIBUTE.finditer(tag)}
        read = set(READ_ATTRIBUTES)
        if tag_name == "input" and _value(attributes.get("type")) in BUTTON_INPUTS:
            read.add("value")
        if tag_name == "meta" and _value(attributes.get("name")) in ("description", "keywords"):
            read.add("content")
        for name in read & attributes.keys():
            m = attributes[name]
            group = next(g for g in (2, 3, 4) if m.group(g) is not None)
            begin, finish = match.start() + m.start(group), match.start() + m.end(group)
            if words_outside_translations(flat, begin, finish):
                problems.append(report(flat, origin, begin, finish, f"attribute {name}"))
    texts.append((position, len(flat.text)))
    for start, end in texts:
        # One message per run of text between two tags, at the line of its first word.
        if words_outside_translations(flat, start, end):
            first = start + len(flat.text[start:end]) - len(flat.text[start:end].lstrip())
            problems.append(report(flat, origin, first, end, "text"))
    return problems


def _value(match) -> str:
    if match is None:
        return ""
    return next(g for g in (match.group(2), match.group(3), match.group(4)) if g is not None).lower()


def checked_templates() -> list[Path]:
    paths = []
    for path in sorted(TEMPLATES.rglob("*")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if path.suffix not in (".html", ".txt"):
            continue
        if relative.split("/", 1)[0] in SKIPPED_FOLDERS:
            continue
        paths.append(path)
    return paths


@pytest.mark.parametrize("path", checked_templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_every_english_string_is_marked(path):
    relative = path.relative_to(TEMPLATES).as_posix()
    source = path.read_text(encoding="utf-8")
    problems = check_source(source, relative, html=path.suffix == ".html")
    assert not problems, "English not marked for translation:\n" + "\n".join(problems)
    if "translate" in source or '_("' in source:
        assert LOADS_I18N.search(source), f"{relative} translates without {{% load i18n %}}"


# The checker itself: it must see what it is there to see.


def test_checker_finds_an_unmarked_word_in_text():
    assert check_source("{% load i18n %}<p>{% translate 'Saved' %} Nothing else</p>") == [
        "<string>:1: text: '{…} Nothing else'"
    ]


def test_checker_gives_the_line():
    (problem,) = check_source("{% load i18n %}\n<h1>{% translate 'Title' %}</h1>\n<p>\n  Plain words\n</p>")
    assert problem.startswith("<string>:4: text:")


def test_checker_finds_unmarked_attributes_and_button_values():
    problems = check_source(
        '<nav aria-label="Round tables"><img alt="A chart" src="x.png"><input type="submit" value="Go on">'
        '<input type="hidden" name="key" value="abc"></nav>'
    )
    assert [p.split(": ")[1] for p in problems] == ["attribute aria-label", "attribute alt", "attribute value"]


def test_checker_finds_words_in_filter_arguments_and_includes():
    problems = check_source(
        '{{ x|default:"Not scored" }}{{ d|date:"j F Y" }}{{ y|default:"—" }}{{ z|default:_("Fine") }}'
        '{% include "a.html" with label="Overall" key="radar" caption=_("Fine too") %}'
    )
    assert problems == [
        '<string>:1: filter argument is words: default:"Not scored"',
        '<string>:1: include passes words: label="Overall"',
    ]


def test_checker_accepts_marked_text_and_what_is_not_words():
    source = """{% load i18n %}{# a comment #}
{% comment %}Words in a comment{% endcomment %}
<p title="{% translate 'Help' %}">{% blocktranslate trimmed with n=count %}
  {{ n }} <strong>answers</strong> saved{% endblocktranslate %} · {{ a.code }}: {{ a.title }} — 12 / 40 &amp; HLD Assess (PDF)</p>
<script>const words = "not interface";</script><style>.a::after { content: "nor this" }</style>
<!-- nor this --><a href="{% url 'home' %}" class="btn btn-link" aria-label="{{ name }}">{% translate "Home" %}</a>
<input type="submit" value="{% translate 'Save' %}"> x"""
    assert check_source(source) == []


def test_checker_reads_plain_text_templates_as_text():
    assert check_source("Hello <b>{{ name }}</b>", html=False) == ["<string>:1: text: 'Hello <b>{…}</b>'"]


def test_percent_follows_the_language():
    from django.template import Context, Template

    template = Template("{% load l10n_extras %}{{ value|percent }}")
    assert template.render(Context({"value": 12})) == "12 %"
    assert template.render(Context({"value": None})) == "—"
    with translation.override("fr"):
        assert template.render(Context({"value": 12.5})).startswith("12,5")  # the catalogue adds the space
