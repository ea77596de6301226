"""Turn the authoring files in ``fixtures/source/`` into the Django fixtures ``fixtures/hld2013.yaml`` and,
from ``fixtures/source/hld2013-r2026/``, ``fixtures/hld2013-r2026.yaml`` (the 2026 revision).

Editors and reviewers read the authoring files (one per round table, each
criterion with its levels, sources and tags in one place; format in
``fixtures/source/SCHEMA.md``). ``loaddata`` needs Django's serialisation
format, which this module writes with natural keys, so the fixture keeps its
identity across databases and loading it twice changes nothing.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import fixture_translations
from .models.perspective import PERSPECTIVES as NEW_PERSPECTIVES
from .models.perspective import perspective_value

VERSION_CODE = "hld2013"
VERSION_NAME = "HLD 2013 high road scenarios"
VERSION_DESCRIPTION = (
    "The four round tables of the 2013 UN High-level Dialogue on International Migration and Development, "
    "with criteria drawn from IOM's high road scenarios and the UN system's recommendations."
)
PUBLISHED_AT = "2026-11-28T00:00:00Z"

KEY_ELEMENTS = set("abcdef")
SECTORS = {
    "development-planning", "labour-employment", "health", "education", "social-protection",
    "justice-home-affairs", "foreign-affairs-consular", "finance-remittances", "environment-climate-drr",
    "urban-local-government", "statistics",
}
SDG_DOMAINS = {"migrant-rights", "whole-of-government", "cooperation", "socioeconomic", "crises", "safe-orderly-regular"}
PERSPECTIVES = {"origin", "destination", "both"}  # the original's authoring files (a revision lists perspectives)

REVISION_CODE = "hld2013-r2026"  # also the name of its folder under fixtures/source/ and of its fixture
REVISION_PUBLISHED_AT = "2026-12-01T00:00:00Z"
# An authoring artefact: a word broken at a line end and rejoined with a space ("cross- cutting"). A suspended
# hyphen ("pre- and post-departure", "short- to medium-term") is English and allowed.
ARTEFACT = re.compile(r"[^\W\d_]- (?!(?:and|or|to|nor)\b)[^\W\d_]")


@dataclass(frozen=True)
class VersionInfo:
    code: str
    name: str
    description: str
    published_at: str
    copied_from: str | None = None  # the code of the version it was copied from


ORIGINAL = VersionInfo(VERSION_CODE, VERSION_NAME, VERSION_DESCRIPTION, PUBLISHED_AT)


@dataclass(frozen=True)
class Built:
    """One generated fixture: its file name, its text and a line saying what is in it."""

    file_name: str
    text: str
    summary: str


class SourcesInvalid(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("The framework sources have problems:\n  " + "\n  ".join(problems))


def normalise(text: str) -> str:
    return " ".join(text.split())


@dataclass
class SourceProblems:
    problems: list[str] = field(default_factory=list)

    def check(self, condition: bool, message: str):
        if not condition:
            self.problems.append(message)


def load_sources(source_dir: Path) -> tuple[list[dict], list[dict]]:
    round_tables = [yaml.safe_load(path.read_text()) for path in sorted(source_dir.glob("rt*.yaml"))]
    links_path = source_dir / "links.yaml"
    links = yaml.safe_load(links_path.read_text()) if links_path.exists() else []
    return round_tables, links or []


def excerpt_problems(round_tables: list[dict], seeds_dir: Path) -> list[str]:
    """Every excerpt must appear verbatim (whitespace aside) in the seed file it names."""
    seeds = {path.name: normalise(path.read_text()) for path in seeds_dir.glob("*.txt")}
    problems = []
    for where, source, excerpt in iter_excerpts(round_tables):
        if source not in seeds:
            problems.append(f"{where}: unknown source file {source}")
        elif normalise(excerpt) not in seeds[source]:
            problems.append(f"{where}: excerpt not found verbatim in {source}: {normalise(excerpt)[:80]}…")
    return problems


def iter_excerpts(round_tables: list[dict]):
    for rt in round_tables:
        for c in rt["criteria"]:
            yield c["code"], c["source"], c["excerpt"]
            for kind in ("recommended_actions", "support_available"):
                for n, item in enumerate(c.get(kind) or [], start=1):
                    yield f"{c['code']} {kind.replace('_', ' ')} {n}", item["source"], item["excerpt"]


def validate(round_tables: list[dict], links: list[dict]) -> list[str]:
    """The original's checks: the legacy perspectives origin, destination, both."""
    report = SourceProblems()
    for rt in round_tables:
        for c in rt["criteria"]:
            report.check(
                c.get("perspective") in PERSPECTIVES, f"{c['code']}: perspective must be one of {sorted(PERSPECTIVES)}"
            )
    for link in links:
        a, b = link.get("from", ""), link.get("to", "")
        report.check(a.split(".")[0] != b.split(".")[0], f"link {a} ↔ {b}: a link joins two different round tables")
    return _common_problems(round_tables, links) + report.problems


