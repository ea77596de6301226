"""The framework's texts in English, French and Spanish (django-modeltranslation, issue 15).

modeltranslation adds ``<field>_en``, ``_fr`` and ``_es`` columns beside each field named here, and reading
``criterion.statement`` gives the active language's text, falling back to English. The verbatim source
excerpts are not here: they stay in English, the language of the source documents.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    CoherenceLink,
    Criterion,
    GcmObjective,
    KeyElement,
    LevelDescriptor,
    PolicySector,
    RecommendedAction,
    RoundTable,
    SdgDomain,
    SupportAvailable,
    Theme,
)

# Model → its translated fields; framework_transfer and the completeness check read this too.
TRANSLATED_FIELDS = {
    RoundTable: ("title",),
    Theme: ("title",),
    Criterion: ("statement", "guidance"),
    LevelDescriptor: ("text",),
    RecommendedAction: ("text",),
    SupportAvailable: ("text",),
    CoherenceLink: ("reason",),
    KeyElement: ("title",),
    PolicySector: ("name",),
    SdgDomain: ("name",),
    GcmObjective: ("title",),
}

for _model, _fields in TRANSLATED_FIELDS.items():
    register(_model)(type(f"{_model.__name__}TranslationOptions", (TranslationOptions,), {"fields": _fields}))
