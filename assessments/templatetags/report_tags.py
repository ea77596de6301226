from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """A percentage for people: whole numbers, a dash for "nothing to score"."""
    return "—" if value is None else f"{value:.0f} %"


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"{value:+.0f}"


@register.filter
def source_title(source_file: str) -> str:
    from ..reports import SOURCES

    return SOURCES.get(source_file, source_file)
