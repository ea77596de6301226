"""The framework's texts in each language: copy them, count them, say what is missing (issue 15).

The fields are those registered with django-modeltranslation in ``translation.py``. English is the
original and is required anyway; French and Spanish are the translations that a version must have in full
before it is published (``settings.HLD_FRAMEWORK_LANGUAGES``, all three by default).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from .models import (
    CoherenceLink,
    Criterion,
    FrameworkVersion,
    LevelDescriptor,
    RecommendedAction,
    RoundTable,
    SupportAvailable,
    Theme,
)


def content_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def required_languages() -> list[str]:
    """The languages a version must be complete in to be published."""
    wanted = getattr(settings, "HLD_FRAMEWORK_LANGUAGES", None) or content_languages()
    return [code for code in content_languages() if code in wanted]


def texts(obj, *fields: str) -> dict[str, str | None]:
    """Keyword arguments that copy ``fields`` of ``obj`` in every language (and the original column as English)."""
    values = {}
    for field in fields:
        for language in content_languages():
            values[f"{field}_{language}"] = getattr(obj, f"{field}_{language}")
        values[field] = getattr(obj, f"{field}_en")
    return values


def language_name(code: str) -> str:
    """The language's name in the active language ("French", "français", "francés")."""
    return get_language_info(code)["name_translated"]


@dataclass(frozen=True)
class Completeness:
    language: str
    done: int
    total: int
    missing: list[str]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.done == self.total


def _slots(version: FrameworkVersion):
    """(what an editor calls it, object, field) for every translated text of ``version``, in reading order."""
    for rt in RoundTable.objects.filter(version=version).order_by("number"):
        yield rt.code, rt, "title"
    for theme in Theme.objects.filter(round_table__version=version).order_by("code"):
        yield theme.code, theme, "title"
    criteria = Criterion.objects.filter(version=version).order_by("code")
    for criterion in criteria:
        yield f"{criterion.code} " + _("statement"), criterion, "statement"
        yield f"{criterion.code} " + _("guidance"), criterion, "guidance"
    for d in LevelDescriptor.objects.filter(criterion__version=version).select_related("criterion"):
        yield f"{d.criterion.code} " + _("level %(level)s") % {"level": d.level}, d, "text"
    for model, label in ((RecommendedAction, _("action %(order)s")), (SupportAvailable, _("support %(order)s"))):
        for item in model.objects.filter(criterion__version=version).select_related("criterion"):
            yield f"{item.criterion.code} " + label % {"order": item.order}, item, "text"
    links = CoherenceLink.objects.filter(from_criterion__version=version).select_related("from_criterion", "to_criterion")
    for link in links:
        yield _("link %(from)s–%(to)s") % {"from": link.from_criterion.code, "to": link.to_criterion.code}, link, "reason"


def completeness(version: FrameworkVersion) -> list[Completeness]:
    """How complete each language is: the number of texts written and the list of those missing."""
    slots = list(_slots(version))
    result = []
    for language in content_languages():
        missing = [label for label, obj, field in slots if not (getattr(obj, f"{field}_{language}") or "").strip()]
        result.append(Completeness(language, len(slots) - len(missing), len(slots), missing))
    return result


def language_problems(version: FrameworkVersion) -> list[str]:
    """One problem per required language that is incomplete, naming every missing text."""
    problems = []
    for state in completeness(version):
        if state.language in required_languages() and not state.complete:
            problems.append(
                _("%(language)s is incomplete (%(count)s texts missing): %(missing)s")
                % {"language": language_name(state.language), "count": len(state.missing),
                   "missing": ", ".join(state.missing)}
            )
    return problems
