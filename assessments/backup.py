"""Back up everything to one file and restore it into an empty database (README "Backup and restore").

The file is JSON (gzip-compressed when its name ends in ``.gz``)::

    {"format": "hldassess-backup", "version": 1, "created_at": ..., "migrations": {app: last migration},
     "counts": {"app.model": rows}, "objects": [Django serializer objects]}

It holds every row of every model — frameworks, reference lists, governments,
users (with password hashes), groups, memberships, assessments, responses and
their history, the admin's change log — except what the target database
makes itself or that is not data: content types and permissions (matched by
natural key on restore), sessions, sign-in attempts and lockouts (django-axes)
and stored PDFs (a cache, rendered again on demand). Primary keys are kept, so
links into the application stay valid after a restore.

Restoring checks the file before it writes anything: its structure (every
key, every row's model, pk and fields), that the counts agree with the rows,
and that every row's parent rows are in it. It then loads it with Django's
``loaddata`` in one transaction into a migrated database that holds no data
of its own (the database checks types, foreign keys and constraints), runs
``full_clean`` on every restored row (choices such as an assessment's status,
lengths, validators, the models' own rules), and checks that every table has
exactly the rows the backup counted. Any failure is one ``BackupError`` with
a message that names the row, and rolls everything back.
"""

import gzip
import json
import re
import tempfile
from collections import Counter, defaultdict
from datetime import UTC, datetime, time
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import User
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from .models import Assessment, FrameworkVersion, Government

FORMAT = "hldassess-backup"
VERSION = 1
# Not backed up: made by ``migrate`` (content types, permissions), or not data (sessions, sign-in
# attempts, stored documents and the queue of their renders, API tokens: credentials a restore must not revive). Matched by app label ("axes") or model
# label ("auth.permission").
EXCLUDED = {"contenttypes", "auth.permission", "sessions", "axes", "assessments.reportfile", "django_tasks_db",
            "assessments.apitoken"}
# How many faulty rows a refusal names (the rest are counted).
NAMED_PROBLEMS = 5
REFUSED = "Nothing was restored: "


class BackupEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, (datetime, time)):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup that cannot be read or restored here; the message says why."""


def backed_up_models() -> list:
    """Every concrete model except EXCLUDED, parents before children (as loaddata needs them)."""
    app_list = {
        config: [
            m
            for m in config.get_models()
            if not m._meta.proxy and config.label not in EXCLUDED and m._meta.label_lower not in EXCLUDED
        ]
        for config in apps.get_app_configs()
        if config.label not in EXCLUDED
    }
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """app label -> name of the last migration applied (the schema the data belongs to)."""
    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        if name > latest.get(app, ""):
            latest[app] = name
    return latest


def backup_data(using: str = DEFAULT_DB_ALIAS) -> dict:
    objects, counts = [], {}
    for model in backed_up_models():
        queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
        rows = serializers.serialize("python", queryset.iterator(), use_natural_foreign_keys=True)
        counts[model._meta.label_lower] = len(rows)
        objects += rows
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "migrations": applied_migrations(using),
        "counts": counts,
        "objects": objects,
    }


def backup_write(*, path: Path | str, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the backup to ``path`` (readable by its owner only: it holds password hashes); return its counts."""
    path = Path(path)
    connection = connections[using]
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(using=using):
        if snapshot:  # every table read as of one moment, while the application keeps writing
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        data = backup_data(using)
    text = json.dumps(data, cls=BackupEncoder, ensure_ascii=False)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return data["counts"]


def backup_read(path: Path | str) -> dict:
    path = Path(path)
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as source:
            data = json.load(source)
    except (OSError, ValueError, EOFError) as error:
        raise BackupError(f"{path} is not a readable backup: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path} is not an HLD Assess backup.")
    if data.get("version") != VERSION:
        raise BackupError(f"{path} is a backup of format version {data.get('version')}; this version reads {VERSION}.")
    return data


