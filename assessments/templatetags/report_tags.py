import unicodedata

from django import template

from ..formatting import number, percent

register = template.Library()


@register.filter
def pct(value) -> str:
    """A percentage for people: whole numbers, a dash for "nothing to score"."""
    return "—" if value is None else percent(value)


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"{value:+.0f}"[0] + number(abs(value), 0)  # the sign as Python writes it, the digits as the language does


@register.filter
def source_title(source_file: str) -> str:
    from ..reports import SOURCES

    return SOURCES.get(source_file, source_file)


@register.filter
def source_short(source_file: str) -> str:
    """How a document cites a source: its short title (the file name appears only in the annex's list)."""
    from ..reports import SHORT_TITLES

    return SHORT_TITLES.get(source_file, source_file)


@register.filter
def text_dir(value) -> str:
    """"rtl" when the text's first strong character is right-to-left, else "ltr".

    What ``dir="auto"`` computes in a browser; WeasyPrint does not implement ``dir="auto"``, so the
    direction of every text a person typed is decided here, for the page and the PDF alike.
    """
    for char in str(value or ""):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
