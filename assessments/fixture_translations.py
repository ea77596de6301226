"""The French and Spanish texts of a framework version's authoring files (issue 15).

Each authoring folder (``fixtures/source/`` for the original, ``fixtures/source/hld2013-r2026/`` for the revision)
has ``translations/<language>/rt1.yaml`` … ``rt4.yaml`` and ``links.yaml``, keyed by the English codes, holding
every text an official reads except the verbatim excerpts, which stay in English (format:
``fixtures/source/SCHEMA.md``). The builder merges them into the fixture as the ``_fr`` and ``_es`` fields of
django-modeltranslation; this module finds what is missing and does the merge.

``python -m assessments.fixture_translations fixtures/source fr`` lists what is missing or left over.
"""

import sys
from pathlib import Path

import yaml

TRANSLATED_LANGUAGES = ("fr", "es")
LIST_KINDS = ("recommended_actions", "support_available")


def link_key(link: dict) -> str:
    return f"{link['from']} {link['to']}"


def load(source_dir: Path, language: str) -> tuple[dict[str, dict], dict[str, str]]:
    """The translation files of one language: {round-table file stem: content}, {link key: reason}."""
    folder = source_dir / "translations" / language
    round_tables = {path.stem: yaml.safe_load(path.read_text()) or {} for path in sorted(folder.glob("rt*.yaml"))}
    links_path = folder / "links.yaml"
    links = (yaml.safe_load(links_path.read_text()) or {}) if links_path.exists() else {}
    return round_tables, links


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def problems(round_tables: list[dict], links: list[dict], translated: tuple[dict, dict], language: str) -> list[str]:
    """Every English text without a translation, and every translation without an English text."""
    files, reasons = translated
    found = []
    by_code = {rt["round_table"]["code"]: rt for rt in round_tables}
    for stem in files:
        if stem.upper() not in by_code:
            found.append(f"{language}/{stem}.yaml: no English round table {stem.upper()}")
    for code, english in by_code.items():
        where = f"{language}/{code.lower()}.yaml"
        tr = files.get(code.lower())
        if tr is None:
            found.append(f"{where}: missing file")
            continue
        if not _text((tr.get("round_table") or {}).get("title")):
            found.append(f"{where}: round_table.title missing")
        themes = tr.get("themes") or {}
        for theme in english.get("themes", []):
            if not _text(themes.get(theme["code"])):
                found.append(f"{where}: theme {theme['code']} missing")
        found += [f"{where}: theme {c} is not in English" for c in themes if c not in {t["code"] for t in english["themes"]}]
        criteria = tr.get("criteria") or {}
        english_codes = {c["code"] for c in english.get("criteria", [])}
        found += [f"{where}: criterion {c} is not in English" for c in criteria if c not in english_codes]
        for criterion in english.get("criteria", []):
            found += _criterion_problems(criterion, criteria.get(criterion["code"]), where)
    english_links = {link_key(link) for link in links}
    for key in english_links:
        if not _text(reasons.get(key)):
            found.append(f"{language}/links.yaml: link {key} missing")
    found += [f"{language}/links.yaml: link {key} is not in English" for key in reasons if key not in english_links]
    return found


def _criterion_problems(english: dict, tr: dict | None, where: str) -> list[str]:
    code = english["code"]
    if not tr:
        return [f"{where}: criterion {code} missing"]
    found = [f"{where}: {code}.{name} missing" for name in ("statement", "guidance") if not _text(tr.get(name))]
    levels = tr.get("levels") or {}
    found += [f"{where}: {code} level {n} missing" for n in range(5) if not _text(levels.get(n))]
    for kind in LIST_KINDS:
        wanted, given = len(english.get(kind) or []), tr.get(kind) or []
        if len(given) != wanted or not all(_text(text) for text in given):
            found.append(f"{where}: {code}.{kind} has {len(given)} texts, English has {wanted}")
    return found


def main(argv: list[str]) -> int:
    source_dir, languages = Path(argv[0]), argv[1:] or list(TRANSLATED_LANGUAGES)
    round_tables = [yaml.safe_load(path.read_text()) for path in sorted(source_dir.glob("rt*.yaml"))]
    links = yaml.safe_load((source_dir / "links.yaml").read_text()) or []
    status = 0
    for language in languages:
        found = problems(round_tables, links, load(source_dir, language), language)
        print(f"{source_dir} [{language}]: {len(found)} problem(s)")
        for line in found:
            print("  " + line)
        status = status or bool(found)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
