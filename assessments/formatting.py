"""Numbers, percentages and dates that Python writes into text for people, in the active language (issue 15).

``percent(51)`` is "51%" in English and "51 %" in French; ``long_date`` is "1 December 2026",
"1 décembre 2026", "1 de diciembre de 2026". Call them while the document's or the request's language is active.
"""

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext


def number(value, decimals: int | None = None) -> str:
    return number_format(value, decimals, force_grouping=True)


def percent(value, decimals: int | None = None) -> str:
    """A percentage: the number in the language's format, the sign placed as the language places it."""
    return gettext("%(value)s%%") % {"value": number_format(value, decimals)}


def long_date(value) -> str:
    return date_format(value, "DATE_FORMAT")


def long_datetime(value) -> str:
    return date_format(value, "DATETIME_FORMAT")