def _common_problems(round_tables: list[dict], links: list[dict]) -> list[str]:
    report = SourceProblems()
    codes = set()
    for rt in round_tables:
        rt_code = rt["round_table"]["code"]
        themes = {t["code"] for t in rt["themes"]}
        for theme in rt["themes"]:
            report.check(len(theme["title"]) <= 200, f"{theme['code']}: the title must fit in 200 characters")
        report.check(3 <= len(themes) <= 6, f"{rt_code} has {len(themes)} themes (3-6 expected)")
        for c in rt["criteria"]:
            code = c["code"]
            report.check(code not in codes, f"{code} appears twice")
            codes.add(code)
            report.check(code.startswith(rt_code + "."), f"{code} is not in {rt_code}")
            report.check(c["theme"] in themes, f"{code}: unknown theme {c['theme']}")
            report.check(c.get("weight") in (1, 2, 3), f"{code}: weight must be 1-3")
            report.check(sorted(c.get("levels", {})) == [0, 1, 2, 3, 4], f"{code}: levels must be exactly 0-4")
            report.check(bool(c.get("key_elements")), f"{code}: no key element")
            report.check(set(c.get("key_elements", [])) <= KEY_ELEMENTS, f"{code}: unknown key element")
            report.check(set(c.get("sectors", [])) <= SECTORS, f"{code}: unknown sector {c.get('sectors')}")
            report.check(set(c.get("sdg_10_7_2", [])) <= SDG_DOMAINS, f"{code}: unknown SDG domain")
            report.check(all(1 <= n <= 23 for n in c.get("gcm_objectives", [])), f"{code}: GCM objective not 1-23")
            report.check(bool(c.get("recommended_actions")), f"{code}: no recommended action")
    pairs = set()
    for link in links:
        a, b = link.get("from", ""), link.get("to", "")
        pair = f"link {a} ↔ {b}"
        report.check(a in codes and b in codes, f"{pair}: unknown criterion")
        report.check(frozenset((a, b)) not in pairs, f"{pair}: appears twice")
        report.check(bool(link.get("reason")), f"{pair}: no reason")
        report.check(len(normalise(link.get("reason", ""))) <= 300, f"{pair}: the reason must fit in 300 characters")
        pairs.add(frozenset((a, b)))
    return report.problems


# --- The 2026 revision -------------------------------------------------------------


def load_revision(revision_dir: Path) -> tuple[dict, list[dict], list[dict]]:
    """version.yaml, the round tables and the links of a revision folder."""
    meta = yaml.safe_load((revision_dir / "version.yaml").read_text()) or {}
    round_tables, links = load_sources(revision_dir)
    return meta, round_tables, links


def validate_revision(meta: dict, round_tables: list[dict], links: list[dict], original: list[dict]) -> list[str]:
    """The common checks, plus: perspectives as a list, the weight rule, lineage into the original, no artefacts."""
    report = SourceProblems()
    report.check(isinstance(meta.get("name"), str) and meta["name"].strip() != "", "version.yaml: no name")
    report.check(
        meta.get("copied_from") == VERSION_NAME,
        f"version.yaml: copied_from must name the original version, “{VERSION_NAME}”",
    )
    rule = meta.get("weight_rule")
    rule_ok = isinstance(rule, dict) and bool(rule) and all(w in (1, 2, 3) for w in rule.values())
    report.check(rule_ok, "version.yaml: weight_rule must map each basis to a weight of 1, 2 or 3")
    rule = rule if rule_ok else {}
    original_codes = {c["code"] for rt in original for c in rt["criteria"]}
    for rt in round_tables:
        for c in rt["criteria"]:
            code = c["code"]
            chosen = c.get("perspective")
            report.check(
                isinstance(chosen, list) and bool(chosen) and len(set(chosen)) == len(chosen)
                and set(chosen) <= set(NEW_PERSPECTIVES),
                f"{code}: perspective must be a list of one or more of {list(NEW_PERSPECTIVES)}, each once",
            )
            basis = c.get("weight_basis")
            if basis not in rule:
                report.check(False, f"{code}: weight_basis {basis!r} is not a key of the weight rule")
            else:
                report.check(
                    c.get("weight") == rule[basis],
                    f"{code}: weight {c.get('weight')} differs from the weight rule ({basis} → {rule[basis]})",
                )
            origin = c.get("copied_from")
            report.check(
                origin is None or origin in original_codes,
                f"{code}: copied_from {origin} is not a criterion of the original version",
            )
            for where, text in _authored_texts(c):
                found = ARTEFACT.search(normalise(text))
                report.check(found is None, f"{code} {where}: authoring artefact “{found and found.group()}”")
    # The revision allows links inside one round table (the 2026 review names such pairs), but never between
    # criteria that no government could have to answer together.
    perspectives = {c["code"]: set(c.get("perspective") or []) for rt in round_tables for c in rt["criteria"]}
    for link in links:
        a, b = link.get("from", ""), link.get("to", "")
        if a in perspectives and b in perspectives:
            report.check(bool(perspectives[a] & perspectives[b]), f"link {a} ↔ {b}: the criteria share no perspective")
    return _common_problems(round_tables, links) + report.problems


