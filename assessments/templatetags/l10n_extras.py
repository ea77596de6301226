"""Numbers for people in the active language: ``{% load l10n_extras %}`` then ``{{ value|percent }}``.

The percent sign's place is a message of its own, so that each catalogue writes it its way: English
"51 %" (the project's house style), French and Spanish "51 %" with a no-break space (U+00A0).
"""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()


@register.filter
def percent(value) -> str:
    """``12`` → "12 %" in English, "12 %" in French; the number takes the language's decimal mark.

    A value already formatted by ``floatformat`` (a string) is accepted; nothing to show gives a dash.
    """
    if value is None or value == "":
        return "—"
    # Translators: a percentage; keep %(value)s and %% (the percent sign). French and Spanish put a
    # no-break space (U+00A0) before the sign.
    return gettext("%(value)s %%") % {"value": number_format(value)}
