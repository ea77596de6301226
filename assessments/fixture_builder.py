"""Turn the authoring files in ``fixtures/source/`` into the Django fixture ``fixtures/hld2013.yaml``.

Editors and reviewers read the authoring files (one per round table, each
criterion with its levels, sources and tags in one place; format in
``fixtures/source/SCHEMA.md``). ``loaddata`` needs Django's serialisation
format, which this module writes with natural keys, so the fixture keeps its
identity across databases and loading it twice changes nothing.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

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
PERSPECTIVES = {"origin", "destination", "both"}


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
            report.check(c.get("perspective") in PERSPECTIVES, f"{code}: perspective must be one of {PERSPECTIVES}")
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
        report.check(a.split(".")[0] != b.split(".")[0], f"{pair}: a link joins two different round tables")
        report.check(frozenset((a, b)) not in pairs, f"{pair}: appears twice")
        report.check(bool(link.get("reason")), f"{pair}: no reason")
        report.check(len(normalise(link.get("reason", ""))) <= 300, f"{pair}: the reason must fit in 300 characters")
        pairs.add(frozenset((a, b)))
    return report.problems


def to_fixture(round_tables: list[dict], links: list[dict]) -> list[dict]:
    """Django serialisation records (natural keys, no primary keys), parents before children."""
    version = [VERSION_CODE]
    records = [
        record(
            "frameworkversion",
            code=VERSION_CODE,
            name=VERSION_NAME,
            description=VERSION_DESCRIPTION,
            status="published",
            copied_from=None,
            created_at=PUBLISHED_AT,
            published_at=PUBLISHED_AT,
        )
    ]
    for rt in round_tables:
        info = rt["round_table"]
        records.append(
            record("roundtable", version=version, number=info["number"], code=info["code"], title=normalise(info["title"]))
        )
        for order, theme in enumerate(rt["themes"]):
            records.append(
                record("theme", round_table=[VERSION_CODE, info["code"]], code=theme["code"], title=theme["title"], order=order)
            )
    for rt in round_tables:
        rt_code = rt["round_table"]["code"]
        for c in rt["criteria"]:
            records.append(
                record(
                    "criterion",
                    version=version,
                    theme=[VERSION_CODE, rt_code, c["theme"]],
                    code=c["code"],
                    statement=normalise(c["statement"]),
                    guidance=normalise(c["guidance"]),
                    perspective=c["perspective"],
                    weight=c["weight"],
                    source_file=c["source"],
                    excerpt=normalise(c["excerpt"]),
                    key_elements=[[k] for k in c["key_elements"]],
                    sectors=[[s] for s in c.get("sectors", [])],
                    sdg_domains=[[d] for d in c.get("sdg_10_7_2", [])],
                    gcm_objectives=[[n] for n in c.get("gcm_objectives", [])],
                    copied_from=None,
                )
            )
            criterion = [VERSION_CODE, c["code"]]
            for level in range(5):
                records.append(
                    record("leveldescriptor", criterion=criterion, level=level, text=normalise(c["levels"][level]))
                )
            for model, kind in (("recommendedaction", "recommended_actions"), ("supportavailable", "support_available")):
                for order, item in enumerate(c.get(kind) or [], start=1):
                    records.append(
                        record(
                            model,
                            criterion=criterion,
                            order=order,
                            text=normalise(item["text"]),
                            source_file=item["source"],
                            excerpt=normalise(item["excerpt"]),
                        )
                    )
    for link in links:
        records.append(
            record(
                "coherencelink",
                from_criterion=[VERSION_CODE, link["from"]],
                to_criterion=[VERSION_CODE, link["to"]],
                reason=normalise(link["reason"]),
            )
        )
    return records


def record(model: str, **fields) -> dict:
    return {"model": f"assessments.{model}", "fields": fields}


HEADER = (
    "# GENERATED by `python manage.py build_framework_fixture` from fixtures/source/*.yaml.\n"
    "# Edit the source files, then rebuild. Load with: python manage.py loaddata hld2013\n"
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


def render(records: list[dict]) -> str:
    return HEADER + yaml.dump(records, Dumper=_ReadableDumper, allow_unicode=True, sort_keys=False, width=110)
