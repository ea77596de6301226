"""Framework files: a whole framework version as one JSON file that travels between installations.

The format is documented in ``docs/framework-format.md``. Everything is named
by natural keys (codes, numbers), never by database ids; the checksum is the
SHA-256 of the canonical JSON of the ``framework`` member, so a file changed by
hand (or damaged) is refused. An import always creates a draft, and refuses,
with one message and nothing written, a file that is malformed, of another
format version, tampered with or colliding with an existing version.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    CoherenceLink,
    Criterion,
    FrameworkError,
    FrameworkVersion,
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
from .content_languages import content_languages
from .models.perspective import PERSPECTIVES, perspective_value

FORMAT = "hld-assess-framework"
# 2 adds the French and Spanish texts ("translations" beside each translated object); 1 is still read.
FORMAT_VERSION = 2
READABLE_FORMAT_VERSIONS = (1, 2)
TAGS = {  # file key -> (Criterion field, reference model, natural key field)
    "key_elements": ("key_elements", KeyElement, "code"),
    "sectors": ("sectors", PolicySector, "code"),
    "sdg_domains": ("sdg_domains", SdgDomain, "code"),
    "gcm_objectives": ("gcm_objectives", GcmObjective, "number"),
}


class FrameworkFileInvalid(FrameworkError):
    """A framework file that cannot be imported; the message says why, in one sentence."""


@dataclass(frozen=True)
class Imported:
    version: FrameworkVersion
    unlinked: tuple[str, ...]  # criteria whose original ("copied from") is not in this installation


# --- Export ---------------------------------------------------------------------------


def framework_content(version: FrameworkVersion) -> dict:
    """The version's whole tree as plain values, in a fixed order: what the checksum covers."""
    criteria = (
        Criterion.objects.filter(version=version)
        .select_related("theme__round_table", "copied_from__version")
        .prefetch_related("key_elements", "sectors", "sdg_domains", "gcm_objectives", "descriptors",
                          "recommended_actions", "support_available")
        .order_by("code")
    )
    round_tables = RoundTable.objects.filter(version=version).prefetch_related("themes").order_by("number")
    links = CoherenceLink.objects.filter(from_criterion__version=version).select_related("from_criterion", "to_criterion")
    return {
        "code": version.code,
        "name": version.name,
        "description": version.description,
        "copied_from": version.copied_from.code if version.copied_from else None,
        "round_tables": [
            {
                "number": rt.number,
                "code": rt.code,
                "title": rt.title_en,
                **_translations(rt, "title"),
                "themes": [
                    {"code": t.code, "title": t.title_en, "order": t.order, **_translations(t, "title")}
                    for t in sorted(rt.themes.all(), key=lambda t: (t.order, t.code))
                ],
            }
            for rt in round_tables
        ],
        "criteria": [_criterion_content(c) for c in criteria],
        "links": sorted(
            ({"from": link.from_criterion.code, "to": link.to_criterion.code, "reason": link.reason_en,
              **_translations(link, "reason")} for link in links),
            key=lambda link: (link["from"], link["to"]),
        ),
    }


def _criterion_content(c: Criterion) -> dict:
    def sourced(items):
        return [{"order": i.order, "text": i.text_en, "source_file": i.source_file, "excerpt": i.excerpt,
                 **_translations(i, "text")} for i in sorted(items, key=lambda i: i.order)]

    return {
        "code": c.code,
        "round_table": c.theme.round_table.code,
        "theme": c.theme.code,
        "statement": c.statement_en,
        "guidance": c.guidance_en,
        **_translations(c, "statement", "guidance"),
        "perspective": [p for p in PERSPECTIVES if p in c.perspectives],
        "weight": c.weight,
        "source_file": c.source_file,
        "excerpt": c.excerpt,
        **{key: sorted(getattr(tag, attr) for tag in getattr(c, field).all()) for key, (field, _m, attr) in TAGS.items()},
        "copied_from": [c.copied_from.version.code, c.copied_from.code] if c.copied_from else None,
        "levels": [{"level": d.level, "text": d.text_en, **_translations(d, "text")}
                   for d in sorted(c.descriptors.all(), key=lambda d: d.level)],
        "recommended_actions": sourced(c.recommended_actions.all()),
        "support_available": sourced(c.support_available.all()),
    }


def _translations(obj, *fields: str) -> dict:
    """``{"translations": {"fr": {field: text}, ...}}`` for the languages other than English that have a text."""
    found = {}
    for language in content_languages():
        if language == "en":
            continue
        values = {field: getattr(obj, f"{field}_{language}") for field in fields if getattr(obj, f"{field}_{language}")}
        if values:
            found[language] = values
    return {"translations": found} if found else {}