def _refuse_unless_ready(data: dict, using: str) -> None:
    here = applied_migrations(using)
    wanted = data["migrations"]
    differ = sorted(app for app in set(here) | set(wanted) if here.get(app) != wanted.get(app))
    if differ:
        details = ", ".join(f"{app}: backup {wanted.get(app, 'none')}, here {here.get(app, 'none')}" for app in differ)
        raise BackupError(
            "The database schema differs from the backup's "
            f"({details}). Migrate a new database to the backup's migrations "
            "(manage.py migrate APP MIGRATION), restore, then migrate to the latest."
        )
    present = {
        "users": User.objects.using(using).count(),
        "governments": Government.objects.using(using).count(),
        "assessments": Assessment.objects.using(using).count(),
        "framework versions": FrameworkVersion.objects.using(using).count(),
    }
    if any(present.values()):
        found = ", ".join(f"{n} {what}" for what, n in present.items() if n)
        raise BackupError(
            f"The database is not empty ({found}). Restore only into a new database made with manage.py migrate."
        )


def _problems(found: list[str]) -> str:
    """Up to NAMED_PROBLEMS of them on one line, and how many more."""
    named = "; ".join(problem.rstrip(".") for problem in found[:NAMED_PROBLEMS])
    more = len(found) - NAMED_PROBLEMS
    return named + (f"; and {more} more" if more > 0 else "") + "."


def _check_structure(data: dict, models: dict) -> None:
    """The keys, each row's model, pk and fields, and counts that agree with the rows; before anything is written."""
    for key, kind, name in (("migrations", dict, "an object"), ("counts", dict, "an object"),
                            ("objects", list, "a list")):
        if key not in data:
            raise BackupError(f"{REFUSED}the backup has no “{key}”.")
        if not isinstance(data[key], kind):
            raise BackupError(f"{REFUSED}the backup's “{key}” is not {name}.")
    for app, name in data["migrations"].items():
        if not isinstance(name, str):
            raise BackupError(f"{REFUSED}the backup's migration of {app} is not a name: {name!r}.")
    for label, n in data["counts"].items():
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise BackupError(f"{REFUSED}the count of {label} is not a number of rows: {n!r}.")
    unknown = sorted(set(data["counts"]) - set(models))
    if unknown:
        raise BackupError(f"The backup holds tables this version does not know: {', '.join(unknown)}.")
    for number, row in enumerate(data["objects"], 1):
        if not isinstance(row, dict) or not isinstance(row.get("model"), str):
            raise BackupError(f"{REFUSED}row {number} of the backup has no “model”.")
        label = row["model"]
        if label not in models:
            raise BackupError(f"{REFUSED}row {number} of the backup is of a table this version does not know: {label}.")
        if "pk" not in row or row["pk"] is None:
            raise BackupError(f"{REFUSED}row {number} of the backup ({label}) has no “pk”.")
        if not isinstance(row.get("fields"), dict):
            raise BackupError(f"{REFUSED}row {number} of the backup ({label}) has no “fields”.")
    held = Counter(row["model"] for row in data["objects"])
    wrong = {
        label: (data["counts"].get(label, 0), held.get(label, 0))
        for label in sorted(set(held) | set(data["counts"]))
        if data["counts"].get(label, 0) != held.get(label, 0)
    }
    if wrong:
        details = ", ".join(
            f"{label}: {n} in the backup's counts, {got} rows in it" for label, (n, got) in wrong.items()
        )
        raise BackupError(f"{REFUSED}the row counts differ ({details}).")


class _Named:
    """Stands in for a parent row that the file names by its natural key, to compute a child's natural key."""

    def __init__(self, key):
        self.key = tuple(key)

    def natural_key(self):
        return self.key


def _natural_key(model, row: dict):
    """The natural key of a row of the file, as the application computes it; None if it has none or it fails."""
    if not hasattr(model, "natural_key"):
        return None
    values = {}
    for field in model._meta.concrete_fields:
        if not field.is_relation and field.name in row["fields"]:
            values[field.attname] = row["fields"][field.name]
    instance = model(**values)
    for field in model._meta.concrete_fields:
        value = row["fields"].get(field.name)
        if field.is_relation and isinstance(value, list):
            instance._state.fields_cache[field.name] = _Named(value)  # what the descriptor returns
    try:
        return tuple(instance.natural_key())
    except Exception:  # a natural key that needs more than the row and its parents' keys: not checked here
        return None


