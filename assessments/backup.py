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

Restoring loads it with Django's ``loaddata`` in one transaction into a
migrated database that holds no data of its own, then checks that every
table has exactly the rows the backup counted; anything else rolls back.
"""

import gzip
import json
import tempfile
from datetime import UTC, datetime, time
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import User
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from .models import Assessment, FrameworkVersion, Government

FORMAT = "hldassess-backup"
VERSION = 1
# Not backed up: made by ``migrate`` (content types, permissions), or not data (sessions, sign-in
# attempts, stored documents and the queue of their renders). Matched by app label ("axes") or model
# label ("auth.permission").
EXCLUDED = {"contenttypes", "auth.permission", "sessions", "axes", "assessments.reportfile", "django_tasks_db"}


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


def backup_restore(*, path: Path | str, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Load the backup at ``path`` into this empty, migrated database; all of it or nothing. Returns its counts."""
    data = backup_read(path)
    _refuse_unless_ready(data, using)
    models = {m._meta.label_lower: m for m in backed_up_models()}
    unknown = sorted(set(data["counts"]) - set(models))
    if unknown:
        raise BackupError(f"The backup holds tables this version does not know: {', '.join(unknown)}.")
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "backup.json"
        fixture.write_text(json.dumps(data["objects"], ensure_ascii=False), encoding="utf-8")
        with transaction.atomic(using=using):
            # The rows that migrations made (groups, reference lists) are in the backup too, as they were there.
            for model in reversed(list(models.values())):
                model._base_manager.using(using).all().delete()
            call_command("loaddata", str(fixture), database=using, verbosity=0)
            restored = {label: models[label]._base_manager.using(using).count() for label in data["counts"]}
            wrong = {label: (n, restored[label]) for label, n in data["counts"].items() if restored[label] != n}
            if wrong:
                details = ", ".join(f"{label}: {n} in the backup, {got} restored" for label, (n, got) in wrong.items())
                raise BackupError(f"Nothing was restored: the row counts differ ({details}).")
    return data["counts"]