def _texts(item: dict, **english: str) -> dict:
    """Model keyword arguments for the English texts and the item's translations (checked for shape)."""
    values = {**english, **{f"{field}_en": text for field, text in english.items()}}
    translations = item.get("translations", {})
    if not isinstance(translations, dict):
        raise FrameworkFileInvalid("The file is malformed: translations must be an object of languages.")
    for language, texts in translations.items():
        if language not in content_languages() or language == "en":
            raise FrameworkFileInvalid(f"The file is malformed: translations name an unknown language {language!r}.")
        if not isinstance(texts, dict) or not all(k in english and isinstance(v, str) for k, v in texts.items()):
            raise FrameworkFileInvalid(
                f"The file is malformed: the {language} translations may only hold the texts "
                f"{', '.join(english)}, as text."
            )
        values.update({f"{field}_{language}": text for field, text in texts.items()})
    return values


def checksum(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def framework_export(version: FrameworkVersion) -> str:
    """The framework file of ``version``, as text (UTF-8 JSON)."""
    content = framework_content(version)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "exported_status": version.status,
        "sha256": checksum(content),
        "framework": content,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- Reading and checking a file -------------------------------------------------------


def read_framework_file(data: bytes | str) -> dict:
    """The checked ``framework`` member of a file, or FrameworkFileInvalid with the first problem found."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise FrameworkFileInvalid(
            _("The file is not a framework file: it is not valid JSON (%(error)s).") % {"error": error}
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FrameworkFileInvalid(
            _("The file is not a framework file: it does not say \"format\": \"%(format)s\".") % {"format": FORMAT}
        )
    if document.get("format_version") not in READABLE_FORMAT_VERSIONS:
        raise FrameworkFileInvalid(
            _("The file is in framework format version %(found)r; this installation reads versions %(versions)s only.")
            % {"found": document.get("format_version"), "versions": ", ".join(map(str, READABLE_FORMAT_VERSIONS))}
        )
    content = document.get("framework")
    if not isinstance(content, dict) or not isinstance(document.get("sha256"), str):
        raise FrameworkFileInvalid(_("The file is malformed: it needs a “framework” object and its “sha256” checksum."))
    if checksum(content) != document["sha256"].lower():
        raise FrameworkFileInvalid(
            _("The file's checksum does not match its content: it was changed after export, or damaged. "
              "Export it again from the installation it came from.")
        )
    _check_shape(content)
    return content


class _Shape:
    """Type checks that name the place of the first problem, e.g. “criteria[3].weight”."""

    def need(self, obj, key, kind, where, *, nullable=False):
        value = obj.get(key) if isinstance(obj, dict) else None
        ok = (value is None and nullable) or (
            isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        )
        if not ok:
            raise FrameworkFileInvalid(_("The file is malformed: %(place)s is missing or not %(kind)s.")
                                      % {"place": f"{where}{key}", "kind": _kind_name(kind)})
        return value


def _unique(values: list, what: str):
    seen = set()
    for value in values:
        if value in seen:
            raise FrameworkFileInvalid(_("The file is malformed: %(what)s %(value)s appears twice.")
                                      % {"what": what, "value": value})
        seen.add(value)


def _kind_name(kind) -> str:
    return {str: _("text"), int: _("a whole number"), list: _("a list"), dict: _("an object")}.get(kind, str(kind))


def _check_shape(content: dict):
    shape = _Shape()
    for key in ("code", "name", "description"):
        shape.need(content, key, str, "")
    shape.need(content, "copied_from", str, "", nullable=True)
    theme_codes = set()
    for i, rt in enumerate(shape.need(content, "round_tables", list, "")):
        where = f"round_tables[{i}]."
        shape.need(rt, "number", int, where)
        for key in ("code", "title"):
            shape.need(rt, key, str, where)
        for j, theme in enumerate(shape.need(rt, "themes", list, where)):
            for key in ("code", "title"):
                shape.need(theme, key, str, f"{where}themes[{j}].")
            shape.need(theme, "order", int, f"{where}themes[{j}].")
            theme_codes.add((rt["code"], theme["code"]))
        _unique([t["code"] for t in rt["themes"]], _("in %(code)s, the theme code") % {"code": rt["code"]})
    _unique([rt["code"] for rt in content["round_tables"]], _("the round table code"))
    _unique([rt["number"] for rt in content["round_tables"]], _("the round table number"))
    criterion_codes = set()
    for i, c in enumerate(shape.need(content, "criteria", list, "")):
        where = f"criteria[{i}]."
        for key in ("code", "round_table", "theme", "statement", "guidance", "source_file", "excerpt"):
            shape.need(c, key, str, where)
        shape.need(c, "weight", int, where)
        if (c["round_table"], c["theme"]) not in theme_codes:
            raise FrameworkFileInvalid(_("The file is malformed: criterion %(code)s names an unknown theme %(theme)s.")
                                      % {"code": c["code"], "theme": c["theme"]})
        if c["code"] in criterion_codes:
            raise FrameworkFileInvalid(_("The file is malformed: the criterion code %(code)s appears twice.")
                                      % {"code": c["code"]})
        criterion_codes.add(c["code"])
        perspective = shape.need(c, "perspective", list, where)
        if not perspective or not set(perspective) <= set(PERSPECTIVES) or len(set(perspective)) != len(perspective):
            raise FrameworkFileInvalid(
                _("The file is malformed: criterion %(code)s needs a perspective of one or more of %(names)s.")
                % {"code": c["code"], "names": ", ".join(PERSPECTIVES)}
            )
        for key in TAGS:
            shape.need(c, key, list, where)
        origin = shape.need(c, "copied_from", list, where, nullable=True)
        if origin is not None and (len(origin) != 2 or not all(isinstance(part, str) for part in origin)):
            raise FrameworkFileInvalid(
                _("The file is malformed: %(place)s must be [version code, criterion code].")
                % {"place": f"{where}copied_from"}
            )
        for j, level in enumerate(shape.need(c, "levels", list, where)):
            shape.need(level, "level", int, f"{where}levels[{j}].")
            shape.need(level, "text", str, f"{where}levels[{j}].")
        _unique([level["level"] for level in c["levels"]], _("in criterion %(code)s, level") % {"code": c["code"]})
        for kind in ("recommended_actions", "support_available"):
            for j, item in enumerate(shape.need(c, kind, list, where)):
                shape.need(item, "order", int, f"{where}{kind}[{j}].")
                for key in ("text", "source_file", "excerpt"):
                    shape.need(item, key, str, f"{where}{kind}[{j}].")
            _unique([item["order"] for item in c[kind]],
                    _("in criterion %(code)s, %(kind)s number") % {"code": c["code"], "kind": kind.replace("_", " ")})
    for i, link in enumerate(shape.need(content, "links", list, "")):
        for key in ("from", "to", "reason"):
            shape.need(link, key, str, f"links[{i}].")
        if link["from"] not in criterion_codes or link["to"] not in criterion_codes:
            raise FrameworkFileInvalid(
                _("The file is malformed: the link %(from)s ↔ %(to)s names a criterion it does not contain.")
                % {"from": link["from"], "to": link["to"]}
            )
    _unique([f"{link['from']} ↔ {link['to']}" for link in content["links"]], _("the link"))


# --- Import ---------------------------------------------------------------------------


@transaction.atomic
def framework_import(*, data: bytes | str) -> Imported:
    """Create a draft version from a framework file; all of it or nothing."""
    content = read_framework_file(data)
    # Lock the existing versions first, so two imports of one file cannot both pass the collision check.
    list(FrameworkVersion.objects.select_for_update().values_list("pk", flat=True))
    collision = FrameworkVersion.objects.filter(code=content["code"]).first() or FrameworkVersion.objects.filter(
        name=content["name"]).first()
    if collision is not None:
        raise FrameworkFileInvalid(
            _("This installation already has the framework version “%(name)s” (%(code)s), %(status)s; the file's "
              "version (%(file_code)s, “%(file_name)s”) collides with it. Nothing was imported.")
            % {"name": collision.name, "code": collision.code, "status": collision.get_status_display().lower(),
               "file_code": content["code"], "file_name": content["name"]}
        )
    tags = _reference_tags(content)
    try:
        return _create(content, tags)
    except ValidationError as error:
        raise FrameworkFileInvalid(
            _("The file is malformed: %(problems)s") % {"problems": "; ".join(error.messages)}
        ) from None
    except DatabaseError as error:
        raise FrameworkFileInvalid(
            _("The file could not be stored: %(error)s. Nothing was imported.") % {"error": error}
        ) from None


def _reference_tags(content: dict) -> dict[str, dict]:
    """file key -> natural key -> reference row; refuses a tag this installation does not know."""
    found = {key: {getattr(row, attr): row for row in model.objects.all()} for key, (_f, model, attr) in TAGS.items()}
    for c in content["criteria"]:
        for key in TAGS:
            unknown = [value for value in c[key] if value not in found[key]]
            if unknown:
                raise FrameworkFileInvalid(
                    _("The file names %(kind)s that this installation does not have (%(values)s, criterion "
                      "%(code)s). Nothing was imported.")
                    % {"kind": key.replace("_", " "), "values": ", ".join(map(str, unknown)), "code": c["code"]}
                )
    return found


def _checked(obj, exclude=()):
    """Field checks (lengths, ranges, choices) without a query per row; constraints are the database's."""
    obj.clean_fields(exclude=list(exclude))
    return obj


def _create(content: dict, tags: dict[str, dict]) -> Imported:
    version = _checked(FrameworkVersion(
        code=content["code"],
        name=content["name"],
        description=content["description"],
        status=FrameworkVersion.Status.DRAFT,
        copied_from=FrameworkVersion.objects.filter(code=content["copied_from"]).first()
        if content["copied_from"] else None,
    ), exclude=["copied_from"])
    version.save()
    round_tables = {
        rt["code"]: _checked(RoundTable(version=version, number=rt["number"], code=rt["code"],
                                        **_texts(rt, title=rt["title"])),
                             exclude=["version"])
        for rt in content["round_tables"]
    }
    RoundTable.objects.bulk_create(round_tables.values())
    themes = {
        (rt["code"], t["code"]): _checked(
            Theme(round_table=round_tables[rt["code"]], code=t["code"], order=t["order"], **_texts(t, title=t["title"])),
            exclude=["round_table"])
        for rt in content["round_tables"] for t in rt["themes"]
    }
    Theme.objects.bulk_create(themes.values())

    originals = _originals(content)
    criteria = {
        c["code"]: _checked(Criterion(
            version=version,
            theme=themes[(c["round_table"], c["theme"])],
            code=c["code"],
            **_texts(c, statement=c["statement"], guidance=c["guidance"]),
            perspective=perspective_value(c["perspective"]),
            weight=c["weight"],
            source_file=c["source_file"],
            excerpt=c["excerpt"],
            copied_from=originals.get(tuple(c["copied_from"] or ())),
        ), exclude=["version", "theme", "copied_from"])
        for c in content["criteria"]
    }
    Criterion.objects.bulk_create(criteria.values())
    for key, (field, _model, _attr) in TAGS.items():
        relation = getattr(Criterion, field)
        through, column = relation.through, relation.field.m2m_reverse_field_name() + "_id"
        through.objects.bulk_create(
            through(criterion_id=criteria[c["code"]].pk, **{column: tags[key][value].pk})
            for c in content["criteria"] for value in dict.fromkeys(c[key])
        )
    LevelDescriptor.objects.bulk_create(
        _checked(LevelDescriptor(criterion=criteria[c["code"]], level=d["level"], **_texts(d, text=d["text"])), exclude=["criterion"])
        for c in content["criteria"] for d in c["levels"]
    )
    for model, kind in ((RecommendedAction, "recommended_actions"), (SupportAvailable, "support_available")):
        model.objects.bulk_create(
            _checked(model(criterion=criteria[c["code"]], order=i["order"], **_texts(i, text=i["text"]),
                           source_file=i["source_file"],
                           excerpt=i["excerpt"]), exclude=["criterion"])
            for c in content["criteria"] for i in c[kind]
        )
    CoherenceLink.objects.bulk_create(
        _checked(CoherenceLink(from_criterion=criteria[link["from"]], to_criterion=criteria[link["to"]],
                               **_texts(link, reason=link["reason"])), exclude=["from_criterion", "to_criterion"])
        for link in content["links"]
    )
    unlinked = tuple(c["code"] for c in content["criteria"]
                     if c["copied_from"] and tuple(c["copied_from"]) not in originals)
    return Imported(version=version, unlinked=unlinked)


def _originals(content: dict) -> dict[tuple[str, str], Criterion]:
    """The criteria named as "copied from" that exist here, by (version code, criterion code)."""
    wanted = {tuple(c["copied_from"]) for c in content["criteria"] if c["copied_from"]}
    found = Criterion.objects.filter(
        version__code__in={v for v, _code in wanted}, code__in={code for _v, code in wanted}
    ).select_related("version")
    return {(c.version.code, c.code): c for c in found if (c.version.code, c.code) in wanted}
