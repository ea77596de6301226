"""Numbers, percentages and dates that Python writes into text for people, in the active language (issue 15).

``percent(51.4)`` is "51 %" in English (as the pages have always written it) and in French with a no-break
space, and "51,5 %" with one decimal in French and Spanish; ``long_date`` is "1 December 2026",
"1 décembre 2026", "1 de diciembre de 2026". Call them while the document's or the request's language is active.
"""

from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext


def number(value, decimals: int | None = None, *, grouping: bool = True) -> str:
    """The number in the language's format, rounded as Python's format() rounds (number_format truncates)."""
    if decimals is not None:
        value = Decimal(f"{value:.{decimals}f}")
    return number_format(value, decimals, force_grouping=grouping)


def percent(value, decimals: int = 0) -> str:
    """A percentage: the number in the language's format, the sign placed as the language places it."""
    return gettext("%(value)s %%") % {"value": number(value, decimals)}


def long_date(value) -> str:
    return date_format(value, "DATE_FORMAT")


def long_datetime(value) -> str:
    return date_format(value, "DATETIME_FORMAT")