def _authored_texts(c: dict):
    yield "statement", c.get("statement") or ""
    yield "guidance", c.get("guidance") or ""
    for level, text in (c.get("levels") or {}).items():
        yield f"level {level}", text or ""


def revision_info(meta: dict) -> VersionInfo:
    return VersionInfo(
        REVISION_CODE, normalise(meta["name"]), normalise(meta.get("description") or ""), REVISION_PUBLISHED_AT,
        copied_from=VERSION_CODE,
    )


def build(source_dir: Path, seeds_dir: Path | None) -> list[Built]:
    """Check the sources and render the fixtures: the original, then the revision when its folder exists.

    Raises SourcesInvalid with every problem found; ``seeds_dir=None`` skips the verbatim check.
    """
    round_tables, links = load_sources(source_dir)
    problems = validate(round_tables, links)
    if seeds_dir is not None:
        problems += excerpt_problems(round_tables, seeds_dir)
    revision_dir = source_dir / REVISION_CODE
    revision = load_revision(revision_dir) if (revision_dir / "version.yaml").exists() else None
    if revision is not None:
        meta, rev_round_tables, rev_links = revision
        rev_problems = validate_revision(meta, rev_round_tables, rev_links, round_tables)
        if seeds_dir is not None:
            rev_problems += excerpt_problems(rev_round_tables, seeds_dir)
        problems += [f"{REVISION_CODE}/ {problem}" for problem in rev_problems]
    if problems:
        raise SourcesInvalid(problems)
    built = [_built(f"{VERSION_CODE}.yaml", round_tables, links, ORIGINAL, translations_of(source_dir))]
    if revision is not None:
        meta, rev_round_tables, rev_links = revision
        built.append(
            _built(f"{REVISION_CODE}.yaml", rev_round_tables, rev_links, revision_info(meta), translations_of(revision_dir))
        )
    return built


def translations_of(source_dir: Path) -> dict[str, tuple[dict, dict]]:
    """{language: its translation files} for the languages that have a folder (docs/framework-translations.md)."""
    return {
        language: fixture_translations.load(source_dir, language)
        for language in fixture_translations.TRANSLATED_LANGUAGES
        if (source_dir / "translations" / language).is_dir()
    }


def _built(
    file_name: str, round_tables: list[dict], links: list[dict], version: VersionInfo, translations=None
) -> Built:
    criteria = sum(len(rt["criteria"]) for rt in round_tables)
    languages = ", ".join(["en", *sorted(translations or {})])
    return Built(
        file_name,
        render(to_fixture(round_tables, links, version, translations), version),
        f"{len(round_tables)} round tables, {criteria} criteria, {len(links)} links; languages {languages}",
    )


def _languages(field: str, english: str, translated: dict[str, str | None]) -> dict:
    """``field`` and its modeltranslation columns: ``field_en`` and each language that has a text."""
    texts = {field: english, f"{field}_en": english}
    texts.update({f"{field}_{lang}": normalise(text) for lang, text in translated.items() if text and normalise(text)})
    return texts