def _missing_parents(data: dict, models: dict) -> list[str]:
    """Rows that refer to a row (by primary key or by natural key) that is not in the backup."""
    present, unnamed = defaultdict(set), set()
    for row in data["objects"]:
        present[row["model"]].add(str(row["pk"]))
        key = _natural_key(models[row["model"]], row)
        if key is not None:
            present[row["model"]].add(key)
        elif hasattr(models[row["model"]], "natural_key"):
            unnamed.add(row["model"])  # references to it by name are left to the loader, never refused falsely
    found = []
    for row in data["objects"]:
        for field in models[row["model"]]._meta.get_fields():
            target = field.related_model
            if not (field.concrete and field.is_relation) or target is None:
                continue
            target_label = target._meta.label_lower
            # History rows may outlive what they describe (no database constraint); other tables are not backed up.
            if target_label not in models or not getattr(field, "db_constraint", True):
                continue
            if field.many_to_many:
                values = row["fields"].get(field.name) or []
            elif field.remote_field.field_name == target._meta.pk.name:
                values = [row["fields"].get(field.name)]
            else:
                continue
            for value in values if isinstance(values, list) else [values]:
                if value is None:
                    continue
                if isinstance(value, list):  # a natural key
                    if target_label not in unnamed and tuple(value) not in present[target_label]:
                        found.append(f"{row['model']} pk={row['pk']} refers to the {target_label} "
                                     f"{'/'.join(map(str, value))}, which is not in the backup")
                elif str(value) not in present[target_label]:
                    found.append(f"{row['model']} pk={row['pk']} refers to {target_label} pk={value}, "
                                 "which is not in the backup")
    return found


def _invalid_rows(models: dict, using: str) -> list[str]:
    """Every restored row through ``full_clean``: what the database does not check (choices, lengths on SQLite,
    validators, the models' own rules). Relations, uniqueness and constraints the database has just checked."""
    found = []
    for label, model in models.items():
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        nullable = [f for f in model._meta.concrete_fields if f.null and not f.is_relation]
        for row in model._base_manager.using(using).order_by("pk").iterator():
            # NULL where the column allows it is a state the application wrote (history's change reason), not a fault.
            empty = [f.name for f in nullable if getattr(row, f.attname) is None]
            try:
                row.full_clean(exclude=relations + empty, validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                details = "; ".join(
                    f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
                    for field, messages in error.message_dict.items()
                )
                found.append(f"{label} pk={row.pk}: {details}")
                if len(found) > NAMED_PROBLEMS:
                    return found
    return found


# Django's wording for a value it cannot convert: "['“high” value must be an integer.']: (app.model:pk=1) field_value
# was 'high'".
_BAD_VALUE = re.compile(
    r"^\[(?P<messages>.*)\]: \((?P<label>[\w.]+):pk=(?P<pk>[^)]*)\) field_value was '(?P<value>.*)'$", re.S
)


def _loader_message(error: Exception) -> str:
    """loaddata's message without the temporary file's name, on one line."""
    text = " ".join(re.sub(r"^Problem installing fixture '[^']*': ", "", str(error)).split())
    bad = _BAD_VALUE.match(text)
    if bad:
        messages = bad["messages"].strip("'\"")
        return f"{bad['label']} pk={bad['pk']}: {messages.rstrip('.')} (the value is '{bad['value']}')."
    return text


def backup_restore(*, path: Path | str, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Load the backup at ``path`` into this empty, migrated database; all of it or nothing. Returns its counts."""
    data = backup_read(path)
    models = {m._meta.label_lower: m for m in backed_up_models()}
    _check_structure(data, models)
    _refuse_unless_ready(data, using)
    missing = _missing_parents(data, models)
    if missing:
        raise BackupError(f"{REFUSED}{_problems(missing)}")
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "backup.json"
        fixture.write_text(json.dumps(data["objects"], ensure_ascii=False), encoding="utf-8")
        with transaction.atomic(using=using):
            # The rows that migrations made (groups, reference lists) are in the backup too, as they were there.
            for model in reversed(list(models.values())):
                model._base_manager.using(using).all().delete()
            try:
                call_command("loaddata", str(fixture), database=using, verbosity=0)
            except Exception as error:  # a value of the wrong type, a broken constraint, a name that refers to nothing
                raise BackupError(f"{REFUSED}{_loader_message(error)}") from error
            invalid = _invalid_rows(models, using)
            if invalid:
                raise BackupError(f"{REFUSED}{_problems(invalid)}")
            restored = {label: models[label]._base_manager.using(using).count() for label in data["counts"]}
            wrong = {label: (n, restored[label]) for label, n in data["counts"].items() if restored[label] != n}
            if wrong:
                details = ", ".join(f"{label}: {n} in the backup, {got} restored" for label, (n, got) in wrong.items())
                raise BackupError(f"{REFUSED}the row counts differ ({details}).")
    return data["counts"]
