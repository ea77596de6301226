"""Which countries a criterion concerns: origin, transit, destination, in any combination.

A criterion stores its perspectives as one canonical text value, the names in
the order origin, transit, destination joined by commas ("origin,transit").
The original HLD 2013 fixture says ``both`` (origin and destination): the field
reads that legacy value, and migration 0012 rewrote stored ones, so the
fixture loads unchanged.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import pgettext, pgettext_lazy

ORIGIN, TRANSIT, DESTINATION = "origin", "transit", "destination"
PERSPECTIVES = (ORIGIN, TRANSIT, DESTINATION)  # canonical order
LEGACY = {"both": (ORIGIN, DESTINATION)}
NAMES = {
    ORIGIN: pgettext_lazy("country of", "origin"),
    TRANSIT: pgettext_lazy("country of", "transit"),
    DESTINATION: pgettext_lazy("country of", "destination"),
}


def perspective_value(perspectives: Iterable[str]) -> str:
    """The stored value of a set of perspective names; unknown names are kept (validation refuses them)."""
    chosen = set(perspectives)
    known = [p for p in PERSPECTIVES if p in chosen]
    return ",".join(known + sorted(chosen - set(PERSPECTIVES)))


def perspective_set(value: str) -> frozenset[str]:
    if value in LEGACY:
        return frozenset(LEGACY[value])
    return frozenset(part for part in (value or "").split(",") if part)


def describe(perspectives: Iterable[str], joiner: str = "and") -> str:
    """“origin”, “origin and transit”, “origin, transit and destination” (joiner "or": “origin or transit”)."""
    names = [str(NAMES[p]) for p in PERSPECTIVES if p in set(perspectives)]
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        if joiner == "or":
            return pgettext("perspectives", "%(first)s or %(second)s") % {"first": names[0], "second": names[1]}
        return pgettext("perspectives", "%(first)s and %(second)s") % {"first": names[0], "second": names[1]}
    values = {"first": names[0], "second": names[1], "third": names[2]}
    if joiner == "or":
        return pgettext("perspectives", "%(first)s, %(second)s or %(third)s") % values
    return pgettext("perspectives", "%(first)s, %(second)s and %(third)s") % values


def _label(chosen: tuple[str, ...]) -> str:
    text = describe(chosen)
    return text[:1].upper() + text[1:]


_lazy_label = lazy(_label, str)


def _combinations() -> list[tuple[str, str]]:
    combos = []
    for mask in range(1, 8):
        chosen = tuple(p for bit, p in enumerate(PERSPECTIVES) if mask & (1 << bit))
        # The label is built when it is shown, in the language of the request.
        combos.append((perspective_value(chosen), _lazy_label(chosen)))
    return sorted(combos, key=lambda item: (item[0].count(","), [PERSPECTIVES.index(p) for p in item[0].split(",")]))


CHOICES = _combinations()
VALUES = [value for value, _label in CHOICES]
DEFAULT = perspective_value((ORIGIN, DESTINATION))


class PerspectiveField(models.CharField):
    """A CharField of the seven combinations that also reads ``both`` and lists of names."""

    def to_python(self, value):
        if isinstance(value, (list, tuple, set, frozenset)):
            return perspective_value(value)
        value = super().to_python(value)
        if value is None:
            return value
        return perspective_value(perspective_set(value.strip()))