def to_fixture(
    round_tables: list[dict], links: list[dict], info: VersionInfo = ORIGINAL, translations: dict | None = None
) -> list[dict]:
    """Django serialisation records (natural keys, no primary keys), parents before children.

    A revision's criteria name the original criterion they were copied from by its natural key. Each
    translated text also goes into its ``_en`` column and, where ``translations`` has it, ``_fr``/``_es``.
    """
    translations = translations or {}

    def tr_rt(rt_code: str) -> dict[str, dict]:
        return {lang: files.get(rt_code.lower()) or {} for lang, (files, _reasons) in translations.items()}

    def tr_criterion(rt_code: str, code: str) -> dict[str, dict]:
        return {lang: (rt.get("criteria") or {}).get(code) or {} for lang, rt in tr_rt(rt_code).items()}

    code = info.code
    version = [code]
    records = [
        record(
            "frameworkversion",
            code=code,
            name=info.name,
            description=info.description,
            status="published",
            copied_from=[info.copied_from] if info.copied_from else None,
            created_at=info.published_at,
            published_at=info.published_at,
        )
    ]
    for rt in round_tables:
        rt_info = rt["round_table"]
        rt_tr = tr_rt(rt_info["code"])
        records.append(
            record(
                "roundtable", version=version, number=rt_info["number"], code=rt_info["code"],
                **_languages("title", normalise(rt_info["title"]),
                             {lang: (t.get("round_table") or {}).get("title") for lang, t in rt_tr.items()}),
            )
        )
        for order, theme in enumerate(rt["themes"]):
            records.append(
                record(
                    "theme", round_table=[code, rt_info["code"]], code=theme["code"],
                    **_languages("title", theme["title"],
                                 {lang: (t.get("themes") or {}).get(theme["code"]) for lang, t in rt_tr.items()}),
                    order=order,
                )
            )
    for rt in round_tables:
        rt_code = rt["round_table"]["code"]
        for c in rt["criteria"]:
            c_tr = tr_criterion(rt_code, c["code"])
            records.append(
                record(
                    "criterion",
                    version=version,
                    theme=[code, rt_code, c["theme"]],
                    code=c["code"],
                    **_languages("statement", normalise(c["statement"]),
                                 {lang: t.get("statement") for lang, t in c_tr.items()}),
                    **_languages("guidance", normalise(c["guidance"]), {lang: t.get("guidance") for lang, t in c_tr.items()}),
                    # the original keeps its legacy value ("both"); a revision lists its perspectives
                    perspective=perspective_value(c["perspective"]) if isinstance(c["perspective"], list)
                    else c["perspective"],
                    weight=c["weight"],
                    source_file=c["source"],
                    excerpt=normalise(c["excerpt"]),
                    key_elements=[[k] for k in c["key_elements"]],
                    sectors=[[s] for s in c.get("sectors", [])],
                    sdg_domains=[[d] for d in c.get("sdg_10_7_2", [])],
                    gcm_objectives=[[n] for n in c.get("gcm_objectives", [])],
                    copied_from=[info.copied_from, c["copied_from"]]
                    if info.copied_from and c.get("copied_from") else None,
                )
            )
            criterion = [code, c["code"]]
            for level in range(5):
                records.append(
                    record(
                        "leveldescriptor", criterion=criterion, level=level,
                        **_languages("text", normalise(c["levels"][level]),
                                     {lang: (t.get("levels") or {}).get(level) for lang, t in c_tr.items()}),
                    )
                )
            for model, kind in (("recommendedaction", "recommended_actions"), ("supportavailable", "support_available")):
                for order, item in enumerate(c.get(kind) or [], start=1):
                    records.append(
                        record(
                            model,
                            criterion=criterion,
                            order=order,
                            **_languages("text", normalise(item["text"]),
                                         {lang: _nth(t.get(kind), order - 1) for lang, t in c_tr.items()}),
                            source_file=item["source"],
                            excerpt=normalise(item["excerpt"]),
                        )
                    )
    for link in links:
        records.append(
            record(
                "coherencelink",
                from_criterion=[code, link["from"]],
                to_criterion=[code, link["to"]],
                **_languages("reason", normalise(link["reason"]), {
                    lang: reasons.get(fixture_translations.link_key(link)) for lang, (_f, reasons) in translations.items()
                }),
            )
        )
    return records


def _nth(items: list | None, index: int):
    return items[index] if items and index < len(items) else None


def record(model: str, **fields) -> dict:
    return {"model": f"assessments.{model}", "fields": fields}


HEADER = (
    "# GENERATED by `python manage.py build_framework_fixture` from fixtures/source/*.yaml.\n"
    "# Edit the source files, then rebuild. Load with: python manage.py loaddata hld2013\n"
)
REVISION_HEADER = (
    "# GENERATED by `python manage.py build_framework_fixture` from fixtures/source/{code}/*.yaml.\n"
    "# Edit the source files, then rebuild. Load after {original}: python manage.py loaddata {code}\n"
)


class _ReadableDumper(yaml.SafeDumper):
    """No anchors/aliases; natural keys such as [hld2013, RT1.01] on one line."""

    def ignore_aliases(self, data):
        return True


def _represent_list(dumper, data):
    flat = all(not isinstance(item, (dict, list)) for item in data) or all(
        isinstance(item, list) and len(item) == 1 for item in data
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_ReadableDumper.add_representer(list, _represent_list)


def render(records: list[dict], info: VersionInfo = ORIGINAL) -> str:
    header = REVISION_HEADER.format(code=info.code, original=info.copied_from) if info.copied_from else HEADER
    return header + yaml.dump(records, Dumper=_ReadableDumper, allow_unicode=True, sort_keys=False, width=110)
